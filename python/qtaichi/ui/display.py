"""Where a GUI's frames go: a GLFW window when one can open, else nowhere (headless).

One rule for ti.GUI and ti.ui.Window: a program written for a window runs unchanged on a server.
Headless, after QTAICHI_GUI_FRAMES frames (default 600) `running` turns False and an Escape
press and a window-close event arrive, so `while gui.running`, `while not
gui.get_event(ti.GUI.ESCAPE)` and `ti.GUI.EXIT` loops end; QTAICHI_GUI_OUT=dir writes every
shown frame there as PNG."""
import os
import time
import warnings
from collections import deque

from qtaichi._core import gui as _gui

_warned = False


def _env_flag(name, default):
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() not in ("0", "false", "no", "")


class InputQueries:
    """get_event / is_pressed / get_cursor_pos, the same for ti.GUI and ti.ui.Window: each has
    a `_display`, the keys held down in `_keys_down`, and its own get_events filter."""

    def get_event(self, *tag):
        for e in self.get_events(*tag):
            self.event = e
            return True
        return False

    def is_pressed(self, *keys):
        """A modifier name (Shift, Alt, Control) matches its left or right key."""
        down = self._keys_down
        return any(key in down or key in ("Shift", "Alt", "Control") and
                   (key + "_L" in down or key + "_R" in down) for key in keys)

    def get_cursor_pos(self):
        return self._display.cursor_pos()


def window_error():
    """Why no window can open here (None when one can)."""
    return _gui.open_window_error() or None


class Display:
    def __init__(self, name, res, show, vsync=False, fps_limit=None):
        global _warned
        self.name = name
        self.res = res
        self.frames = 0
        self.fps_limit = fps_limit
        self._last_present = None
        self._closed = False
        self.events = deque()   # (type, key, x, y, dx, dy) from the window
        self.window = None
        show = _env_flag("TI_GUI_SHOW", show)
        if show:
            why = window_error()
            if why is None:
                self.window = _gui.Window(name, res[0], res[1], vsync)
            elif not _warned:
                warnings.warn(f"qtaichi GUI runs headless: {why}", stacklevel=3)
                _warned = True
        self.frame_limit = int(os.environ.get("QTAICHI_GUI_FRAMES", "600"))
        self.out_dir = os.environ.get("QTAICHI_GUI_OUT")

    @property
    def headless(self):
        return self.window is None

    @property
    def running(self):
        if self._closed:
            return False
        if self.window is not None:
            return not self.window.should_close
        return self.frames < self.frame_limit

    def close(self, value=True):
        self._closed = value
        if self.window is not None:
            self.window.should_close = value

    def present(self, image, capture=False):
        """Shows the frame (an _core.gui.Image), then takes the window's new input."""
        if self.window is not None:
            self._wait_for_fps_limit()
            self.window.present(image, capture)
            self._take_events()
        elif self.out_dir:
            from qtaichi.tools import imwrite
            os.makedirs(self.out_dir, exist_ok=True)
            stem = "".join(c if c.isalnum() else "_" for c in self.name)
            imwrite(image.array(), os.path.join(self.out_dir, f"{stem}_{self.frames:05d}.png"))
        self.frames += 1
        if self.window is None and self.frames == self.frame_limit:
            self.events.append(("Press", "Escape", 0.5, 0.5, 0.0, 0.0))
            self.events.append(("Press", "WMClose", 0.5, 0.5, 0.0, 0.0))

    def poll(self):
        if self.window is not None:
            self.window.poll()
            self._take_events()

    def _take_events(self):
        while self.window.has_event():
            self.events.append(self.window.pop_event())

    def cursor_pos(self):
        if self.window is None:
            return 0.5, 0.5
        x, y = self.window.cursor_pos()
        return float(x), float(y)

    def _wait_for_fps_limit(self):
        if self.fps_limit:
            now = time.perf_counter()
            if self._last_present is not None:
                wait = 1.0 / self.fps_limit - (now - self._last_present)
                if wait > 0:
                    time.sleep(wait)
            self._last_present = time.perf_counter()

    def captured(self):
        """The window's pixels at the last present(capture=True): (W, H, 4) uint8, Taichi's
        x-right/y-up layout."""
        rows = self.window.last_capture()   # (H, W, 4), bottom row first
        return rows.transpose(1, 0, 2)
