// The app side of the AOT snow effect: links only the installed qtaichi runtime
// (find_package(qtaichi_runtime)), loads the module export.py wrote, steps it, and writes PNG
// frames (particles as dots) or, with --window, shows them in a GLFW window (built when GLFW
// is found). Prints the module's load time, ms per frame and bytes per particle.
//
//   effect --module out/snow_vulkan.zip --arch vulkan --frames 60 --out out/effect
//   effect --module out/snow_vulkan.zip --window --frames 0      # until the window closes
#include <stb/stb_image_write.h>
#ifdef EFFECT_WITH_GLFW
#include <GLFW/glfw3.h>
#endif

#include <qtaichi/qtaichi.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace {

struct Options {
  std::string module = "out/snow.zip";
  std::string out = "out/effect";
  QtiArch arch = QTI_ARCH_VULKAN;
  int frames = 30, substeps = 50, size = 512;
  bool window = false;
};

// GL rows go bottom to top.
void stbi_write_png_flip(const std::string &path, int size, const std::vector<unsigned char> &px) {
  std::vector<unsigned char> flipped(px.size());
  size_t row = static_cast<size_t>(size) * 3;
  for (int y = 0; y < size; y++)
    std::memcpy(&flipped[y * row], &px[(size - 1 - y) * row], row);
  stbi_write_png(path.c_str(), size, size, 3, flipped.data(), static_cast<int>(row));
}

int usage(const char *argv0) {
  std::fprintf(stderr,
               "usage: %s [--module PATH] [--arch cpu|vulkan] [--frames N (0: until the window "
               "closes)] [--substeps N] [--out DIR (PNG frames; '' for none)] [--window]\n",
               argv0);
  return 2;
}

double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

std::vector<unsigned char> draw(const std::vector<float> &x, int size) {
  std::vector<unsigned char> img(static_cast<size_t>(size) * size * 3, 0);
  for (size_t i = 0; i < img.size(); i += 3) {
    img[i] = 17, img[i + 1] = 47, img[i + 2] = 65;  // the background of Taichi's mpm88
  }
  for (size_t p = 0; p + 1 < x.size(); p += 2) {
    int cx = static_cast<int>(x[p] * size), cy = static_cast<int>((1 - x[p + 1]) * size);
    for (int dy = -1; dy <= 1; dy++)
      for (int dx = -1; dx <= 1; dx++) {
        int px = cx + dx, py = cy + dy;
        if (px < 0 || py < 0 || px >= size || py >= size) continue;
        unsigned char *c = &img[(static_cast<size_t>(py) * size + px) * 3];
        c[0] = 0xed, c[1] = 0xeb, c[2] = 0xe1;
      }
  }
  return img;
}

// A window showing each frame's image (OpenGL 1 pixel upload: works on any GL, Mesa included).
class Window {
 public:
#ifdef EFFECT_WITH_GLFW
  explicit Window(int size) : size_(size) {
    if (!glfwInit()) throw std::runtime_error("GLFW cannot start (no display?)");
    w_ = glfwCreateWindow(size, size, "qtaichi AOT snow", nullptr, nullptr);
    if (!w_) {
      glfwTerminate();
      throw std::runtime_error("GLFW cannot open a window (no display?)");
    }
    glfwMakeContextCurrent(w_);
    glfwSwapInterval(0);
  }
  ~Window() {
    glfwDestroyWindow(w_);
    glfwTerminate();
  }
  bool open() const { return !glfwWindowShouldClose(w_); }
  void show(const std::vector<unsigned char> &img) {
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glRasterPos2f(-1, 1);
    glPixelZoom(1, -1);  // our rows go top to bottom
    glDrawPixels(size_, size_, GL_RGB, GL_UNSIGNED_BYTE, img.data());
    shown_.resize(static_cast<size_t>(size_) * size_ * 3);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, size_, size_, GL_RGB, GL_UNSIGNED_BYTE, shown_.data());
    glfwSwapBuffers(w_);
    glfwPollEvents();
  }
  // The window's pixels as last drawn, read back from it (bottom row first).
  std::vector<unsigned char> read_back() { return shown_; }

 private:
  int size_;
  std::vector<unsigned char> shown_;
  GLFWwindow *w_ = nullptr;
