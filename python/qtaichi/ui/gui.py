"""ti.GUI: Taichi's immediate-mode 2D canvas and window, with Taichi's API.

Positions are in [0, 1]^2 with y up; radii and widths in pixels; colours 0xRRGGBB. Drawing is
rasterized by qtaichi (antialiased circles and lines, text from a TrueType font); `show()` puts
the frame in a GLFW window, or, headless (show_gui=False, or no display), writes it to `file`
when one is given. See docs/gui.md."""
import math
import numbers

import numpy as np

from qtaichi._core import gui as _gui
from qtaichi.ui import images
from qtaichi.ui.display import Display, InputQueries
from qtaichi.ui.widgets import Widgets


class GUI(InputQueries):
    class Event:
        def __init__(self):
            self.type = None
            self.modifier = None
            self.pos = None
            self.key = None
            self.delta = None

        def __repr__(self):
            return f"GUI.Event(type={self.type!r}, key={self.key!r}, pos={self.pos})"

    # Keys and event types, spelled as Taichi's.
    SHIFT, ALT, CTRL = "Shift", "Alt", "Control"
    ESCAPE, RETURN, TAB, BACKSPACE, SPACE = "Escape", "Return", "Tab", "BackSpace", " "
    UP, DOWN, LEFT, RIGHT = "Up", "Down", "Left", "Right"
    CAPSLOCK = "Caps_Lock"
    LMB, MMB, RMB = "LMB", "MMB", "RMB"
    EXIT, WHEEL, MOVE = "WMClose", "Wheel", "Motion"
    MOTION, PRESS, RELEASE = "Motion", "Press", "Release"

    def __init__(self, name="Taichi", res=512, background_color=0x0, show_gui=True,
                 fullscreen=False, fast_gui=False):
        if isinstance(res, numbers.Number):
            res = (res, res)
        res = tuple(int(r) for r in res)
        if len(res) != 2 or min(res) <= 0:
            raise ValueError(f"ti.GUI: res must be a positive int or (width, height), got {res}")
        self.name = name
        self.res = res
        self.fast_gui = fast_gui
        self.background_color = background_color
        self._image = _gui.Image(*res)
        self._display = Display(name, res, show_gui, fps_limit=60)
        self._widgets = Widgets()
        self.key_pressed = set()
        self.event = None
        self.frame = 0
        self.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def headless(self):
        """True when frames go to no window (show_gui=False or no display)."""
        return self._display.headless

    def close(self):
        self._display.close()

    # ---- drawing ----

    def clear(self, color=None):
        r, g, b = images.hex_to_rgb(self.background_color if color is None else color)
        self._image.fill(r, g, b, 1.0)

    def set_image(self, img):
        _gui.set_image(self._image, images.rgba_image(img, "GUI.set_image"))

    def get_image(self):
        """The canvas as a (W, H, 4) float32 array."""
        return self._image.array().copy()

    def circle(self, pos, color=0xFFFFFF, radius=1):
        self.circles(np.array([pos], np.float32), radius, color)

    def circles(self, pos, radius=1, color=0xFFFFFF, palette=None, palette_indices=None):
        pos = images.points(pos, 2, "GUI.circles: pos")
        n = len(pos)
        if palette is not None:
            color = self._palette_colors(palette, palette_indices, n)
        _gui.circles(self._image, pos, images.per_item(radius, n, "GUI.circles: radius"),
                     images.hex_colors(color, n, "GUI.circles: color"))

    @staticmethod
    def _palette_colors(palette, palette_indices, n):
        if palette_indices is None:
            raise ValueError("GUI.circles: palette must be used together with palette_indices")
        idx = images.to_numpy(palette_indices, "GUI.circles: palette_indices").reshape(-1)
        if idx.dtype.kind not in "iu" or idx.shape != (n,):
            raise ValueError(f"GUI.circles: palette_indices must be {n} integers, "
                             f"got {idx.dtype} of shape {idx.shape}")
        if n and (idx.min() < 0 or idx.max() >= len(palette)):
            raise ValueError(f"GUI.circles: palette_indices must lie in [0, {len(palette)})")
        return np.asarray(palette, dtype=np.uint32)[idx]

    def triangle(self, a, b, c, color=0xFFFFFF):
        self.triangles(np.array([a]), np.array([b]), np.array([c]), color)

    def triangles(self, a, b, c, color=0xFFFFFF):
        a = images.points(a, 2, "GUI.triangles: a")
        b = images.points(b, 2, "GUI.triangles: b")
        c = images.points(c, 2, "GUI.triangles: c")
        if not (a.shape == b.shape == c.shape):
            raise ValueError("GUI.triangles: a, b and c must have the same shape")
        _gui.triangles(self._image, a, b, c,
                       images.hex_colors(color, len(a), "GUI.triangles: color"))

    def line(self, begin, end, radius=1, color=0xFFFFFF):
        self.lines(np.array([begin]), np.array([end]), radius, color)

    def lines(self, begin, end, radius=1, color=0xFFFFFF):
        begin = images.points(begin, 2, "GUI.lines: begin")
        end = images.points(end, 2, "GUI.lines: end")
        if begin.shape != end.shape:
            raise ValueError("GUI.lines: begin and end must have the same shape")
        n = len(begin)
        _gui.lines(self._image, begin, end, images.per_item(radius, n, "GUI.lines: radius"),
                   images.hex_colors(color, n, "GUI.lines: color"))

    def rect(self, topleft, bottomright, radius=1, color=0xFFFFFF):
        (x0, y0), (x1, y1) = topleft, bottomright
        corners = np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], np.float32)
        self.lines(corners, np.roll(corners, -1, axis=0), radius, color)

    @staticmethod
    def _arrow_lines(orig, major, tip_scale=0.2, angle=45):
        """The shaft and the two tip strokes of each arrow, as (begin, end) pairs."""
        t = math.radians(180 - angle)
        c, s = math.cos(t), math.sin(t)
        left = np.stack([major[:, 0] * c - major[:, 1] * s, major[:, 0] * s + major[:, 1] * c], 1)
        right = np.stack([major[:, 0] * c + major[:, 1] * s, -major[:, 0] * s + major[:, 1] * c], 1)
        end = orig + major
        return [(orig, end), (end, end + left * tip_scale), (end, end + right * tip_scale)]

    def arrows(self, orig, direction, radius=1, color=0xFFFFFF, **kwargs):
        orig = images.points(orig, 2, "GUI.arrows: orig")
        direction = images.points(direction, 2, "GUI.arrows: direction")
        for begin, end in self._arrow_lines(orig, direction, **kwargs):
            self.lines(begin, end, radius, color)

    def arrow(self, orig, direction, radius=1, color=0xFFFFFF, **kwargs):
        self.arrows(np.array([orig]), np.array([direction]), radius, color, **kwargs)

    @staticmethod
    def _field_base(w, h, bound):
        x = np.linspace(bound / w, 1 - bound / w, w)
        y = np.linspace(bound / h, 1 - bound / h, h)
        return np.stack(np.meshgrid(x, y, indexing="ij"), -1).reshape(w * h, 2)

    def point_field(self, radius, color=0xFFFFFF, bound=0.5):
        radius = np.asarray(radius)
        base = self._field_base(radius.shape[0], radius.shape[1], bound)
        self.circles(base, radius=radius.reshape(-1), color=color)

    def arrow_field(self, direction, radius=1, color=0xFFFFFF, bound=0.5, **kwargs):
        direction = np.asarray(direction)
        base = self._field_base(direction.shape[0], direction.shape[1], bound)
        self.arrows(base, direction.reshape(-1, 2), radius=radius, color=color, **kwargs)

    def text(self, content, pos, font_size=15, color=0xFFFFFF):
        r, g, b = images.hex_to_rgb(color)
        _gui.text(self._image, str(content), float(pos[0]), float(pos[1]), float(font_size),
                  r, g, b)

    # ---- widgets ----

    class WidgetValue:
        def __init__(self, gui, wid):
            self.gui = gui
            self.wid = wid

        @property
        def value(self):
            return self.gui._widgets.value(self.wid)

        @value.setter
        def value(self, v):
            self.gui._widgets.set_value(self.wid, v)

    def slider(self, text, minimum, maximum, step=1):
        return GUI.WidgetValue(self, self._widgets.add("slider", text, minimum, minimum, maximum,
                                                       step))

    def label(self, text):
        return GUI.WidgetValue(self, self._widgets.add("label", text, 0))

    def button(self, text, event_name=None):
        event_name = event_name or f"WidgetButton_{text}"
        self._widgets.add("button", text, event_name)
        return event_name

    # ---- frames ----

    def show(self, file=None):
        """Puts the frame in the window (and in `file` if given), then clears the canvas."""
        self._widgets.draw(self._image)
        self._display.present(self._image)
        if file:
            from qtaichi.tools import imwrite
            imwrite(self._image.array(), file)
        self.frame += 1
        self.clear()

    @property
    def running(self):
        return self._display.running

    @running.setter
    def running(self, value):
        self._display.close(not value)

    @property
    def fps_limit(self):
        return self._display.fps_limit

    @fps_limit.setter
    def fps_limit(self, value):
        self._display.fps_limit = value

    # ---- events ----

    class EventFilter:
        def __init__(self, *e_filter):
            self.filter = {tuple(e) if isinstance(e, (list, tuple)) else e for e in e_filter}

        def match(self, e):
            return (e.type, e.key) in self.filter or e.type in self.filter or e.key in self.filter

    def has_key_event(self):
        self._display.poll()
        return bool(self._display.events)

    def get_key_event(self):
        etype, key, x, y, dx, dy = self._display.events.popleft()
        if key == "LMB" and self._widgets.handle(etype, x, y, self.res, self._display.events):
            etype, key = "Widget", "Widget"   # consumed by a widget: not the program's
        elif key == GUI.MOVE:
            self._widgets.motion(x, y, self.res)
        e = GUI.Event()
        e.type, e.key, e.pos = etype, key, (x, y)
        e.delta = (dx, dy) if key == GUI.WHEEL else (0, 0)
        e.modifier = [m for m in ("Shift", "Alt", "Control") if self.is_pressed(m)]
        if etype == GUI.PRESS:
            self.key_pressed.add(key)
        elif etype == GUI.RELEASE:
            self.key_pressed.discard(key)
        if key == GUI.EXIT:
            self._display.close()
        return e

    def get_events(self, *e_filter):
        f = GUI.EventFilter(*e_filter) if e_filter else None
        while self.has_key_event():
            e = self.get_key_event()
            if e.type == "Widget":
                continue
            if f is None or f.match(e):
                yield e

    @property
    def _keys_down(self):
        return self.key_pressed


rgb_to_hex = images.rgb_to_hex
hex_to_rgb = images.hex_to_rgb
