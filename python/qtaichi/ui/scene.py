"""ti.ui.Scene: the 3D things of one frame (particles, meshes, lines, lights, camera), drawn
by Canvas.scene() with qtaichi's renderer (sphere impostors, Phong-lit triangles, depth)."""
import numpy as np

from qtaichi.ui import images


def _floats(x, dims, what, offset=0, count=None):
    a = images.points(x, dims, what)
    end = len(a) if count is None else offset + int(count)
    if offset < 0 or end > len(a):
        raise ValueError(f"{what}: offset {offset} and count {count} exceed the {len(a)} items")
    return np.ascontiguousarray(a[offset:end])


def _colors(per_vertex_color, n, what, offset=0):
    if per_vertex_color is None:
        return None
    c = images.to_numpy(per_vertex_color, what)
    c = c.reshape(-1, c.shape[-1]) if c.ndim > 1 else c.reshape(-1, 3)
    if c.shape[1] not in (3, 4) or len(c) < offset + n:
        raise ValueError(f"{what}: expected {n} RGB colours, got shape {c.shape}")
    return np.ascontiguousarray(c[offset:offset + n, :3], dtype=np.float32)


def _indices(indices, what, offset=0, count=None):
    if indices is None:
        return None
    a = images.to_numpy(indices, what).reshape(-1)
    if a.dtype.kind not in "iu":
        raise ValueError(f"{what}: indices must be integers, got {a.dtype}")
    end = len(a) if count is None else offset + int(count)
    return np.ascontiguousarray(a[offset:end], dtype=np.int32)


def _rgb(color):
    return tuple(float(c) for c in color[:3])


class Scene:
    def __init__(self):
        self._camera = None
        self._next_frame()

    def _next_frame(self):
        self._ambient = (0.0, 0.0, 0.0)
        self._lights = []
        self._particles, self._meshes, self._lines = [], [], []

    def set_camera(self, camera):
        self._camera = camera

    def ambient_light(self, color):
        self._ambient = _rgb(color)

    def point_light(self, pos, color):
        self._lights.append((tuple(float(p) for p in pos), _rgb(color)))

    def particles(self, centers, radius, color=(0.5, 0.5, 0.5), per_vertex_color=None,
                  index_offset=0, index_count=None, per_vertex_radius=None):
        c = _floats(centers, 3, "Scene.particles: centers", index_offset, index_count)
        radii = None
        if per_vertex_radius is not None:
            radii = images.to_numpy(per_vertex_radius, "Scene.particles: per_vertex_radius")
            radii = np.ascontiguousarray(radii.reshape(-1)[index_offset:index_offset + len(c)],
                                         dtype=np.float32)
            if len(radii) != len(c):
                raise ValueError(f"Scene.particles: {len(radii)} radii for {len(c)} particles")
        self._particles.append(dict(
            centers=c, radius=float(radius), per_vertex_radius=radii, color=_rgb(color),
            per_vertex_color=_colors(per_vertex_color, len(c), "Scene.particles: per_vertex_color",
                                     index_offset)))

    def mesh(self, vertices, indices=None, normals=None, color=(0.5, 0.5, 0.5),
             per_vertex_color=None, two_sided=False, index_offset=0, index_count=None,
             vertex_offset=0, vertex_count=None, show_wireframe=False):
        v = _floats(vertices, 3, "Scene.mesh: vertices", vertex_offset, vertex_count)
        n = None if normals is None else \
            _floats(normals, 3, "Scene.mesh: normals", vertex_offset, vertex_count)
        if n is not None and len(n) != len(v):
            raise ValueError(f"Scene.mesh: {len(n)} normals for {len(v)} vertices")
        idx = _indices(indices, "Scene.mesh: indices", index_offset, index_count)
        self._meshes.append(dict(
            vertices=v, normals=n, indices=idx, color=_rgb(color), two_sided=bool(two_sided),
            per_vertex_color=_colors(per_vertex_color, len(v), "Scene.mesh: per_vertex_color",
                                     vertex_offset)))
        if show_wireframe:
            tri = np.arange(len(v) - len(v) % 3, dtype=np.int32) if idx is None else idx
            tri = tri[: len(tri) - len(tri) % 3].reshape(-1, 3)
            edges = np.stack([tri, np.roll(tri, -1, axis=1)], -1).reshape(-1)
            self._lines.append(dict(vertices=v, indices=np.ascontiguousarray(edges, np.int32),
                                    width=1.0, color=(0.0, 0.0, 0.0), per_vertex_color=None))

    def lines(self, vertices, width=1.0, indices=None, color=(0.5, 0.5, 0.5),
              per_vertex_color=None, vertex_offset=0, vertex_count=None, index_offset=0,
              index_count=None):
        v = _floats(vertices, 3, "Scene.lines: vertices", vertex_offset, vertex_count)
        self._lines.append(dict(
            vertices=v, indices=_indices(indices, "Scene.lines: indices", index_offset,
                                         index_count),
            width=float(width), color=_rgb(color),
            per_vertex_color=_colors(per_vertex_color, len(v), "Scene.lines: per_vertex_color",
                                     vertex_offset)))

    def _description(self):
        if self._camera is None:
            raise RuntimeError("ti.ui.Scene: call scene.set_camera(camera) before drawing it")
        return dict(camera=self._camera._description(), ambient=self._ambient,
                    lights=self._lights, particles=self._particles, meshes=self._meshes,
                    lines=self._lines)
