#pragma once
// The pixels a GUI draws into: RGBA floats in Taichi's image layout, img[x][y] with x to the
// right and y up (index (x * height + y) * 4), so a frame goes to numpy as (W, H, 4) unchanged.
#include <algorithm>
#include <cstdint>
#include <vector>

namespace qtaichi::gui {

struct Rgb {
  float r = 0, g = 0, b = 0;
};

// 0xRRGGBB, Taichi's colour spelling.
inline Rgb rgb_from_hex(uint32_t c) {
  return {((c >> 16) & 255) / 255.0f, ((c >> 8) & 255) / 255.0f, (c & 255) / 255.0f};
}

struct Image {
  int width = 0, height = 0;
  std::vector<float> px;  // width * height * 4

  Image() = default;
  Image(int w, int h) : width(w), height(h), px(size_t(w) * h * 4, 0.0f) {}

  float *at(int x, int y) { return &px[(size_t(x) * height + y) * 4]; }
  const float *at(int x, int y) const { return &px[(size_t(x) * height + y) * 4]; }

  void fill(Rgb c, float a = 1.0f) {
    for (size_t i = 0; i < px.size(); i += 4) {
      px[i] = c.r, px[i + 1] = c.g, px[i + 2] = c.b, px[i + 3] = a;
    }
  }

  // Source-over blend of colour c with coverage a at pixel (x, y); outside pixels are ignored.
  void blend(int x, int y, Rgb c, float a) {
    if (x < 0 || y < 0 || x >= width || y >= height || a <= 0.0f) return;
    a = std::min(a, 1.0f);
    float *p = at(x, y);
    p[0] += (c.r - p[0]) * a;
    p[1] += (c.g - p[1]) * a;
    p[2] += (c.b - p[2]) * a;
    p[3] += (1.0f - p[3]) * a;
  }

  // Rows bottom-up, RGBA8: what OpenGL's glDrawPixels and a PNG writer (after a flip) take.
  std::vector<uint8_t> to_rgba8_rows_bottom_up() const;
};

}  // namespace qtaichi::gui
