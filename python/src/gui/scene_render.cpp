#include "scene_render.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace qtaichi::gui {

namespace {

Vec3 operator+(Vec3 a, Vec3 b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
Vec3 operator-(Vec3 a, Vec3 b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
Vec3 operator*(Vec3 a, float s) { return {a.x * s, a.y * s, a.z * s}; }
Vec3 operator*(Vec3 a, Vec3 b) { return {a.x * b.x, a.y * b.y, a.z * b.z}; }
float dot(Vec3 a, Vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
Vec3 cross(Vec3 a, Vec3 b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
Vec3 normalize(Vec3 a) {
  float l = std::sqrt(dot(a, a));
  return l > 0 ? a * (1 / l) : a;
}
Vec3 load3(const float *p, int64_t i) { return {p[3 * i], p[3 * i + 1], p[3 * i + 2]}; }

constexpr float kNear = 1e-3f;

// The camera's view space (x right, y up, z = distance along the view direction) and its
// projection onto the image.
struct View {
  Vec3 eye, right, up, forward;
  bool ortho;
  float tan_half, half_height, aspect;
  int width, height;

  View(const SceneCamera &c, int w, int h)
      : eye(c.position), ortho(c.orthographic), width(w), height(h) {
    forward = normalize(c.lookat - c.position);
    right = normalize(cross(forward, c.up));
    up = cross(right, forward);
    tan_half = std::tan(c.fov_degrees * float(M_PI) / 360.0f);
    half_height = c.ortho_height * 0.5f;
    aspect = float(w) / float(h);
  }
  Vec3 to_view(Vec3 p) const {
    Vec3 d = p - eye;
    return {dot(d, right), dot(d, up), dot(d, forward)};
  }
  Vec3 dir_to_view(Vec3 d) const { return {dot(d, right), dot(d, up), dot(d, forward)}; }
  // Pixel coordinates (x, y up) of a view-space point.
  void project(Vec3 v, float *px, float *py) const {
    float s = ortho ? 1 / half_height : 1 / (v.z * tan_half);
    *px = (v.x * s / aspect * 0.5f + 0.5f) * width;
    *py = (v.y * s * 0.5f + 0.5f) * height;
  }
  // The ray through pixel centre (x, y), in view space.
  void ray(int x, int y, Vec3 *origin, Vec3 *dir) const {
    float nx = ((x + 0.5f) / width) * 2 - 1, ny = ((y + 0.5f) / height) * 2 - 1;
    if (ortho) {
      *origin = {nx * aspect * half_height, ny * half_height, 0};
      *dir = {0, 0, 1};
    } else {
      *origin = {0, 0, 0};
      *dir = {nx * aspect * tan_half, ny * tan_half, 1};
    }
  }
  // Pixels per world unit at view depth z.
  float pixels_per_unit(float z) const {
    return height * 0.5f / (ortho ? half_height : z * tan_half);
  }
};

struct Shader {
  Vec3 ambient;
  std::vector<PointLight> lights;  // positions in view space

  Vec3 shade(Vec3 color, Vec3 n, Vec3 pos, Vec3 to_eye) const {
    Vec3 out = color * ambient;
    for (const auto &l : lights) {
      Vec3 to_light = normalize(l.position - pos);
      float diffuse = std::max(0.0f, dot(n, to_light));
      float spec = 0;
      if (diffuse > 0)
        spec = std::pow(std::max(0.0f, dot(n, normalize(to_light + to_eye))), 32.0f) * 0.25f;
      out = out + (color * diffuse + Vec3{spec, spec, spec}) * l.color;
    }
    return out;
  }
};

struct Target {
  Image &img;
  std::vector<float> depth;
  explicit Target(Image &i)
      : img(i), depth(size_t(i.width) * i.height, std::numeric_limits<float>::infinity()) {}
  // True (and the depth kept) when z is nearer than what the pixel holds.
  bool test(int x, int y, float z) {
    float &d = depth[size_t(x) * img.height + y];
    if (!(z < d)) return false;
    d = z;
    return true;
  }
  void put(int x, int y, Vec3 c) {
    float *p = img.at(x, y);
    p[0] = std::min(c.x, 1.0f), p[1] = std::min(c.y, 1.0f), p[2] = std::min(c.z, 1.0f), p[3] = 1;
  }
};

void draw_particles(Target &t, const View &v, const Shader &sh, const ParticleBatch &b) {
  for (int64_t i = 0; i < b.count; ++i) {
    Vec3 c = v.to_view(load3(b.centers, i));
    float r = b.radii ? b.radii[i] : b.radius;
    if (!(r > 0) || c.z - r < kNear || !std::isfinite(c.z)) continue;
    float cx, cy;
    v.project(c, &cx, &cy);
    // The sphere's outline is at most r / sqrt(z^2 - r^2) from its centre's direction; the
    // margin covers the stretch of off-axis spheres (the ray test decides each pixel).
    float rp = (v.ortho ? r : r * c.z / std::sqrt(c.z * c.z - r * r)) * v.pixels_per_unit(c.z);
    rp = rp * 1.5f + 2;
    int x0 = std::max(0, int(cx - rp)), x1 = std::min(t.img.width - 1, int(cx + rp));
    int y0 = std::max(0, int(cy - rp)), y1 = std::min(t.img.height - 1, int(cy + rp));
    Vec3 color = b.colors[i];
    for (int x = x0; x <= x1; ++x)
      for (int y = y0; y <= y1; ++y) {
        Vec3 o, d;
        v.ray(x, y, &o, &d);
        Vec3 oc = o - c;
        float a = dot(d, d), hb = dot(oc, d), cc = dot(oc, oc) - r * r;
        float disc = hb * hb - a * cc;
        if (disc < 0) continue;
        float s = (-hb - std::sqrt(disc)) / a;
        Vec3 hit = o + d * s;
        if (hit.z < kNear || !t.test(x, y, hit.z)) continue;
        Vec3 n = (hit - c) * (1 / r);
        t.put(x, y, sh.shade(color, n, hit, normalize(d * -1.0f)));
      }
  }
}

// A vertex of a triangle being drawn: view-space position, normal and colour.
struct Corner {
  Vec3 pos, normal, color;
};

Corner lerp(const Corner &a, const Corner &b, float s) {
  return {a.pos + (b.pos - a.pos) * s, a.normal + (b.normal - a.normal) * s,
          a.color + (b.color - a.color) * s};
}

// Cuts the polygon at the near plane (Sutherland-Hodgman against z = kNear).
std::vector<Corner> clip_near(const std::vector<Corner> &in) {
  std::vector<Corner> out;
  for (size_t i = 0; i < in.size(); ++i) {
    const Corner &a = in[i], &b = in[(i + 1) % in.size()];
    bool ain = a.pos.z >= kNear, bin = b.pos.z >= kNear;
    if (ain) out.push_back(a);
    if (ain != bin) out.push_back(lerp(a, b, (kNear - a.pos.z) / (b.pos.z - a.pos.z)));
  }
  return out;
}

float edge(float ax, float ay, float bx, float by, float px, float py) {
  return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
}

void raster_triangle(Target &t, const View &v, const Shader &sh, const Corner (&c)[3],
                     bool two_sided, bool flat_normal) {
  float sx[3], sy[3];
  for (int k = 0; k < 3; ++k) v.project(c[k].pos, &sx[k], &sy[k]);
  float area = edge(sx[0], sy[0], sx[1], sy[1], sx[2], sy[2]);
  if (!std::isfinite(area) || area == 0 || (!two_sided && area < 0)) return;
  Vec3 face = normalize(cross(c[1].pos - c[0].pos, c[2].pos - c[0].pos));
  int x0 = std::max(0, int(std::floor(std::min({sx[0], sx[1], sx[2]}))));
  int x1 = std::min(t.img.width - 1, int(std::ceil(std::max({sx[0], sx[1], sx[2]}))));
  int y0 = std::max(0, int(std::floor(std::min({sy[0], sy[1], sy[2]}))));
  int y1 = std::min(t.img.height - 1, int(std::ceil(std::max({sy[0], sy[1], sy[2]}))));
  for (int x = x0; x <= x1; ++x)
    for (int y = y0; y <= y1; ++y) {
      float px = x + 0.5f, py = y + 0.5f;
      float b[3] = {edge(sx[1], sy[1], sx[2], sy[2], px, py) / area,
                    edge(sx[2], sy[2], sx[0], sy[0], px, py) / area,
                    edge(sx[0], sy[0], sx[1], sy[1], px, py) / area};
      if (b[0] < 0 || b[1] < 0 || b[2] < 0) continue;
      // Perspective-correct weights: screen barycentrics over depth.
      float w[3], sum = 0;
      for (int k = 0; k < 3; ++k) sum += w[k] = v.ortho ? b[k] : b[k] / c[k].pos.z;
      Corner p{};
      for (int k = 0; k < 3; ++k) {
        float s = w[k] / sum;
        p.pos = p.pos + c[k].pos * s;
        p.normal = p.normal + c[k].normal * s;
        p.color = p.color + c[k].color * s;
      }
      if (!t.test(x, y, p.pos.z)) continue;
      Vec3 to_eye = v.ortho ? Vec3{0, 0, -1} : normalize(p.pos * -1.0f);
      Vec3 n = flat_normal ? face : normalize(p.normal);
      if (dot(n, to_eye) < 0) n = n * -1.0f;  // light the side that faces the camera
      t.put(x, y, sh.shade(p.color, n, p.pos, to_eye));
    }
}

void check_index(int64_t idx, int64_t count, const char *what) {
  if (idx < 0 || idx >= count)
    throw std::invalid_argument(std::string(what) + ": index " + std::to_string(idx) +
                                " is outside the " + std::to_string(count) + " vertices");
}

void draw_mesh(Target &t, const View &v, const Shader &sh, const MeshBatch &m) {
  int64_t n_idx = m.indices ? m.index_count : m.vertex_count;
  for (int64_t tri = 0; tri + 2 < n_idx; tri += 3) {
    std::vector<Corner> poly(3);
    for (int k = 0; k < 3; ++k) {
      int64_t vi = m.indices ? m.indices[tri + k] : tri + k;
      check_index(vi, m.vertex_count, "Scene.mesh");
      poly[k].pos = v.to_view(load3(m.vertices, vi));
      poly[k].normal = m.normals ? v.dir_to_view(load3(m.normals, vi)) : Vec3{};
      poly[k].color = m.colors[vi];
    }
    std::vector<Corner> clipped = clip_near(poly);
    for (size_t k = 1; k + 1 < clipped.size(); ++k) {
      Corner c[3] = {clipped[0], clipped[k], clipped[k + 1]};
      raster_triangle(t, v, sh, c, m.two_sided, m.normals == nullptr);
    }
  }
}

float segment_param(float px, float py, float ax, float ay, float bx, float by, float *dist) {
  float dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
  float s = len2 > 0 ? std::clamp(((px - ax) * dx + (py - ay) * dy) / len2, 0.0f, 1.0f) : 0.0f;
  float ex = px - ax - s * dx, ey = py - ay - s * dy;
  *dist = std::sqrt(ex * ex + ey * ey);
  return s;
}

void draw_lines3d(Target &t, const View &v, const LineBatch &l) {
  int64_t n_idx = l.indices ? l.index_count : l.vertex_count;
  float hw = std::max(l.width, 1.0f) * 0.5f;
  for (int64_t seg = 0; seg + 1 < n_idx; seg += 2) {
    int64_t ia = l.indices ? l.indices[seg] : seg, ib = l.indices ? l.indices[seg + 1] : seg + 1;
    check_index(ia, l.vertex_count, "Scene.lines");
    check_index(ib, l.vertex_count, "Scene.lines");
    Corner a{v.to_view(load3(l.vertices, ia)), {}, l.colors[ia]};
    Corner b{v.to_view(load3(l.vertices, ib)), {}, l.colors[ib]};
    if (a.pos.z < kNear && b.pos.z < kNear) continue;
    if (a.pos.z < kNear) a = lerp(a, b, (kNear - a.pos.z) / (b.pos.z - a.pos.z));
    if (b.pos.z < kNear) b = lerp(b, a, (kNear - b.pos.z) / (a.pos.z - b.pos.z));
    float ax, ay, bx, by;
    v.project(a.pos, &ax, &ay);
    v.project(b.pos, &bx, &by);
    int x0 = std::max(0, int(std::min(ax, bx) - hw - 1));
    int x1 = std::min(t.img.width - 1, int(std::max(ax, bx) + hw + 1));
    int y0 = std::max(0, int(std::min(ay, by) - hw - 1));
    int y1 = std::min(t.img.height - 1, int(std::max(ay, by) + hw + 1));
    for (int x = x0; x <= x1; ++x)
      for (int y = y0; y <= y1; ++y) {
        float d;
        float s = segment_param(x + 0.5f, y + 0.5f, ax, ay, bx, by, &d);
        if (d > hw) continue;
        // Perspective-correct position along the segment.
        float ws = v.ortho ? s : (s / b.pos.z) / ((1 - s) / a.pos.z + s / b.pos.z);
        Corner p = lerp(a, b, ws);
        if (t.test(x, y, p.pos.z)) t.put(x, y, p.color);
      }
  }
}

}  // namespace

void render_scene(Image &img, const SceneDesc &scene) {
  if (img.width <= 0 || img.height <= 0) return;
  View view(scene.camera, img.width, img.height);
  Shader shader{scene.ambient, {}};
  for (const auto &l : scene.lights) shader.lights.push_back({view.to_view(l.position), l.color});
  Target target(img);
  for (const auto &m : scene.meshes) draw_mesh(target, view, shader, m);
  for (const auto &p : scene.particles) draw_particles(target, view, shader, p);
  for (const auto &l : scene.lines) draw_lines3d(target, view, l);
}

}  // namespace qtaichi::gui
