#pragma once
// The 3D renderer behind ti.ui's Scene: a software rasterizer with a depth buffer. Particles
// are sphere impostors (each pixel intersects its ray with the exact sphere, so spheres
// interpenetrate correctly), meshes are triangles clipped at the near plane with perspective-
// correct normals and colours, lines are depth-tested screen-space capsules. Lighting is Phong:
// ambient + Lambert diffuse + Blinn specular per point light. One renderer for windows and
// headless runs, so a frame is the same pixels on every machine.
#include <cstdint>
#include <vector>

#include "image.h"

namespace qtaichi::gui {

struct Vec3 {
  float x = 0, y = 0, z = 0;
};

struct SceneCamera {
  Vec3 position{0, 0, 3}, lookat{0, 0, 0}, up{0, 1, 0};
  float fov_degrees = 45;  // vertical
  bool orthographic = false;
  float ortho_height = 2;  // world units seen vertically in orthographic mode
};

struct PointLight {
  Vec3 position, color;
};

// Per-item colours: one colour, or an RGB array (3 floats per item; null = use `single`).
struct VertexColors {
  Vec3 single{0.5f, 0.5f, 0.5f};
  const float *array = nullptr;
  Vec3 operator[](int64_t i) const {
    return array ? Vec3{array[3 * i], array[3 * i + 1], array[3 * i + 2]} : single;
  }
};

struct ParticleBatch {
  int64_t count = 0;
  const float *centers = nullptr;   // 3 floats each
  float radius = 0.01f;             // world units
  const float *radii = nullptr;     // per particle (optional)
  VertexColors colors;
};

struct MeshBatch {
  int64_t vertex_count = 0;
  const float *vertices = nullptr;  // 3 floats each
  const float *normals = nullptr;   // optional: face normals are used without
  const int32_t *indices = nullptr; // 3 per triangle; null: consecutive vertices
  int64_t index_count = 0;
  VertexColors colors;
  bool two_sided = false;
};

struct LineBatch {
  int64_t vertex_count = 0;
  const float *vertices = nullptr;
  const int32_t *indices = nullptr;  // 2 per segment; null: consecutive pairs
  int64_t index_count = 0;
  float width = 1;                   // pixels
  VertexColors colors;
};

struct SceneDesc {
  SceneCamera camera;
  Vec3 ambient{0.1f, 0.1f, 0.1f};
  std::vector<PointLight> lights;
  std::vector<ParticleBatch> particles;
  std::vector<MeshBatch> meshes;
  std::vector<LineBatch> lines;
};

// Draws the scene over `img` (pixels no geometry covers keep their colour). Throws
// std::invalid_argument for an out-of-range index.
void render_scene(Image &img, const SceneDesc &scene);

}  // namespace qtaichi::gui
