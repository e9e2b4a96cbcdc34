// qtaichi._core.gui: the pixels behind ti.GUI and ti.ui -- 2D drawing, text, the 3D scene
// renderer and the GLFW window (python/src/gui/). The Python classes check their arguments;
// this layer converts numpy arrays and keeps the GIL released while it draws.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "gui/canvas2d.h"
#include "gui/glfw_window.h"
#include "gui/scene_render.h"
#include "gui/text.h"

namespace py = pybind11;

namespace qtaichi::python {

namespace {

using gui::Image;
using FloatArray = py::array_t<float, py::array::c_style | py::array::forcecast>;
using U32Array = py::array_t<uint32_t, py::array::c_style | py::array::forcecast>;
using I32Array = py::array_t<int32_t, py::array::c_style | py::array::forcecast>;

// A colour argument: an int 0xRRGGBB, or an array of them (kept alive by `keep`).
gui::Colors colors(const py::object &c, U32Array &keep) {
  gui::Colors out;
  if (py::isinstance<py::int_>(c)) {
    out.single = c.cast<uint32_t>();
  } else {
    keep = c.cast<U32Array>();
    out.array = keep.data();
  }
  return out;
}

gui::Sizes sizes(const py::object &s, FloatArray &keep) {
  gui::Sizes out;
  if (py::isinstance<py::float_>(s) || py::isinstance<py::int_>(s)) {
    out.single = s.cast<float>();
  } else {
    keep = s.cast<FloatArray>();
    out.array = keep.data();
  }
  return out;
}

gui::Vec3 vec3(const py::sequence &s) {
  return {s[0].cast<float>(), s[1].cast<float>(), s[2].cast<float>()};
}

// Builds the scene description from the lists ti.ui.Scene collects; `keep` holds the arrays.
gui::SceneDesc scene_desc(const py::dict &d, std::vector<FloatArray> &keep,
                          std::vector<I32Array> &keep_idx) {
  gui::SceneDesc s;
  py::dict cam = d["camera"];
  s.camera.position = vec3(cam["position"]);
  s.camera.lookat = vec3(cam["lookat"]);
  s.camera.up = vec3(cam["up"]);
  s.camera.fov_degrees = cam["fov"].cast<float>();
  s.camera.orthographic = cam["orthographic"].cast<bool>();
  s.camera.ortho_height = cam["ortho_height"].cast<float>();
  s.ambient = vec3(d["ambient"]);
  for (auto l : d["lights"].cast<py::list>()) {
    auto t = l.cast<py::tuple>();
    s.lights.push_back({vec3(t[0]), vec3(t[1])});
  }
  // The arrays are kept alive in `keep` (their data does not move when the vector grows).
  auto floats = [&](py::handle o) { keep.push_back(o.cast<FloatArray>()); return keep.back(); };
  auto optional = [&](py::handle o) -> const float * {
    return o.is_none() ? nullptr : floats(o).data();
  };
  auto colors_of = [&](py::dict it) {  // one colour, or an RGB array per vertex
    gui::VertexColors c;
    c.single = vec3(it["color"]);
    c.array = optional(it["per_vertex_color"]);
    return c;
  };
  auto indices_of = [&](py::dict it, const int32_t **ptr, int64_t *count) {
    if (it["indices"].is_none()) return;
    keep_idx.push_back(it["indices"].cast<I32Array>());
    *ptr = keep_idx.back().data(), *count = keep_idx.back().size();
  };
  for (auto h : d["particles"].cast<py::list>()) {
    py::dict it = h.cast<py::dict>();
    gui::ParticleBatch b;
    FloatArray c = floats(it["centers"]);
    b.count = c.size() / 3, b.centers = c.data();
    b.radius = it["radius"].cast<float>();
    b.radii = optional(it["per_vertex_radius"]);
    b.colors = colors_of(it);
    s.particles.push_back(b);
  }
  for (auto h : d["meshes"].cast<py::list>()) {
    py::dict it = h.cast<py::dict>();
    gui::MeshBatch m;
    FloatArray v = floats(it["vertices"]);
    m.vertex_count = v.size() / 3, m.vertices = v.data();
    m.normals = optional(it["normals"]);
    indices_of(it, &m.indices, &m.index_count);
    m.colors = colors_of(it);
    m.two_sided = it["two_sided"].cast<bool>();
    s.meshes.push_back(m);
  }
  for (auto h : d["lines"].cast<py::list>()) {
    py::dict it = h.cast<py::dict>();
    gui::LineBatch l;
    FloatArray v = floats(it["vertices"]);
    l.vertex_count = v.size() / 3, l.vertices = v.data();
    indices_of(it, &l.indices, &l.index_count);
    l.width = it["width"].cast<float>();
    l.colors = colors_of(it);
    s.lines.push_back(l);
  }
  return s;
}

}  // namespace

void bind_gui(py::module_ &top) {
  py::module_ m = top.def_submodule("gui", "pixels, text, 3D scenes and windows for ti.GUI/ti.ui");

  py::class_<Image>(m, "Image")
      .def(py::init<int, int>())
      .def_readonly("width", &Image::width)
      .def_readonly("height", &Image::height)
      .def("fill", [](Image &img, float r, float g, float b, float a) { img.fill({r, g, b}, a); })
      // (W, H, 4) float32 view of the pixels, alive as long as the Image.
      .def("array", [](py::object self) {
        Image &img = self.cast<Image &>();
        return py::array_t<float>({img.width, img.height, 4}, img.px.data(), self);
      });

  m.def("circles", [](Image &img, FloatArray pos, py::object radius, py::object color) {
    FloatArray kr;
    U32Array kc;
    auto r = sizes(radius, kr);
    auto c = colors(color, kc);
    py::gil_scoped_release nogil;
    gui::draw_circles(img, pos.size() / 2, pos.data(), r, c);
  });
  m.def("lines", [](Image &img, FloatArray a, FloatArray b, py::object width, py::object color) {
    FloatArray kw;
    U32Array kc;
    auto w = sizes(width, kw);
    auto c = colors(color, kc);
    py::gil_scoped_release nogil;
    gui::draw_lines(img, a.size() / 2, a.data(), b.data(), w, c);
  });
  m.def("triangles", [](Image &img, FloatArray a, FloatArray b, FloatArray c, py::object color) {
    U32Array kc;
    auto col = colors(color, kc);
    py::gil_scoped_release nogil;
    gui::draw_triangles(img, a.size() / 2, a.data(), b.data(), c.data(), col);
  });
  m.def("set_image", [](Image &img, FloatArray src) {
    if (src.ndim() != 3 || src.shape(2) != 4)
      throw std::invalid_argument("set_image expects a (W, H, 4) float32 array");
    py::gil_scoped_release nogil;
    gui::set_image(img, src.data(), int(src.shape(0)), int(src.shape(1)));
  });
  m.def("text", [](Image &img, const std::string &s, float x, float y, float size, float r,
                   float g, float b) { gui::draw_text(img, s, x, y, size, {r, g, b}); });
  m.def("measure_text", [](const std::string &s, float size) {
    float w, h;
    gui::measure_text(s, size, &w, &h);
    return py::make_tuple(w, h);
  });
  m.def("render_scene", [](Image &img, py::dict desc) {
    std::vector<FloatArray> keep;
    std::vector<I32Array> keep_idx;
    gui::SceneDesc s = scene_desc(desc, keep, keep_idx);
    py::gil_scoped_release nogil;
    gui::render_scene(img, s);
  });

  m.def("open_window_error", &gui::open_window_error);
  py::class_<gui::GlfwWindow>(m, "Window")
      .def(py::init<const std::string &, int, int, bool>())
      .def("present", &gui::GlfwWindow::present, py::arg("frame"), py::arg("capture") = false)
      .def("poll", &gui::GlfwWindow::poll)
      .def_property("should_close", &gui::GlfwWindow::should_close,
                    &gui::GlfwWindow::set_should_close)
      .def("set_title", &gui::GlfwWindow::set_title)
      .def("cursor_pos", [](const gui::GlfwWindow &w) {
        float x, y;
        w.cursor_pos(&x, &y);
        return py::make_tuple(x, y);
      })
      .def("has_event", &gui::GlfwWindow::has_event)
      .def("pop_event", [](gui::GlfwWindow &w) {
        gui::Event e = w.pop_event();
        return py::make_tuple(e.type, e.key, e.x, e.y, e.dx, e.dy);
      })
      // The last captured frame as (rows, columns, 4) uint8, rows bottom-up.
      .def("last_capture", [](const gui::GlfwWindow &w) {
        py::array_t<uint8_t> out({w.capture_height(), w.capture_width(), 4});
        std::copy(w.last_capture().begin(), w.last_capture().end(), out.mutable_data());
        return out;
      });
}

}  // namespace qtaichi::python
