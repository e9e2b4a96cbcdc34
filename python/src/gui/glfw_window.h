#pragma once
// A desktop window that shows an Image, through GLFW + OpenGL loaded at run time (dlopen of
// libglfw.so.3; GL through glfwGetProcAddress). Nothing links GLFW or GL, so a server without
// them imports qtaichi and runs GUIs headless; `open_window_error()` says why a window cannot
// open.
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "image.h"

namespace qtaichi::gui {

// One input event in Taichi's terms: type "Press", "Release" or "Motion"; key such as "a",
// " ", "Escape", "LMB", "Motion" or "Wheel"; cursor position in [0, 1]^2 (y up); wheel delta.
struct Event {
  std::string type, key;
  float x = 0, y = 0, dx = 0, dy = 0;
};

// Empty when a window can be opened here; else the reason (no display, no libglfw, ...).
std::string open_window_error();

class GlfwWindow {
 public:
  GlfwWindow(const std::string &title, int width, int height, bool vsync);
  ~GlfwWindow();
  GlfwWindow(const GlfwWindow &) = delete;
  GlfwWindow &operator=(const GlfwWindow &) = delete;

  // Draws the frame, swaps buffers, polls input. With `capture` the drawn pixels are read
  // back from the window's framebuffer (rows bottom-up, RGBA8) into last_capture().
  void present(const Image &frame, bool capture = false);
  void poll();
  bool should_close() const;
  void set_should_close(bool v);
  void set_title(const std::string &title);
  void cursor_pos(float *x, float *y) const;
  bool has_event() const { return !events_.empty(); }
  Event pop_event();
  const std::vector<uint8_t> &last_capture() const { return capture_; }
  int capture_width() const { return capture_w_; }
  int capture_height() const { return capture_h_; }

  // Called by GLFW's callbacks.
  void push_event(Event e) { events_.push_back(std::move(e)); }
  void *handle() const { return window_; }

 private:
  void *window_ = nullptr;
  int width_, height_;
  std::deque<Event> events_;
  std::vector<uint8_t> capture_;
  int capture_w_ = 0, capture_h_ = 0;
};

}  // namespace qtaichi::gui
