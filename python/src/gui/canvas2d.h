#pragma once
// 2D drawing into an Image, in Taichi's GUI coordinates: positions in [0, 1]^2 with y up
// (pixel centres at (x + 0.5) / width), sizes in pixels. Edges are antialiased by coverage:
// a pixel's alpha is how far its centre lies inside the shape, clamped to one pixel's width.
#include <cstdint>

#include "image.h"

namespace qtaichi::gui {

// Per-item colour: one colour for all, or an array of 0xRRGGBB (null = use `single`).
struct Colors {
  uint32_t single = 0xFFFFFF;
  const uint32_t *array = nullptr;
  Rgb operator[](int64_t i) const { return rgb_from_hex(array ? array[i] : single); }
};

// Per-item size in pixels: one value, or an array (null = use `single`).
struct Sizes {
  float single = 1.0f;
  const float *array = nullptr;
  float operator[](int64_t i) const { return array ? array[i] : single; }
};

void draw_circles(Image &img, int64_t n, const float *pos, Sizes radius, Colors color);
// Segments of width `width` pixels with round caps.
void draw_lines(Image &img, int64_t n, const float *begin, const float *end, Sizes width,
                Colors color);
void draw_triangles(Image &img, int64_t n, const float *a, const float *b, const float *c,
                    Colors color);
// Copies an RGBA float image (w x h, Taichi layout) onto img, resampled bilinearly when the
// sizes differ.
void set_image(Image &img, const float *src, int w, int h);

}  // namespace qtaichi::gui