#else
  explicit Window(int) {
    throw std::runtime_error("this effect was built without GLFW (install libglfw3-dev)");
  }
  bool open() const { return false; }
  void show(const std::vector<unsigned char> &) {}
  std::vector<unsigned char> read_back() { return {}; }
#endif
};

}  // namespace

int main(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (i + 1 >= argc && a != "--window") return usage(argv[0]);
    std::string v = i + 1 < argc ? argv[++i] : "";
    if (a == "--window") {
      o.window = true;
      i--;
      continue;
    }
    if (a == "--module") o.module = v;
    else if (a == "--out") o.out = v;
    else if (a == "--frames") o.frames = std::stoi(v);
    else if (a == "--substeps") o.substeps = std::stoi(v);
    else if (a == "--arch" && (v == "cpu" || v == "vulkan"))
      o.arch = v == "cpu" ? QTI_ARCH_CPU : QTI_ARCH_VULKAN;
    else return usage(argv[0]);
  }
  try {
    qti::Runtime rt(o.arch);
    std::ifstream in(o.module, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto t0 = std::chrono::steady_clock::now();
    qti::Module m = std::filesystem::is_directory(o.module) || bytes.empty()
                        ? rt.load_module(o.module)
                        : rt.load_module(bytes.data(), bytes.size());
    double load_ms = ms_since(t0);
    size_t n = m.field_values("x") / 2;
    int per_particle = m.kernel("bytes_per_particle").launch({}, true).value.i32;

    // The same start as examples/mpm88.py: a square of snow, uniform in [0.2, 0.6)^2.
    std::vector<float> pos(2 * n);
    std::mt19937 rng(0);
    std::uniform_real_distribution<float> u(0.2f, 0.6f);
    for (float &p : pos) p = u(rng);
    qti::Ndarray init_pos = rt.allocate_ndarray(QTI_DTYPE_F32, {static_cast<uint32_t>(n), 2});
    init_pos.write(pos.data(), pos.size() * sizeof(float));
    m.kernel("init").launch({qti::arg(init_pos)});

    if (!o.out.empty()) std::filesystem::create_directories(o.out);
    std::unique_ptr<Window> window;
    if (o.window) window = std::make_unique<Window>(o.size);
    qti::Kernel substep = m.kernel("substep");
    std::vector<float> x(2 * n);
    double step_ms = 0;
    int f = 0;
    for (; o.frames == 0 ? window && window->open() : f < o.frames; f++) {
      auto t = std::chrono::steady_clock::now();
      for (int s = 0; s < o.substeps; s++) substep.launch();
      m.read_field("x", x.data(), x.size() * sizeof(float));  // waits for the frame
      step_ms += ms_since(t);
      std::vector<unsigned char> img = draw(x, o.size);
      if (window) {
        if (!window->open()) break;
        window->show(img);
      }
      if (!o.out.empty()) {
        char name[32];
        std::snprintf(name, sizeof name, "/frame_%04d.png", f);
        stbi_write_png((o.out + name).c_str(), o.size, o.size, 3, img.data(), o.size * 3);
        if (window) {  // what the window shows, read back from it, beside the frame
          std::vector<unsigned char> shown = window->read_back();
          std::snprintf(name, sizeof name, "/window_%04d.png", f);
          stbi_write_png_flip(o.out + name, o.size, shown);
        }
      }
    }
    o.frames = std::max(f, 1);
    double mean_y = 0;
    for (size_t p = 0; p < n; p++) mean_y += x[2 * p + 1];
    std::printf("module %s: loaded in %.2f ms on %s; %zu particles, %d bytes each (quantized)\n",
                o.module.c_str(), load_ms, o.arch == QTI_ARCH_CPU ? "cpu" : "vulkan", n,
                per_particle);
    std::printf("%d frames x %d substeps: %.2f ms per frame; mean height %.4f%s%s\n", o.frames,
                o.substeps, step_ms / o.frames, mean_y / n, o.out.empty() ? "" : "; frames in ",
                o.out.c_str());
    return 0;
  } catch (const qti::Error &e) {
    std::fprintf(stderr, "effect: %s (status %d)\n", e.what(), e.status());
    return 1;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "effect: %s\n", e.what());
    return 1;
  }
}
