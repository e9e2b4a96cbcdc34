"""Reference renderers for the GUI tests, written apart from qtaichi's rasterizer: numpy
evaluates each shape's coverage at every pixel centre at once, the 3D scene is ray cast (rays
against spheres and triangles, Moller-Trumbore) instead of rasterized, text comes from Pillow's
FreeType. tools/make_gui_references.py writes their images into tests/python/expected/."""
import numpy as np

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def hex_rgb(c):
    return np.array([(c >> 16) & 255, (c >> 8) & 255, c & 255], np.float64) / 255


def canvas(w, h, bg):
    img = np.zeros((w, h, 4))
    img[..., :3] = hex_rgb(bg)
    img[..., 3] = 1
    return img


def pixel_centres(w, h):
    x, y = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5, indexing="ij")
    return x, y


def blend(img, alpha, color):
    a = np.clip(alpha, 0, 1)[..., None]
    img[..., :3] += (hex_rgb(color) - img[..., :3]) * a
    img[..., 3:] += (1 - img[..., 3:]) * a


def circle(img, pos, radius, color):
    w, h = img.shape[:2]
    x, y = pixel_centres(w, h)
    d = np.hypot(x - pos[0] * w, y - pos[1] * h)
    blend(img, radius + 0.5 - d, color)


def line(img, a, b, width, color):
    w, h = img.shape[:2]
    x, y = pixel_centres(w, h)
    ax, ay, bx, by = a[0] * w, a[1] * h, b[0] * w, b[1] * h
    dx, dy = bx - ax, by - ay
    t = np.clip(((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy), 0, 1)
    d = np.hypot(x - ax - t * dx, y - ay - t * dy)
    blend(img, width / 2 + 0.5 - d, color)


def triangle(img, a, b, c, color):
    w, h = img.shape[:2]
    x, y = pixel_centres(w, h)
    p = [(v[0] * w, v[1] * h) for v in (a, b, c)]

    def side(u, v):
        return (v[0] - u[0]) * (y - u[1]) - (v[1] - u[1]) * (x - u[0])
    s = [side(p[0], p[1]), side(p[1], p[2]), side(p[2], p[0])]
    inside = ((s[0] >= 0) & (s[1] >= 0) & (s[2] >= 0)) | ((s[0] <= 0) & (s[1] <= 0) & (s[2] <= 0))
    blend(img, inside.astype(float), color)


def bilinear(src, w, h):
    """src (W0, H0, C) resampled to (w, h, C), pixel centres aligned, edges clamped."""
    W0, H0 = src.shape[:2]
    u = np.clip((np.arange(w) + 0.5) * W0 / w - 0.5, 0, W0 - 1)
    v = np.clip((np.arange(h) + 0.5) * H0 / h - 0.5, 0, H0 - 1)
    u0, v0 = np.floor(u).astype(int), np.floor(v).astype(int)
    u1, v1 = np.minimum(u0 + 1, W0 - 1), np.minimum(v0 + 1, H0 - 1)
    fu, fv = (u - u0)[:, None, None], (v - v0)[None, :, None]
    s = src
    return ((s[u0][:, v0] * (1 - fu) + s[u1][:, v0] * fu) * (1 - fv) +
            (s[u0][:, v1] * (1 - fu) + s[u1][:, v1] * fu) * fv)


def text(w, h, content, pos, size, color, bg):
    """Pillow/FreeType's rendering of `content`, top-left (ascender) at pos (y up)."""
    from PIL import Image, ImageDraw, ImageFont
    im = Image.new("RGB", (w, h), tuple(int(round(c * 255)) for c in hex_rgb(bg)))
    d = ImageDraw.Draw(im)
    font = ImageFont.truetype(FONT, size)
    d.text((pos[0] * w, (1 - pos[1]) * h), content, font=font, anchor="la",
           fill=tuple(int(round(c * 255)) for c in hex_rgb(color)))
    rows = np.asarray(im, np.float64) / 255          # (H, W, 3) top row first
    out = np.ones((w, h, 4))
    out[..., :3] = rows[::-1].transpose(1, 0, 2)
    return out


# ---- the 3D scene, ray cast ----

def camera_rays(w, h, eye, lookat, up, fov):
    f = np.subtract(lookat, eye, dtype=np.float64)
    f /= np.linalg.norm(f)
    r = np.cross(f, up)
    r /= np.linalg.norm(r)
    u = np.cross(r, f)
    t = np.tan(np.radians(fov) / 2)
    x, y = pixel_centres(w, h)
    nx, ny = x / w * 2 - 1, y / h * 2 - 1
    d = (nx * (w / h) * t)[..., None] * r + (ny * t)[..., None] * u + f
    return np.asarray(eye, np.float64), d        # t along d is the view depth


def shade(color, n, pos, to_eye, ambient, lights):
    out = color * ambient
    for lp, lc in lights:
        to_light = lp - pos
        to_light /= np.linalg.norm(to_light, axis=-1, keepdims=True)
        diffuse = np.maximum(0, np.sum(n * to_light, -1, keepdims=True))
        half = to_light + to_eye
        half /= np.linalg.norm(half, axis=-1, keepdims=True)
        spec = np.where(diffuse > 0, np.maximum(0, np.sum(n * half, -1, keepdims=True)) ** 32
                        * 0.25, 0)
        out = out + (color * diffuse + spec) * lc
    return np.minimum(out, 1)


def ray_cast(w, h, bg_rgb, cam, ambient, lights, spheres, triangles):
    """spheres: (centre, radius, rgb); triangles: (a, b, c, rgb) lit with their face normal
    turned toward the camera. Returns (w, h, 4)."""
    eye, d = camera_rays(w, h, **cam)
    best = np.full((w, h), np.inf)
    img = np.zeros((w, h, 4))
    img[..., :3] = bg_rgb
    img[..., 3] = 1
    lights = [(np.asarray(p, float), np.asarray(c, float)) for p, c in lights]
    ambient = np.asarray(ambient, float)
    for c, r, rgb in spheres:
        oc = eye - np.asarray(c, float)
        a = np.sum(d * d, -1)
        hb = np.sum(d * oc, -1)
        disc = hb * hb - a * (oc @ oc - r * r)
        t = (-hb - np.sqrt(np.maximum(disc, 0))) / a
        hit = (disc >= 0) & (t < best) & (t > 0)
        pos = eye + d * t[..., None]
        n = (pos - np.asarray(c, float)) / r
        to_eye = -d / np.linalg.norm(d, axis=-1, keepdims=True)
        col = shade(np.asarray(rgb, float), n, pos, to_eye, ambient, lights)
        img[hit, :3] = col[hit]
        best = np.where(hit, t, best)
    for a, b, c, rgb in triangles:
        a, b, c = (np.asarray(v, float) for v in (a, b, c))
        e1, e2 = b - a, c - a
        p = np.cross(d, e2)
        det = p @ e1
        inv = 1 / np.where(det == 0, np.inf, det)
        s = eye - a
        u = (p @ s) * inv
        q = np.cross(s, e1)
        v = (d @ q) * inv
        t = (q @ e2) * inv
        hit = (u >= 0) & (v >= 0) & (u + v <= 1) & (t > 0) & (t < best)
        pos = eye + d * t[..., None]
        to_eye = -d / np.linalg.norm(d, axis=-1, keepdims=True)
        n = np.cross(e1, e2)
        n = n / np.linalg.norm(n)
        n = np.where(np.sum(n * to_eye, -1, keepdims=True) < 0, -n, n)
        col = shade(np.asarray(rgb, float), n, pos, to_eye, ambient, lights)
        img[hit, :3] = col[hit]
        best = np.where(hit, t, best)
    return img


# ---- the cases the tests draw (once with qtaichi, once here) ----

RES = (160, 120)
BG = 0x102030
SHAPES = [
    ("circle", dict(pos=(0.3, 0.6), radius=18.0, color=0xE04020)),
    ("circle", dict(pos=(0.38, 0.55), radius=7.5, color=0x20E040)),
    ("circle", dict(pos=(0.9, 0.1), radius=2.2, color=0xFFFFFF)),
    ("line", dict(begin=(0.05, 0.05), end=(0.95, 0.4), radius=3.0, color=0xF0D020)),
    ("line", dict(begin=(0.1, 0.9), end=(0.6, 0.85), radius=1.0, color=0x80C0FF)),
    ("triangle", dict(a=(0.55, 0.5), b=(0.95, 0.55), c=(0.7, 0.95), color=0x30C0C0)),
]
TEXT = dict(content="qtaichi 0.25", pos=(0.05, 0.8), font_size=22, color=0xFFFFFF)


def draw_shapes_reference():
    img = canvas(*RES, BG)
    for kind, a in SHAPES:
        if kind == "circle":
            circle(img, a["pos"], a["radius"], a["color"])
        elif kind == "line":
            line(img, a["begin"], a["end"], a["radius"], a["color"])
        else:
            triangle(img, a["a"], a["b"], a["c"], a["color"])
    return img


def draw_text_reference():
    return text(*RES, TEXT["content"], TEXT["pos"], TEXT["font_size"], TEXT["color"], BG)


def image_source():
    """A small RGB test pattern that set_image scales up to RES."""
    x, y = np.meshgrid(np.linspace(0, 1, 20), np.linspace(0, 1, 15), indexing="ij")
    return np.stack([x, y, 0.5 + 0.5 * np.sin(6 * x * y)], -1).astype(np.float32)


def draw_set_image_reference():
    src = image_source()
    out = np.ones(RES + (4,))
    out[..., :3] = bilinear(src, *RES)
    return out


SCENE = dict(
    camera=dict(eye=(0.0, 1.0, 3.0), lookat=(0.0, 0.2, 0.0), up=(0.0, 1.0, 0.0), fov=45.0),
    ambient=(0.15, 0.15, 0.15),
    lights=[((2.0, 4.0, 3.0), (0.9, 0.9, 0.9)), ((-3.0, 1.0, 1.0), (0.3, 0.3, 0.5))],
    spheres=[((0.0, 0.3, 0.0), 0.4, (0.9, 0.4, 0.2)), ((0.45, 0.1, 0.5), 0.25, (0.2, 0.7, 0.9)),
             ((-0.6, 0.2, 0.2), 0.3, (0.8, 0.8, 0.8))],
    ground=[(-1.5, -0.2, -1.5), (1.5, -0.2, -1.5), (1.5, -0.2, 1.5), (-1.5, -0.2, 1.5)],
    ground_color=(0.5, 0.6, 0.4),
    background=(0.05, 0.05, 0.1),
)


def draw_scene_reference():
    s = SCENE
    g = s["ground"]
    tris = [(g[0], g[2], g[1], s["ground_color"]), (g[0], g[3], g[2], s["ground_color"])]
    return ray_cast(*RES, np.asarray(s["background"]), s["camera"], s["ambient"], s["lights"],
                    s["spheres"], tris)


REFERENCES = {
    "gui_shapes.png": draw_shapes_reference,
    "gui_text.png": draw_text_reference,
    "gui_set_image.png": draw_set_image_reference,
    "ggui_scene.png": draw_scene_reference,
}


def to_png_rows(img):
    """(W, H, 4) floats in Taichi's layout -> (H, W, 3) uint8 rows top first, as a PNG holds."""
    return (np.clip(img[..., :3], 0, 1) * 255 + 0.5).astype(np.uint8).transpose(1, 0, 2)[::-1]
