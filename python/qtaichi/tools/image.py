"""Image files and windows in Taichi's layout: img[x, y] with x to the right and y up, shape
(W, H) for gray or (W, H, C) with C in 1, 3, 4. Files are written and read with Pillow, imported
on first use so that `import qtaichi` stays cheap."""
import os
import sys

import numpy as np

_FORMATS = {".png": "PNG", ".bmp": "BMP", ".jpg": "JPEG", ".jpeg": "JPEG"}


def _as_array(img, name="img"):
    """A numpy array from an array, a field or an ndarray (anything with to_numpy)."""
    if isinstance(img, np.ndarray):
        return img
    if hasattr(img, "to_numpy"):
        return img.to_numpy()
    raise TypeError(f"{name} must be a numpy array or a qtaichi field/ndarray, "
                    f"not {type(img).__name__}")


def _check_shape(img, name="img"):
    if img.ndim not in (2, 3) or (img.ndim == 3 and img.shape[2] not in (1, 3, 4)):
        raise ValueError(f"{name} must have shape (W, H) for gray or (W, H, C) with C in "
                         f"1, 3, 4 (gray, RGB, RGBA); got shape {img.shape}")
    if img.size == 0:
        raise ValueError(f"{name} is empty (shape {img.shape})")


def cook_image_to_bytes(img):
    """The image as uint8 in file order: (H, W, C), first row at the top."""
    img = _as_array(img)
    _check_shape(img)
    if np.issubdtype(img.dtype, np.floating):
        # Values are in [0, 1]: clip, then round to the nearest of the 256 levels.
        img = np.floor(np.clip(np.nan_to_num(img), 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    elif img.dtype in (np.uint16, np.uint32, np.uint64):
        # The top 8 bits: the type's full range maps onto 0..255.
        img = (img >> img.dtype.type(8 * img.dtype.itemsize - 8)).astype(np.uint8)
    elif img.dtype != np.uint8:
        raise ValueError(f"img has dtype {img.dtype}; imwrite takes float (values in [0, 1]) "
                         f"or unsigned integers (uint8 as is, wider ones scaled to 0..255)")
    if img.ndim == 2:
        img = img[:, :, None]
    return np.ascontiguousarray(img.swapaxes(0, 1)[::-1])


def _pil_image(img):
    from PIL import Image
    data = cook_image_to_bytes(img)
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[data.shape[2]]
    return Image.fromarray(data[:, :, 0] if mode == "L" else data, mode)


def imwrite(img, filename):
    """Saves img (array or field, Taichi's layout) as a .png, .bmp or .jpg file (alpha is kept
    in PNG only)."""
    filename = os.fspath(filename)
    ext = os.path.splitext(filename)[1].lower()
    if ext not in _FORMATS:
        raise ValueError(f"filename {filename!r}: unknown image extension {ext!r} "
                         f"(imwrite writes {', '.join(_FORMATS)})")
    pil = _pil_image(img)
    if _FORMATS[ext] != "PNG" and pil.mode == "RGBA":
        # JPEG has no alpha; BMP's is read by few programs (Pillow ignores it): dropped.
        pil = pil.convert("RGB")
    # Written beside and renamed into place: a reader (or a killed run) never sees half a file.
    partial = f"{filename}.{os.getpid()}.partial"
    try:
        pil.save(partial, _FORMATS[ext], **({"quality": 95} if _FORMATS[ext] == "JPEG" else {}))
        os.replace(partial, filename)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def _native_mode(pil):
    """The mode holding the file's own channels (gray, gray+alpha, RGB or RGBA) in 8 bits."""
    if pil.mode in ("L", "LA", "RGB", "RGBA"):
        return pil.mode
    if pil.mode in ("1", "I", "I;16", "I;16B", "I;16L", "F"):
        return "L"
    if pil.mode in ("P", "PA"):
        return "RGBA" if pil.mode == "PA" or "transparency" in pil.info else "RGB"
    return "RGBA" if "A" in pil.getbands() else "RGB"


def imread(filename, channels=0):
    """Reads an image file as a uint8 array of shape (W, H, C) in Taichi's layout. `channels`
    0 keeps the file's channels; 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA) converts."""
    from PIL import Image
    if channels not in (0, 1, 2, 3, 4):
        raise ValueError(f"channels must be 0 (as in the file), 1, 2, 3 or 4; got {channels!r}")
    with Image.open(os.fspath(filename)) as pil:
        if pil.mode.startswith("I;16") or pil.mode == "I":
            # 16-bit gray: keep the top 8 bits (Pillow's convert would clip instead).
            pil = Image.fromarray((np.asarray(pil).astype(np.uint32) >> 8).astype(np.uint8))
        mode = [_native_mode(pil), "L", "LA", "RGB", "RGBA"][channels]
        data = np.asarray(pil.convert(mode) if pil.mode != mode else pil, dtype=np.uint8)
    if data.ndim == 2:
        data = data[:, :, None]
    return np.ascontiguousarray(data.swapaxes(0, 1)[:, ::-1])


def imresize(img, w, h=None):
    """Resizes img (Taichi's layout) to w x h (h defaults to w) by nearest neighbour: output
    pixel i takes input pixel floor(i * W / w), as Taichi does."""
    img = _as_array(img)
    if h is None:
        h = w
    for name, v in (("w", w), ("h", h)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{name} must be a positive integer; got {v!r}")
    if img.ndim < 2:
        raise ValueError(f"img must have at least 2 dimensions (W, H, ...); got {img.shape}")
    if (w, h) == img.shape[:2]:
        return img
    x = np.minimum((np.arange(w) * (img.shape[0] / w)).astype(np.int64), img.shape[0] - 1)
    y = np.minimum((np.arange(h) * (img.shape[1] / h)).astype(np.int64), img.shape[1] - 1)
    return img[x][:, y]


def _in_notebook():
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and hasattr(shell, "kernel")


def imshow(img, title="imshow"):
    """Shows img in a ti.GUI window until it is closed or Escape is pressed (one frame when the
    GUI is headless); inline in a Jupyter notebook."""
    img = _as_array(img)
    _check_shape(img)
    if _in_notebook():
        from IPython.display import display
        display(_pil_image(img))
        return
    import qtaichi as ti
    gui = ti.GUI(title, res=img.shape[:2])
    try:
        while gui.running:
            if gui.get_event(ti.GUI.ESCAPE):
                break
            gui.set_image(img)
            gui.show()
            if getattr(gui, "headless", False):
                break
    finally:
        if hasattr(gui, "close"):
            gui.close()


__all__ = ["imread", "imresize", "imshow", "imwrite"]
