#pragma once
// Text drawn with stb_truetype (Debian's libstb) from a TrueType font: QTAICHI_FONT, else
// DejaVu Sans (Debian's fonts-dejavu-core, which `make deps` installs).
#include <string>

#include "image.h"

namespace qtaichi::gui {

// Draws UTF-8 `text` with its top-left corner (the first line's ascender) at (x, y) in
// [0, 1]^2 (y up), `size` pixels per em (a font size as CSS and FreeType mean it); '\n' starts
// a new line. Throws std::runtime_error when no font can be loaded.
void draw_text(Image &img, const std::string &text, float x, float y, float size, Rgb color);

// Width and height in pixels that draw_text would cover (for widget layout).
void measure_text(const std::string &text, float size, float *width, float *height);

}  // namespace qtaichi::gui
