"""ti.ui.Window (Taichi's GGUI window): a canvas, an optional 3D scene, control panels, input.
Shown through GLFW where a display is, headless otherwise (show_window=False or no display),
with the same pixels either way: qtaichi draws every frame itself (see docs/gui.md)."""
import numpy as np

from qtaichi._core import gui as _gui
from qtaichi.ui import images
from qtaichi.ui.canvas import Canvas
from qtaichi.ui.display import Display, InputQueries
from qtaichi.ui.imgui import Gui
from qtaichi.ui.scene import Scene


class Event:
    def __init__(self, type, key):
        self.type = type
        self.key = key

    def __repr__(self):
        return f"ti.ui.Event(type={self.type!r}, key={self.key!r})"


class Window(InputQueries):
    def __init__(self, name, res, vsync=False, show_window=True, fps_limit=1000, pos=(100, 100)):
        res = tuple(int(r) for r in res)
        if len(res) != 2 or min(res) <= 0:
            raise ValueError(f"ti.ui.Window: res must be (width, height), got {res}")
        self.name = name
        self.res = res
        self._display = Display(name, res, show_window, vsync, fps_limit)
        self._image = _gui.Image(*res)
        self._canvas = Canvas(self)
        self._gui = Gui(self)
        self._scene = None
        self._pressed = set()
        self._frame_clicks = []    # left clicks (and drags) seen since the last frame
        self.event = None
        self._image.fill(0.0, 0.0, 0.0, 0.0)   # the canvas layer starts transparent

    @property
    def headless(self):
        return self._display.headless

    @property
    def running(self):
        return self._display.running

    @running.setter
    def running(self, value):
        self._display.close(not value)

    def destroy(self):
        self._display.close()

    def get_canvas(self):
        return self._canvas

    def get_scene(self):
        if self._scene is None:
            self._scene = Scene()
        return self._scene

    def get_gui(self):
        return self._gui

    @property
    def GUI(self):   # Taichi's older spelling: window.GUI.begin(...)
        return self._gui

    def _frame(self, panels):
        """The canvas layer over the background colour (and the panels): what a window shows."""
        layer = self._image.array()
        out = layer.copy()
        out[..., :3] += np.asarray(self._canvas.background, np.float32) * (1 - layer[..., 3:])
        out[..., 3] = 1.0
        frame = _gui.Image(*self.res)
        _gui.set_image(frame, out)
        if panels:
            self._gui._draw(frame, clear=False)
        return frame

    def show(self):
        """Shows the frame (background, canvas, control panels) and starts the next one."""
        frame = self._frame(panels=False)
        self._gui._draw(frame)   # the panels, then forgets them: the next frame lays out anew
        self._display.present(frame)
        self._frame_clicks = []
        self._take_input()
        self._image.fill(0.0, 0.0, 0.0, 0.0)

    def get_image_buffer_as_numpy(self):
        """The current frame (background and canvas) as (W, H, 4) float32."""
        return self._frame(panels=False).array().copy()

    def save_image(self, filename):
        """Writes the frame as show() would put it on screen (control panels included)."""
        from qtaichi.tools import imwrite
        imwrite(self._frame(panels=True).array(), filename)

    # ---- input ----

    def _take_input(self):
        """Reads new window events: key states now, clicks for the panels."""
        self._display.poll()
        for etype, key, x, y, _, _ in self._display.events:
            if etype == "Press":
                self._pressed.add(key)
                if key == "LMB":
                    self._frame_clicks.append((x, y))
            elif etype == "Release":
                self._pressed.discard(key)
            if key == "WMClose":
                self._display.close()
        if "LMB" in self._pressed:   # a held button drags sliders
            self._frame_clicks.append(self._display.cursor_pos())

    def _clicks(self):
        return self._frame_clicks

    def _pending(self):
        ev = self._display.events
        # GGUI reports presses and releases only (the cursor is read with get_cursor_pos).
        while ev and ev[0][0] == "Motion":
            ev.popleft()
        return ev

    def get_events(self, tag=None):
        while self._pending():
            etype, key = self._pending().popleft()[:2]
            if tag is None or etype == tag:
                yield Event(etype, key)

    @property
    def _keys_down(self):
        return self._pressed

    def get_window_shape(self):
        return self.res
