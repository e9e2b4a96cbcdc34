"""ti.GUI's widgets (slider, label, button): a panel drawn at the canvas' top-right corner, rows
of 22 pixels; a left click on a slider sets it (dragging moves it), on a button queues the
button's event. Headless there are no clicks: values stay as the program sets them."""
import numpy as np

from qtaichi._core import gui as _gui

ROW = 22          # pixels per widget row
FONT = 14


class Widgets:
    def __init__(self):
        self.items = []
        self.dragging = None

    def add(self, kind, text, value, minimum=0, maximum=0, step=1):
        self.items.append(dict(kind=kind, text=text, value=value, min=minimum, max=maximum,
                               step=step))
        return len(self.items) - 1

    def value(self, wid):
        return self.items[wid]["value"]

    def set_value(self, wid, v):
        self.items[wid]["value"] = v

    def _panel(self, res):
        """(x0, width) in pixels of the panel."""
        width = min(200, res[0] // 2)
        return res[0] - width, width

    def _row_at(self, x, y, res):
        x0, width = self._panel(res)
        px, py = x * res[0], (1 - y) * res[1]   # rows count down from the top
        row = int(py // ROW)
        if px < x0 or not 0 <= row < len(self.items):
            return None, 0.0
        return row, (px - x0) / width

    def _set_slider(self, item, frac):
        frac = min(max(frac, 0.0), 1.0)
        v = item["min"] + frac * (item["max"] - item["min"])
        if item["step"]:
            v = item["min"] + round((v - item["min"]) / item["step"]) * item["step"]
        item["value"] = type(item["max"])(v) if isinstance(item["max"], int) and \
            isinstance(item["step"], int) else v

    def handle(self, etype, x, y, res, queue):
        """Takes a left-button event; True when it hit a widget (the program does not see it)."""
        if etype == "Release":
            hit = self.dragging is not None
            self.dragging = None
            return hit
        row, frac = self._row_at(x, y, res)
        if row is None or etype != "Press":
            return False
        item = self.items[row]
        if item["kind"] == "slider":
            self.dragging = row
            self._set_slider(item, frac)
        elif item["kind"] == "button":
            queue.appendleft(("Press", item["value"], x, y, 0.0, 0.0))
        return True

    def motion(self, x, y, res):
        if self.dragging is not None:
            x0, width = self._panel(res)
            self._set_slider(self.items[self.dragging], (x * res[0] - x0) / width)

    def draw(self, image):
        if not self.items:
            return
        res = (image.width, image.height)
        x0, width = self._panel(res)
        top = res[1]
        for k, item in enumerate(self.items):
            y_top, y_bot = (top - k * ROW) / res[1], (top - (k + 1) * ROW + 2) / res[1]
            fill_rect(image, x0 / res[0], y_bot, 1.0, y_top, 0x303030)
            if item["kind"] == "slider":
                span = item["max"] - item["min"]
                frac = (item["value"] - item["min"]) / span if span else 0.0
                fill_rect(image, x0 / res[0], y_bot, (x0 + width * frac) / res[0], y_top, 0x4060A0)
                label = f"{item['text']}: {item['value']:.3g}" \
                    if isinstance(item["value"], float) else f"{item['text']}: {item['value']}"
            elif item["kind"] == "label":
                label = f"{item['text']}: {item['value']}"
            else:
                fill_rect(image, (x0 + 2) / res[0], y_bot, (res[0] - 2) / res[0], y_top, 0x505050)
                label = item["text"]
            _gui.text(image, label, (x0 + 4) / res[0], (top - k * ROW - 3) / res[1], FONT,
                      0.95, 0.95, 0.95)


def fill_rect(image, x0, y0, x1, y1, color):
    """A solid rectangle (corners in [0, 1]^2, colour 0xRRGGBB): two triangles."""
    a = np.array([[x0, y0], [x0, y0]], np.float32)
    b = np.array([[x1, y0], [x1, y1]], np.float32)
    c = np.array([[x1, y1], [x0, y1]], np.float32)
    _gui.triangles(image, a, b, c, int(color) & 0xFFFFFF)
