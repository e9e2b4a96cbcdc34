#include "canvas2d.h"

#include <algorithm>
#include <cmath>

namespace qtaichi::gui {

std::vector<uint8_t> Image::to_rgba8_rows_bottom_up() const {
  std::vector<uint8_t> out(size_t(width) * height * 4);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const float *p = at(x, y);
      uint8_t *o = &out[(size_t(y) * width + x) * 4];
      for (int c = 0; c < 4; ++c)
        o[c] = uint8_t(std::lround(std::clamp(p[c], 0.0f, 1.0f) * 255.0f));
    }
  return out;
}

namespace {

// Pixel bounds [x0, x1] x [y0, y1] of a box around a centre (in pixels), clipped to the image.
struct PixelBox {
  int x0, x1, y0, y1;
  PixelBox(const Image &img, float lo_x, float hi_x, float lo_y, float hi_y)
      : x0(std::max(0, int(std::floor(lo_x)))),
        x1(std::min(img.width - 1, int(std::ceil(hi_x)))),
        y0(std::max(0, int(std::floor(lo_y)))),
        y1(std::min(img.height - 1, int(std::ceil(hi_y)))) {}
};

// Distance from p to the segment a-b (all in pixels).
float segment_distance(float px, float py, float ax, float ay, float bx, float by) {
  float dx = bx - ax, dy = by - ay;
  float len2 = dx * dx + dy * dy;
  float t = len2 > 0 ? std::clamp(((px - ax) * dx + (py - ay) * dy) / len2, 0.0f, 1.0f) : 0.0f;
  float ex = px - (ax + t * dx), ey = py - (ay + t * dy);
  return std::sqrt(ex * ex + ey * ey);
}

float edge(float ax, float ay, float bx, float by, float px, float py) {
  return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
}

}  // namespace

void draw_circles(Image &img, int64_t n, const float *pos, Sizes radius, Colors color) {
  for (int64_t i = 0; i < n; ++i) {
    float cx = pos[2 * i] * img.width, cy = pos[2 * i + 1] * img.height, r = radius[i];
    if (!std::isfinite(cx) || !std::isfinite(cy) || !(r > 0)) continue;
    Rgb c = color[i];
    PixelBox box(img, cx - r - 1, cx + r, cy - r - 1, cy + r);
    for (int x = box.x0; x <= box.x1; ++x)
      for (int y = box.y0; y <= box.y1; ++y) {
        float dx = x + 0.5f - cx, dy = y + 0.5f - cy;
        img.blend(x, y, c, r + 0.5f - std::sqrt(dx * dx + dy * dy));
      }
  }
}

void draw_lines(Image &img, int64_t n, const float *begin, const float *end, Sizes width,
                Colors color) {
  for (int64_t i = 0; i < n; ++i) {
    float ax = begin[2 * i] * img.width, ay = begin[2 * i + 1] * img.height;
    float bx = end[2 * i] * img.width, by = end[2 * i + 1] * img.height;
    float hw = width[i] * 0.5f;
    if (!std::isfinite(ax + ay + bx + by) || !(hw > 0)) continue;
    Rgb c = color[i];
    PixelBox box(img, std::min(ax, bx) - hw - 1, std::max(ax, bx) + hw,
                 std::min(ay, by) - hw - 1, std::max(ay, by) + hw);
    for (int x = box.x0; x <= box.x1; ++x)
      for (int y = box.y0; y <= box.y1; ++y)
        img.blend(x, y, c, hw + 0.5f - segment_distance(x + 0.5f, y + 0.5f, ax, ay, bx, by));
  }
}

// Triangles are solid (a pixel is in when its centre is), so meshes drawn as triangles have
// no seams where two triangles share an edge.
void draw_triangles(Image &img, int64_t n, const float *a, const float *b, const float *c,
                    Colors color) {
  for (int64_t i = 0; i < n; ++i) {
    float ax = a[2 * i] * img.width, ay = a[2 * i + 1] * img.height;
    float bx = b[2 * i] * img.width, by = b[2 * i + 1] * img.height;
    float cx = c[2 * i] * img.width, cy = c[2 * i + 1] * img.height;
    float area = edge(ax, ay, bx, by, cx, cy);
    if (!std::isfinite(area) || area == 0) continue;
    if (area < 0) std::swap(bx, cx), std::swap(by, cy);
    Rgb col = color[i];
    PixelBox box(img, std::min({ax, bx, cx}) - 1, std::max({ax, bx, cx}),
                 std::min({ay, by, cy}) - 1, std::max({ay, by, cy}));
    for (int x = box.x0; x <= box.x1; ++x)
      for (int y = box.y0; y <= box.y1; ++y) {
        float px = x + 0.5f, py = y + 0.5f;
        if (edge(ax, ay, bx, by, px, py) >= 0 && edge(bx, by, cx, cy, px, py) >= 0 &&
            edge(cx, cy, ax, ay, px, py) >= 0)
          img.blend(x, y, col, 1.0f);
      }
  }
}

void set_image(Image &img, const float *src, int w, int h) {
  if (w == img.width && h == img.height) {
    std::copy(src, src + size_t(w) * h * 4, img.px.begin());
    return;
  }
  auto texel = [&](int x, int y) { return src + (size_t(x) * h + y) * 4; };
  for (int x = 0; x < img.width; ++x) {
    float u = std::clamp((x + 0.5f) * w / img.width - 0.5f, 0.0f, float(w - 1));
    int u0 = int(u), u1 = std::min(u0 + 1, w - 1);
    float fu = u - u0;
    for (int y = 0; y < img.height; ++y) {
      float v = std::clamp((y + 0.5f) * h / img.height - 0.5f, 0.0f, float(h - 1));
      int v0 = int(v), v1 = std::min(v0 + 1, h - 1);
      float fv = v - v0;
      float *o = img.at(x, y);
      for (int k = 0; k < 4; ++k)
        o[k] = (texel(u0, v0)[k] * (1 - fu) + texel(u1, v0)[k] * fu) * (1 - fv) +
               (texel(u0, v1)[k] * (1 - fu) + texel(u1, v1)[k] * fu) * fv;
    }
  }
}

}  // namespace qtaichi::gui
