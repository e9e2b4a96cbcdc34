#include "glfw_window.h"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#define GL_GLEXT_PROTOTYPES  // declarations only: decltype names the types, dlsym the code
#include <GL/gl.h>
#include <dlfcn.h>

#include <cctype>
#include <cstdlib>
#include <mutex>
#include <stdexcept>

namespace qtaichi::gui {

namespace {

// The GLFW entry points used, resolved once from libglfw.so.3.
#define QTAICHI_GLFW_FUNCTIONS(X)                                                         \
  X(glfwInit) X(glfwWindowHint) X(glfwCreateWindow) X(glfwDestroyWindow)                   \
  X(glfwMakeContextCurrent) X(glfwSwapInterval) X(glfwSwapBuffers) X(glfwPollEvents)       \
  X(glfwWindowShouldClose) X(glfwSetWindowShouldClose) X(glfwGetCursorPos)                 \
  X(glfwGetWindowSize) X(glfwGetFramebufferSize) X(glfwSetWindowUserPointer)               \
  X(glfwGetWindowUserPointer) X(glfwSetKeyCallback) X(glfwSetMouseButtonCallback)          \
  X(glfwSetCursorPosCallback) X(glfwSetScrollCallback) X(glfwSetWindowCloseCallback)       \
  X(glfwGetProcAddress) X(glfwSetErrorCallback) X(glfwSetWindowTitle)

// The OpenGL 1.x calls used to put pixels on screen and read them back.
#define QTAICHI_GL_FUNCTIONS(X)                                                           \
  X(glViewport) X(glClearColor) X(glClear) X(glWindowPos2i) X(glPixelZoom) X(glPixelStorei) \
  X(glDrawPixels) X(glReadBuffer) X(glReadPixels) X(glFinish)

struct Glfw {
#define X(name) decltype(&::name) name = nullptr;
  QTAICHI_GLFW_FUNCTIONS(X)
  QTAICHI_GL_FUNCTIONS(X)
#undef X
  std::string error;   // why GLFW cannot be used (empty: it can)
  std::string last_glfw_error;
  bool gl_loaded = false;
};

Glfw &glfw() {
  static Glfw g;
  static std::once_flag once;
  std::call_once(once, [] {
    if (!std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY")) {
      g.error = "no display (neither DISPLAY nor WAYLAND_DISPLAY is set)";
      return;
    }
    void *lib = dlopen("libglfw.so.3", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      g.error = std::string("cannot load libglfw.so.3 (install libglfw3: `make deps`): ") +
                dlerror();
      return;
    }
#define X(name)                                                                  \
  g.name = reinterpret_cast<decltype(g.name)>(dlsym(lib, #name));                \
  if (!g.name) {                                                                 \
    g.error = "libglfw.so.3 lacks " #name;                                       \
    return;                                                                      \
  }
    QTAICHI_GLFW_FUNCTIONS(X)
#undef X
    g.glfwSetErrorCallback([](int, const char *msg) { glfw().last_glfw_error = msg ? msg : ""; });
    if (!g.glfwInit())
      g.error = "GLFW could not start: " +
                (g.last_glfw_error.empty() ? std::string("no reason given") : g.last_glfw_error);
  });
  return g;
}

void load_gl(Glfw &g) {
  if (g.gl_loaded) return;
#define X(name)                                                                   \
  g.name = reinterpret_cast<decltype(g.name)>(g.glfwGetProcAddress(#name));       \
  if (!g.name) throw std::runtime_error("ti.GUI: OpenGL lacks " #name);
  QTAICHI_GL_FUNCTIONS(X)
#undef X
  g.gl_loaded = true;
}

std::string key_name(int key) {
  if (key >= 32 && key <= 96) return std::string(1, char(std::tolower(key)));
  switch (key) {
    case GLFW_KEY_ESCAPE: return "Escape";
    case GLFW_KEY_ENTER: case GLFW_KEY_KP_ENTER: return "Return";
    case GLFW_KEY_TAB: return "Tab";
    case GLFW_KEY_BACKSPACE: return "BackSpace";
    case GLFW_KEY_UP: return "Up";
    case GLFW_KEY_DOWN: return "Down";
    case GLFW_KEY_LEFT: return "Left";
    case GLFW_KEY_RIGHT: return "Right";
    case GLFW_KEY_LEFT_SHIFT: return "Shift_L";
    case GLFW_KEY_RIGHT_SHIFT: return "Shift_R";
    case GLFW_KEY_LEFT_CONTROL: return "Control_L";
    case GLFW_KEY_RIGHT_CONTROL: return "Control_R";
    case GLFW_KEY_LEFT_ALT: return "Alt_L";
    case GLFW_KEY_RIGHT_ALT: return "Alt_R";
    case GLFW_KEY_CAPS_LOCK: return "Caps_Lock";
    case GLFW_KEY_DELETE: return "Delete";
    default: break;
  }
  if (key >= GLFW_KEY_F1 && key <= GLFW_KEY_F12) return "F" + std::to_string(key - GLFW_KEY_F1 + 1);
  return "";
}

GlfwWindow *owner(GLFWwindow *w) {
  return static_cast<GlfwWindow *>(glfw().glfwGetWindowUserPointer(w));
}

Event event_at(GlfwWindow *win, std::string type, std::string key) {
  Event e{std::move(type), std::move(key)};
  win->cursor_pos(&e.x, &e.y);
  return e;
}

void install_callbacks(GLFWwindow *w) {
  Glfw &g = glfw();
  g.glfwSetKeyCallback(w, [](GLFWwindow *w, int key, int, int action, int) {
    std::string name = key_name(key);
    if (name.empty() || action == GLFW_REPEAT) return;
    owner(w)->push_event(event_at(owner(w), action == GLFW_PRESS ? "Press" : "Release", name));
  });
  g.glfwSetMouseButtonCallback(w, [](GLFWwindow *w, int button, int action, int) {
    const char *name = button == GLFW_MOUSE_BUTTON_LEFT    ? "LMB"
                       : button == GLFW_MOUSE_BUTTON_RIGHT ? "RMB"
                       : button == GLFW_MOUSE_BUTTON_MIDDLE ? "MMB" : nullptr;
    if (!name) return;
    owner(w)->push_event(event_at(owner(w), action == GLFW_PRESS ? "Press" : "Release", name));
  });
  g.glfwSetCursorPosCallback(w, [](GLFWwindow *w, double, double) {
    owner(w)->push_event(event_at(owner(w), "Motion", "Motion"));
  });
  g.glfwSetScrollCallback(w, [](GLFWwindow *w, double dx, double dy) {
    Event e = event_at(owner(w), "Motion", "Wheel");
    e.dx = float(dx), e.dy = float(dy);
    owner(w)->push_event(e);
  });
  g.glfwSetWindowCloseCallback(w, [](GLFWwindow *w) {
    owner(w)->push_event(event_at(owner(w), "Press", "WMClose"));
  });
}

}  // namespace

std::string open_window_error() { return glfw().error; }

GlfwWindow::GlfwWindow(const std::string &title, int width, int height, bool vsync)
    : width_(width), height_(height) {
  Glfw &g = glfw();
  if (!g.error.empty()) throw std::runtime_error("cannot open a window: " + g.error);
  g.glfwWindowHint(GLFW_RESIZABLE, GLFW_FALSE);
  g.last_glfw_error.clear();
  auto *w = g.glfwCreateWindow(width, height, title.c_str(), nullptr, nullptr);
  if (!w) throw std::runtime_error("cannot open a window: " + g.last_glfw_error);
  window_ = w;
  g.glfwSetWindowUserPointer(w, this);
  install_callbacks(w);
  g.glfwMakeContextCurrent(w);
  load_gl(g);
  g.glfwSwapInterval(vsync ? 1 : 0);
}

GlfwWindow::~GlfwWindow() {
  if (window_) glfw().glfwDestroyWindow(static_cast<GLFWwindow *>(window_));
}

void GlfwWindow::present(const Image &frame, bool capture) {
  Glfw &g = glfw();
  auto *w = static_cast<GLFWwindow *>(window_);
  g.glfwMakeContextCurrent(w);
  int fw, fh;
  g.glfwGetFramebufferSize(w, &fw, &fh);
  g.glViewport(0, 0, fw, fh);
  g.glClearColor(0, 0, 0, 1);
  g.glClear(GL_COLOR_BUFFER_BIT);
  std::vector<uint8_t> rows = frame.to_rgba8_rows_bottom_up();
  g.glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  g.glWindowPos2i(0, 0);
  // A HiDPI framebuffer is larger than the window: scale the frame to fill it.
  g.glPixelZoom(float(fw) / frame.width, float(fh) / frame.height);
  g.glDrawPixels(frame.width, frame.height, GL_RGBA, GL_UNSIGNED_BYTE, rows.data());
  if (capture) {
    capture_w_ = fw, capture_h_ = fh;
    capture_.assign(size_t(fw) * fh * 4, 0);
    g.glFinish();
    g.glReadBuffer(GL_BACK);
    g.glPixelStorei(GL_PACK_ALIGNMENT, 1);
    g.glReadPixels(0, 0, fw, fh, GL_RGBA, GL_UNSIGNED_BYTE, capture_.data());
  }
  g.glfwSwapBuffers(w);
  poll();
}

void GlfwWindow::poll() { glfw().glfwPollEvents(); }

bool GlfwWindow::should_close() const {
  return glfw().glfwWindowShouldClose(static_cast<GLFWwindow *>(window_));
}

void GlfwWindow::set_should_close(bool v) {
  glfw().glfwSetWindowShouldClose(static_cast<GLFWwindow *>(window_), v ? GLFW_TRUE : GLFW_FALSE);
}

void GlfwWindow::set_title(const std::string &title) {
  glfw().glfwSetWindowTitle(static_cast<GLFWwindow *>(window_), title.c_str());
}

void GlfwWindow::cursor_pos(float *x, float *y) const {
  Glfw &g = glfw();
  auto *w = static_cast<GLFWwindow *>(window_);
  double cx, cy;
  int ww, wh;
  g.glfwGetCursorPos(w, &cx, &cy);
  g.glfwGetWindowSize(w, &ww, &wh);
  *x = ww > 0 ? float(cx / ww) : 0.0f;
  *y = wh > 0 ? float(1.0 - cy / wh) : 0.0f;  // GLFW counts rows down, Taichi up
}

Event GlfwWindow::pop_event() {
  Event e = std::move(events_.front());
  events_.pop_front();
  return e;
}

}  // namespace qtaichi::gui
