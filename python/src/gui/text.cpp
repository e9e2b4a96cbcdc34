#include "text.h"

#include <stb/stb_truetype.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace qtaichi::gui {

namespace {

struct Font {
  std::vector<unsigned char> data;
  stbtt_fontinfo info{};
};

const Font &font() {
  static Font f;
  static std::once_flag once;
  static std::string error;
  std::call_once(once, [] {
    std::vector<std::string> paths;
    if (const char *env = std::getenv("QTAICHI_FONT")) paths.push_back(env);
    paths.push_back("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    paths.push_back("/usr/share/fonts/TTF/DejaVuSans.ttf");
    paths.push_back("/usr/share/fonts/dejavu/DejaVuSans.ttf");
    for (const auto &p : paths) {
      std::ifstream in(p, std::ios::binary);
      if (!in) continue;
      f.data.assign(std::istreambuf_iterator<char>(in), {});
      if (stbtt_InitFont(&f.info, f.data.data(), stbtt_GetFontOffsetForIndex(f.data.data(), 0)))
        return;
      f.data.clear();
    }
    error = "ti.GUI text: no TrueType font found (set QTAICHI_FONT to a .ttf file, or install "
            "Debian's fonts-dejavu-core: `make deps`)";
  });
  if (f.data.empty()) throw std::runtime_error(error);
  return f;
}

// Next code point of UTF-8 text (invalid bytes read as U+FFFD).
int next_codepoint(const std::string &s, size_t &i) {
  unsigned char c = s[i++];
  if (c < 0x80) return c;
  int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : -1;
  if (extra < 0) return 0xFFFD;
  int cp = c & (0x3F >> extra);
  for (int k = 0; k < extra; ++k) {
    if (i >= s.size() || (s[i] & 0xC0) != 0x80) return 0xFFFD;
    cp = (cp << 6) | (s[i++] & 0x3F);
  }
  return cp;
}

// Walks the glyphs of `text`: calls fn(codepoint, pen_x, baseline_offset_from_top).
template <class Fn>
void layout(const std::string &text, float size, Fn fn, float *width = nullptr,
            float *height = nullptr) {
  const Font &f = font();
  float scale = stbtt_ScaleForMappingEmToPixels(&f.info, size);  // size = em, as CSS and FreeType
  int ascent, descent, gap;
  stbtt_GetFontVMetrics(&f.info, &ascent, &descent, &gap);
  // Ascender rounded up to whole pixels, as FreeType reports it: the baseline sits on a row.
  float line = (ascent - descent + gap) * scale, base = std::ceil(ascent * scale);
  float pen = 0, widest = 0;
  int prev = 0, lines = 1;
  for (size_t i = 0; i < text.size();) {
    int cp = next_codepoint(text, i);
    if (cp == '\n') {
      widest = std::max(widest, pen), pen = 0, prev = 0, ++lines, base += line;
      continue;
    }
    if (prev) pen += stbtt_GetCodepointKernAdvance(&f.info, prev, cp) * scale;
    fn(cp, pen, base, scale);
    int advance, bearing;
    stbtt_GetCodepointHMetrics(&f.info, cp, &advance, &bearing);
    pen += advance * scale;
    prev = cp;
  }
  if (width) *width = std::max(widest, pen);
  if (height) *height = lines * line;
}

}  // namespace

void draw_text(Image &img, const std::string &text, float x, float y, float size, Rgb color) {
  if (!(size > 0) || text.empty()) return;
  const Font &f = font();
  float left = x * img.width, top = y * img.height;  // y up: rows go down from `top`
  layout(text, size, [&](int cp, float pen, float base, float scale) {
    float gx = left + pen;
    float shift = gx - std::floor(gx);
    int x0, y0, x1, y1;
    stbtt_GetCodepointBitmapBoxSubpixel(&f.info, cp, scale, scale, shift, 0, &x0, &y0, &x1, &y1);
    int w = x1 - x0, h = y1 - y0;
    if (w <= 0 || h <= 0) return;
    std::vector<unsigned char> bitmap(size_t(w) * h);
    stbtt_MakeCodepointBitmapSubpixel(&f.info, bitmap.data(), w, h, w, scale, scale, shift, 0,
                                      cp);
    int px0 = int(std::floor(gx)) + x0;
    int row0 = int(std::lround(top - base)) - y0;  // image row of the bitmap's first line
    for (int r = 0; r < h; ++r)
      for (int c = 0; c < w; ++c)
        img.blend(px0 + c, row0 - r - 1, color, bitmap[size_t(r) * w + c] / 255.0f);
  });
}

void measure_text(const std::string &text, float size, float *width, float *height) {
  *width = *height = 0;
  if (!(size > 0) || text.empty()) return;
  layout(text, size, [](int, float, float, float) {}, width, height);
}

}  // namespace qtaichi::gui
