"""Turning what users pass to a GUI (fields, numpy arrays, colours) into what the renderer
takes: RGBA float32 images in Taichi's (x, y) layout, float32 point arrays, 0xRRGGBB colours."""
import numbers

import numpy as np


def to_numpy(x, what):
    """A field / ndarray / numpy array / sequence as a numpy array."""
    if hasattr(x, "to_numpy"):
        return x.to_numpy()
    try:
        return np.asarray(x)
    except Exception as e:  # noqa: BLE001 - anything not array-like
        raise TypeError(f"{what} must be a field or a numpy array, not {type(x).__name__}") from e


def rgba_image(img, what="set_image"):
    """(W, H, 4) float32 in [0, 1] from a gray / RG / RGB / RGBA image, float in [0, 1] or
    unsigned integers (scaled by their largest value)."""
    a = to_numpy(img, f"{what}: the image")
    if a.dtype.kind == "u":
        a = a.astype(np.float32) * np.float32(1.0 / np.iinfo(a.dtype).max)
    elif a.dtype.kind == "f":
        a = a.astype(np.float32)
    elif a.dtype.kind == "b":
        a = a.astype(np.float32)
    else:
        raise ValueError(f"{what}: image dtype {a.dtype} is not supported "
                         "(use float in [0, 1] or unsigned integers)")
    if a.ndim == 2:
        a = a[..., None]
    if a.ndim != 3 or a.shape[2] not in (1, 2, 3, 4) or 0 in a.shape[:2]:
        raise ValueError(f"{what}: expected an image of shape (W, H) or (W, H, 1|2|3|4), "
                         f"got {a.shape}")
    w, h, c = a.shape
    out = np.zeros((w, h, 4), np.float32)
    if c == 1:
        out[..., :3] = a
    else:
        out[..., :c] = a
    if c != 4:
        out[..., 3] = 1.0
    return np.ascontiguousarray(out)


def points(x, dims, what):
    """(n, dims) float32 contiguous points from a vector field, ndarray or numpy array."""
    a = to_numpy(x, what)
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[:, :, 0]
    if a.ndim != 2 or a.shape[1] != dims:
        if a.ndim >= 2 and a.shape[-1] == dims:
            a = a.reshape(-1, dims)   # a 2D/3D field of vectors draws all its elements
        else:
            raise ValueError(f"{what}: expected shape (n, {dims}), got {a.shape}")
    return np.ascontiguousarray(a, dtype=np.float32)


def hex_colors(color, n, what="color"):
    """An int 0xRRGGBB, or an array of n of them, as the renderer takes colours."""
    if isinstance(color, numbers.Integral):
        return int(color) & 0xFFFFFF
    a = to_numpy(color, what)
    if a.shape != (n,):
        raise ValueError(f"{what}: expected one 0xRRGGBB int or an array of shape ({n},), "
                         f"got shape {a.shape}")
    return np.ascontiguousarray(a.astype(np.uint32))


def per_item(value, n, what):
    """A number, or an array of n numbers, as float32 for the renderer."""
    if isinstance(value, numbers.Number):
        return float(value)
    a = to_numpy(value, what)
    if a.shape != (n,):
        raise ValueError(f"{what}: expected a number or an array of shape ({n},), got {a.shape}")
    return np.ascontiguousarray(a, dtype=np.float32)


def rgb_to_hex(c):
    """(r, g, b) floats in [0, 1] (or arrays of them) -> 0xRRGGBB."""
    def to255(x):
        return np.clip(np.int32(np.asarray(x) * 255), 0, 255)
    out = (to255(c[0]) << 16) + (to255(c[1]) << 8) + to255(c[2])
    return int(out) if np.ndim(out) == 0 else out


def hex_to_rgb(color):
    """0xRRGGBB -> (r, g, b) floats in [0, 1]."""
    r, g, b = (color >> 16) & 0xFF, (color >> 8) & 0xFF, color & 0xFF
    return r / 255, g / 255, b / 255
