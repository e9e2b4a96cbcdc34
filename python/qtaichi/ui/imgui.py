"""ti.ui's control panels (window.get_gui()): immediate-mode widgets in sub-windows, drawn over
the frame. Each call lays out one row and returns the value, changed by a left click (or drag)
on its row since the last frame; headless there are no clicks and values come back as given."""
import contextlib

from qtaichi._core import gui as _gui
from qtaichi.ui.widgets import fill_rect

ROW = 22
FONT = 14


class Gui:
    def __init__(self, window):
        self._window = window
        self._panels = []          # (name, x, y, w, h, rows) drawn at show()
        self._current = None

    # ---- panels ----

    @contextlib.contextmanager
    def sub_window(self, name, x, y, width, height):
        self.begin(name, x, y, width, height)
        try:
            yield self
        finally:
            self.end()

    def begin(self, name, x, y, width, height):
        self._current = dict(name=name, x=float(x), y=float(y), w=float(width), h=float(height),
                             rows=[])
        self._panels.append(self._current)

    def end(self):
        self._current = None

    def _row(self, kind, text, value=None, lo=None, hi=None):
        """Adds a row; returns (row dict, click x in [0, 1] across the row or None)."""
        if self._current is None:   # Taichi allows widgets outside a sub-window: one default
            self.begin("", 0.02, 0.02, 0.3, 0.5)
        p = self._current
        k = len(p["rows"]) + 1      # row 0 is the title
        row = dict(kind=kind, text=text, value=value, lo=lo, hi=hi)
        p["rows"].append(row)
        W, H = self._window.res
        x0, y_top = p["x"] * W, (1 - p["y"]) * H - k * ROW
        for (cx, cy) in self._window._clicks():
            px, py = cx * W, cy * H
            if x0 <= px <= x0 + p["w"] * W and y_top - ROW < py <= y_top:
                return row, (px - x0) / (p["w"] * W)
        return row, None

    # ---- widgets ----

    def text(self, text, color=None):
        self._row("text", str(text), color)

    def button(self, text):
        _, hit = self._row("button", text)
        return hit is not None

    def checkbox(self, text, old_value):
        _, hit = self._row("checkbox", text, bool(old_value))
        return (not old_value) if hit is not None else bool(old_value)

    def slider_float(self, text, old_value, minimum, maximum):
        row, hit = self._row("slider", text, float(old_value), minimum, maximum)
        if hit is not None:
            row["value"] = float(minimum + min(max(hit, 0.0), 1.0) * (maximum - minimum))
        return row["value"]

    def slider_int(self, text, old_value, minimum, maximum):
        row, hit = self._row("slider", text, int(old_value), minimum, maximum)
        if hit is not None:
            row["value"] = int(round(minimum + min(max(hit, 0.0), 1.0) * (maximum - minimum)))
        return row["value"]

    def color_edit_3(self, text, old_value):
        self._row("color", text, tuple(float(c) for c in old_value))
        return tuple(float(c) for c in old_value)

    # ---- drawing ----

    def _draw(self, image, clear=True):
        """Draws this frame's panels over `image`; `clear` starts the next frame's."""
        W, H = image.width, image.height
        for p in self._panels:
            x0, x1 = p["x"], p["x"] + p["w"]
            top = 1 - p["y"]
            bottom = top - (len(p["rows"]) + 1) * ROW / H
            fill_rect(image, x0, bottom, x1, top, 0x202020)
            _gui.text(image, p["name"], x0 + 4 / W, top - 3 / H, FONT, 1, 1, 0.7)
            for k, row in enumerate(p["rows"], start=1):
                self._draw_row(image, row, x0, x1, top - k * ROW / H, W, H)
        if clear:
            self._panels = []

    def _draw_row(self, image, row, x0, x1, y_top, W, H):
        y_bot = y_top - (ROW - 2) / H
        kind, label = row["kind"], row["text"]
        if kind == "slider":
            span = row["hi"] - row["lo"]
            frac = (row["value"] - row["lo"]) / span if span else 0.0
            fill_rect(image, x0, y_bot, x0 + (x1 - x0) * min(max(frac, 0), 1), y_top, 0x3A5A9A)
            label = f"{label}: {row['value']:.3g}" if isinstance(row["value"], float) \
                else f"{label}: {row['value']}"
        elif kind == "checkbox":
            label = f"[{'x' if row['value'] else ' '}] {label}"
        elif kind == "button":
            fill_rect(image, x0 + 2 / W, y_bot, x1 - 2 / W, y_top, 0x505050)
        elif kind == "color":
            r, g, b = row["value"]
            fill_rect(image, x1 - 24 / W, y_bot, x1 - 4 / W, y_top,
                      (int(r * 255) << 16) | (int(g * 255) << 8) | int(b * 255))
        color = (0.95, 0.95, 0.95) if kind != "text" or row["value"] is None else row["value"]
        _gui.text(image, label, x0 + 4 / W, y_top - 3 / H, FONT, *color[:3])
