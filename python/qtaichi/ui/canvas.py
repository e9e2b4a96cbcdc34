"""ti.ui's Canvas: the window's 2D layer (background, image, circles, lines, triangles) and the
place a 3D Scene is drawn. Positions in [0, 1]^2 with y up; circle radii and line widths are
relative to the window's height, as in Taichi's GGUI; colours are (r, g, b) floats."""
import numpy as np

from qtaichi._core import gui as _gui
from qtaichi.ui import images


def _hex(rgb):
    return images.rgb_to_hex(tuple(float(c) for c in rgb))


def _vertex_hex(per_vertex_color, n, what):
    c = images.to_numpy(per_vertex_color, what).reshape(-1, 3)
    if len(c) < n:
        raise ValueError(f"{what}: {len(c)} colours for {n} vertices")
    return images.rgb_to_hex((c[:n, 0], c[:n, 1], c[:n, 2])).astype(np.uint32)


def _indices(indices, what):
    if indices is None:
        return None
    a = images.to_numpy(indices, what).reshape(-1)
    if a.dtype.kind not in "iu":
        raise ValueError(f"{what}: indices must be integers, got {a.dtype}")
    return a.astype(np.int64)


class Canvas:
    """Draws into a transparent layer (premultiplied colour + coverage); the window puts the
    background colour under it when the frame is shown, so set_background_color applies to
    the whole frame wherever it is called (as in Taichi)."""

    def __init__(self, window):
        self._window = window
        self.background = (0.0, 0.0, 0.0)

    @property
    def _image(self):
        return self._window._image

    def set_background_color(self, color):
        self.background = tuple(float(c) for c in color)

    def set_image(self, img):
        _gui.set_image(self._image, images.rgba_image(img, "Canvas.set_image"))

    def circles(self, centers, radius, color=(0.5, 0.5, 0.5), per_vertex_color=None):
        pos = images.points(centers, 2, "Canvas.circles: centers")
        colors = _hex(color) if per_vertex_color is None else \
            _vertex_hex(per_vertex_color, len(pos), "Canvas.circles: per_vertex_color")
        _gui.circles(self._image, pos, float(radius) * self._image.height, colors)

    def _segments(self, vertices, indices, group, what):
        v = images.points(vertices, 2, f"{what}: vertices")
        idx = _indices(indices, f"{what}: indices")
        if idx is None:
            idx = np.arange(len(v) - len(v) % group)
        idx = idx[: len(idx) - len(idx) % group]
        if len(idx) and (idx.min() < 0 or idx.max() >= len(v)):
            raise IndexError(f"{what}: an index is outside the {len(v)} vertices")
        return v, idx.reshape(-1, group)

    def lines(self, vertices, width, indices=None, color=(0.5, 0.5, 0.5), per_vertex_color=None):
        v, seg = self._segments(vertices, indices, 2, "Canvas.lines")
        colors = _hex(color) if per_vertex_color is None else \
            _vertex_hex(per_vertex_color, len(v), "Canvas.lines: per_vertex_color")[seg[:, 0]]
        _gui.lines(self._image, np.ascontiguousarray(v[seg[:, 0]]),
                   np.ascontiguousarray(v[seg[:, 1]]), float(width) * self._image.height, colors)

    def triangles(self, vertices, color=(0.5, 0.5, 0.5), indices=None, per_vertex_color=None):
        v, tri = self._segments(vertices, indices, 3, "Canvas.triangles")
        colors = _hex(color) if per_vertex_color is None else \
            _vertex_hex(per_vertex_color, len(v), "Canvas.triangles: per_vertex_color")[tri[:, 0]]
        _gui.triangles(self._image, *(np.ascontiguousarray(v[tri[:, k]]) for k in range(3)),
                       colors)

    def scene(self, scene):
        """Renders the 3D scene over what the canvas holds, then starts the scene's next frame."""
        try:
            _gui.render_scene(self._image, scene._description())
        finally:
            scene._next_frame()  # a frame that failed (a bad index) does not poison the next
