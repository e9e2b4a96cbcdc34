"""ti.tools: image files, videos and PLY files, checked against independent readers (Pillow
directly, ffprobe, a small PLY parser here) and hand-computed values."""
import json
import os
import shutil
import struct
import subprocess
import warnings

import numpy as np
import pytest
from PIL import Image

import archs
import qtaichi as ti

pytestmark = archs.cpu_only("ti.tools runs on the host: the same on every arch")

needs_ffmpeg = pytest.mark.skipif(
    shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None,
    reason="ffmpeg/ffprobe not installed (`make deps` installs Debian's ffmpeg package)")


def file_order(img):
    """Taichi's img[x, y] (y up) as a file's rows top to bottom, by explicit indexing."""
    w, h = img.shape[:2]
    out = np.zeros((h, w) + img.shape[2:], img.dtype)
    for x in range(w):
        for y in range(h):
            out[h - 1 - y, x] = img[x, y]
    return out


def random_image(shape, seed=0):
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


# ---- imwrite / imread ----

@pytest.mark.parametrize("shape,mode", [((7, 5), "L"), ((7, 5, 1), "L"), ((7, 5, 3), "RGB"),
                                        ((7, 5, 4), "RGBA")])
def test_imwrite_png_is_the_flipped_transpose(tmp_path, shape, mode):
    img = random_image(shape)
    ti.tools.imwrite(img, tmp_path / "a.png")
    with Image.open(tmp_path / "a.png") as f:
        assert f.mode == mode and f.size == (7, 5)
        got = np.asarray(f)
    assert np.array_equal(got, file_order(img).reshape(got.shape))


def test_imwrite_marks_pixel_0_0_bottom_left(tmp_path):
    img = np.zeros((4, 3, 3), np.uint8)
    img[0, 0] = (255, 0, 0)
    ti.tools.imwrite(img, str(tmp_path / "a.png"))
    with Image.open(tmp_path / "a.png") as f:
        assert f.getpixel((0, 2)) == (255, 0, 0)  # PIL: column 0, last row
        assert f.getpixel((0, 0)) == (0, 0, 0)


def test_imwrite_float_rounds_and_clips(tmp_path):
    values = [-1.0, 0.0, 0.0019, 0.002, 0.2, 0.5, 0.9999, 1.0, 3.0, np.nan]
    expected = [0, 0, 0, 1, 51, 128, 255, 255, 255, 0]
    for dtype in (np.float32, np.float64):
        img = np.array(values, dtype).reshape(-1, 1)
        ti.tools.imwrite(img, tmp_path / "f.png")
        with Image.open(tmp_path / "f.png") as f:
            assert np.asarray(f)[0].tolist() == expected


def test_imwrite_wide_unsigned_keeps_the_top_byte(tmp_path):
    img = np.array([[0], [255], [256], [40000], [65535]], np.uint16)
    ti.tools.imwrite(img, tmp_path / "u.png")
    with Image.open(tmp_path / "u.png") as f:
        assert np.asarray(f)[0].tolist() == [0, 0, 1, 156, 255]
    img32 = np.array([[0], [1 << 24], [0xFFFFFFFF]], np.uint32)
    ti.tools.imwrite(img32, tmp_path / "u32.png")
    with Image.open(tmp_path / "u32.png") as f:
        assert np.asarray(f)[0].tolist() == [0, 1, 255]


def test_imwrite_fields(tmp_path):
    gray = np.linspace(0, 1, 6 * 4, dtype=np.float32).reshape(6, 4)
    f = ti.field(ti.f32, shape=(6, 4))
    f.from_numpy(gray)
    ti.tools.imwrite(f, tmp_path / "g.png")
    rgb = random_image((6, 4, 3), seed=1)
    v = ti.Vector.field(3, ti.u8, shape=(6, 4))
    v.from_numpy(rgb)
    ti.imwrite(v, tmp_path / "c.png")  # the top-level spelling is the same function
    with Image.open(tmp_path / "g.png") as g, Image.open(tmp_path / "c.png") as c:
        assert np.array_equal(np.asarray(g), file_order(np.floor(gray * 255 + 0.5)
                                                        .astype(np.uint8)))
        assert np.array_equal(np.asarray(c), file_order(rgb))


@pytest.mark.parametrize("shape", [(9, 6), (9, 6, 3), (9, 6, 4)])
@pytest.mark.parametrize("ext", [".png", ".bmp"])
def test_imread_round_trip(tmp_path, shape, ext):
    img = random_image(shape, seed=2)
    ti.tools.imwrite(img, tmp_path / ("a" + ext))
    back = ti.tools.imread(tmp_path / ("a" + ext))
    channels = (shape + (1,))[2]
    if ext == ".bmp" and channels == 4:
        channels, img = 3, img[:, :, :3]  # BMP drops alpha
    assert back.dtype == np.uint8 and back.shape == (9, 6, channels)
    assert np.array_equal(back, img.reshape(back.shape))


def test_imread_reads_a_file_made_by_pillow(tmp_path):
    rows = random_image((3, 5, 3), seed=3)  # a file's rows, top first
    Image.fromarray(rows, "RGB").save(tmp_path / "p.png")
    img = ti.imread(str(tmp_path / "p.png"))
    assert img.shape == (5, 3, 3)
    for x in range(5):
        for y in range(3):
            assert img[x, y].tolist() == rows[2 - y, x].tolist()


def test_imread_channels(tmp_path):
    rgba = random_image((4, 3, 4), seed=4)
    ti.tools.imwrite(rgba, tmp_path / "a.png")
    assert np.array_equal(ti.tools.imread(tmp_path / "a.png", 3), rgba[:, :, :3])
    gray = random_image((4, 3), seed=5)
    ti.tools.imwrite(gray, tmp_path / "g.png")
    assert np.array_equal(ti.tools.imread(tmp_path / "g.png", 3),
                          np.repeat(gray[:, :, None], 3, axis=2))
    ga = ti.tools.imread(tmp_path / "g.png", 2)
    assert np.array_equal(ga[:, :, 0], gray) and (ga[:, :, 1] == 255).all()
    four = ti.tools.imread(tmp_path / "g.png", 4)
    assert four.shape == (4, 3, 4) and (four[:, :, 3] == 255).all()
    rgb = np.zeros((2, 2, 3), np.uint8)
    rgb[..., 1] = 200
    ti.tools.imwrite(rgb, tmp_path / "green.png")
    one = ti.tools.imread(tmp_path / "green.png", 1)
    assert one.shape == (2, 2, 1) and abs(int(one[0, 0, 0]) - round(0.587 * 200)) <= 1


def test_jpeg_is_close_and_drops_alpha(tmp_path):
    x, y = np.meshgrid(np.linspace(0, 1, 32), np.linspace(0, 1, 16), indexing="ij")
    img = np.stack([x, y, (x + y) / 2, np.full_like(x, 0.5)], axis=2)
    for ext in (".jpg", ".JPEG"):
        ti.tools.imwrite(img, tmp_path / ("a" + ext))
        back = ti.tools.imread(tmp_path / ("a" + ext))
        assert back.shape == (32, 16, 3)
        ref = np.floor(img[:, :, :3] * 255 + 0.5)
        assert np.abs(back.astype(float) - ref).max() <= 8


def test_image_errors(tmp_path):
    img = np.zeros((4, 4, 3), np.uint8)
    with pytest.raises(ValueError, match=r"extension '\.tiff'.*\.png"):
        ti.tools.imwrite(img, tmp_path / "a.tiff")
    with pytest.raises(ValueError, match=r"shape \(4, 4, 2\)"):
        ti.tools.imwrite(np.zeros((4, 4, 2), np.uint8), tmp_path / "a.png")
    with pytest.raises(ValueError, match=r"shape \(4,\)"):
        ti.tools.imwrite(np.zeros(4, np.uint8), tmp_path / "a.png")
    with pytest.raises(ValueError, match="dtype int32"):
        ti.tools.imwrite(np.zeros((4, 4), np.int32), tmp_path / "a.png")
    with pytest.raises(TypeError, match="img must be a numpy array"):
        ti.tools.imwrite([[0, 1]], tmp_path / "a.png")
    with pytest.raises(ValueError, match="channels"):
        ti.tools.imread(tmp_path / "a.png", channels=5)
    with pytest.raises(ValueError, match="w must be a positive integer"):
        ti.tools.imresize(img, 0)
    with pytest.raises(ValueError, match="h must be a positive integer"):
        ti.tools.imresize(img, 2, 2.5)
    assert not any(tmp_path.iterdir())  # nothing half-written


# ---- imresize ----

def test_imresize_nearest_matches_reference():
    img = random_image((10, 7, 3), seed=6)
    for w, h in [(4, 3), (15, 11), (10, 20), (3, 7), (1, 1)]:
        ref = np.zeros((w, h, 3), np.uint8)
        for i in range(w):
            for j in range(h):
                ref[i, j] = img[min(i * 10 // w, 9), min(j * 7 // h, 6)]
        assert np.array_equal(ti.tools.imresize(img, w, h), ref), (w, h)


def test_imresize_simple_cases():
    img = np.arange(16, dtype=np.float32).reshape(4, 4)
    assert np.array_equal(ti.imresize(img, 2), img[::2, ::2])  # h defaults to w
    small = np.array([[1, 2], [3, 4]], np.uint8)
    assert np.array_equal(ti.tools.imresize(small, 4, 6),
                          np.repeat(np.repeat(small, 2, axis=0), 3, axis=1))
    assert ti.tools.imresize(img, 4, 4) is img
    f = ti.field(ti.f32, shape=(4, 4))
    f.from_numpy(img)
    assert np.array_equal(ti.tools.imresize(f, 2, 2), img[::2, ::2])


# ---- imshow ----

class FakeGUI:
    """ti.GUI's API as imshow uses it; counts frames."""
    ESCAPE = "Escape"
    made = []

    def __init__(self, title, res, headless=True, escape_after=None):
        self.title, self.res, self.headless = title, res, headless
        self.escape_after, self.running, self.frames, self.closed = escape_after, True, [], False
        FakeGUI.made.append(self)

    def get_event(self, key):
        return key == self.ESCAPE and self.escape_after is not None and \
            len(self.frames) >= self.escape_after

    def set_image(self, img):
        self.frames.append(np.array(img))

    def show(self):
        pass

    def close(self):
        self.closed = True


def test_imshow_headless_shows_one_frame(monkeypatch):
    FakeGUI.made = []
    monkeypatch.setattr(ti, "GUI", FakeGUI, raising=False)
    img = random_image((8, 5, 3))
    ti.tools.imshow(img, title="pic")
    (gui,) = FakeGUI.made
    assert (gui.title, tuple(gui.res), len(gui.frames), gui.closed) == ("pic", (8, 5), 1, True)
    assert np.array_equal(gui.frames[0], img)


def test_imshow_window_runs_until_escape(monkeypatch):
    FakeGUI.made = []
    monkeypatch.setattr(ti, "GUI", lambda title, res: FakeGUI(title, res, headless=False,
                                                              escape_after=3), raising=False)
    monkeypatch.setattr(ti.GUI, "ESCAPE", FakeGUI.ESCAPE, raising=False)
    ti.imshow(np.zeros((4, 4), np.float32))
    (gui,) = FakeGUI.made
    assert len(gui.frames) == 3 and gui.closed and gui.title == "imshow"


# ---- VideoManager ----

def probe(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                          "-show_entries", "stream=codec_name,width,height,nb_read_frames",
                          "-of", "json", str(path)], capture_output=True, text=True, check=True)
    s = json.loads(out.stdout)["streams"][0]
    return s["codec_name"], s["width"], s["height"], int(s["nb_read_frames"])


def square_frame(i, w=64, h=48):
    """White square in the bottom-left quarter (x < w/2, y < h/2) on frames i % 2 == 0."""
    img = np.zeros((w, h, 3), np.float32)
    if i % 2 == 0:
        img[:w // 2, :h // 2] = 1.0
    return img


@needs_ffmpeg
def test_video_manager_makes_mp4_and_gif(tmp_path):
    vm = ti.tools.VideoManager(tmp_path / "out", framerate=10, automatic_build=False)
    vm.write_frames([square_frame(i) for i in range(9)])
    vm.make_video(mp4=True, gif=True)
    frames = sorted(os.listdir(vm.get_frame_directory()))
    assert frames == [f"{i:06d}.png" for i in range(9)]
    assert np.array_equal(ti.tools.imread(os.path.join(vm.get_frame_directory(), frames[2])),
                          (square_frame(2) * 255).astype(np.uint8))
    assert probe(vm.get_output_filename(".mp4")) == ("h264", 64, 48, 9)
    assert probe(vm.get_output_filename(".gif")) == ("gif", 64, 48, 9)
    # The video is upright: frame 0's square is at the bottom left of the picture.
    still = tmp_path / "still.png"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(tmp_path / "out" / "video.mp4"),
                    "-frames:v", "1", str(still)], check=True)
    with Image.open(still) as f:
        rows = np.asarray(f.convert("L")).astype(int)
    assert rows[36, 16] > 230 and rows[12, 48] < 25 and rows[12, 16] < 25


@needs_ffmpeg
def test_video_manager_options(tmp_path):
    vm = ti.tools.VideoManager(tmp_path, video_filename="clip", automatic_build=True)
    for i in range(4):  # the 4th frame builds the videos
        vm.write_frame(square_frame(i, 32, 16))
    assert probe(tmp_path / "clip.mp4")[1:] == (32, 16, 4)
    assert probe(tmp_path / "clip.gif")[1:] == (32, 16, 4)
    with pytest.warns(UserWarning, match="extension .mp4 is ignored"):
        assert ti.tools.VideoManager(tmp_path, "v.mp4").get_output_filename(".gif") == \
            os.path.join(tmp_path, "v.gif")
    odd = ti.tools.VideoManager(tmp_path / "odd", width=None, automatic_build=False)
    with pytest.warns(UserWarning, match="odd"):
        odd.write_frame(np.zeros((33, 17), np.uint8))
    odd.write_frame(ti.tools.imresize(np.ones((2, 2), np.float32), 32, 16))  # already even
    odd.make_video(mp4=False, gif=True)
    assert not os.path.exists(odd.get_output_filename(".mp4"))
    assert probe(odd.get_output_filename(".gif"))[1:] == (32, 16, 2)
    odd.clean_frames()
    assert os.listdir(odd.get_frame_directory()) == []
    scaled = tmp_path / "half.mp4"
    ti.tools.video.scale_video(tmp_path / "clip.mp4", scaled, 0.5, 1.0)
    assert probe(scaled)[1:] == (16, 16, 4)


@needs_ffmpeg
def test_make_video_from_files(tmp_path):
    files = []
    for i in range(5):
        files.append(str(tmp_path / f"f{i}.png"))
        ti.tools.imwrite(square_frame(i, 20, 12), files[-1])
    ti.tools.video.make_video(files, output_path=str(tmp_path / "m.mp4"))
    assert probe(tmp_path / "m.mp4") == ("h264", 20, 12, 5)
    ti.tools.video.mp4_to_gif(tmp_path / "m.mp4", tmp_path / "m.gif", 24)
    assert probe(tmp_path / "m.gif") == ("gif", 20, 12, 5)


def test_missing_ffmpeg_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    vm = ti.tools.VideoManager(tmp_path / "v", automatic_build=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for i in range(5):  # frame 4 tries to build: a warning, not an exception
            vm.write_frame(square_frame(i, 8, 8))
    assert [str(w.message) for w in caught if "ffmpeg" in str(w.message)]
    assert len(os.listdir(vm.get_frame_directory())) == 5
    with pytest.raises(ti.tools.video.FFmpegNotFoundError,
                       match=r"`ffmpeg`.*make deps.*apt-get install ffmpeg"):
        vm.make_video()


def test_video_manager_post_processor_and_fields(tmp_path):
    class Invert:
        def process(self, img):
            return 1.0 - img

    vm = ti.tools.VideoManager(tmp_path, post_processor=Invert(), automatic_build=False)
    f = ti.field(ti.f32, shape=(6, 4))
    f.from_numpy(np.zeros((6, 4), np.float32))
    vm.write_frame(f)
    frame = ti.tools.imread(os.path.join(vm.get_frame_directory(), "000000.png"))
    assert frame.shape == (6, 4, 1) and (frame == 255).all()
    assert (vm.width, vm.height, vm.frame_counter) == (6, 4, 1)


def test_video_manager_errors(tmp_path):
    with pytest.raises(ValueError, match="both width and height"):
        ti.tools.VideoManager(tmp_path, width=64)
    with pytest.raises(RuntimeError, match="no frame"):
        ti.tools.VideoManager(tmp_path).make_video()


# ---- PLYWriter ----

PLY_STRUCT = {"char": "b", "uchar": "B", "short": "h", "ushort": "H", "int": "i", "uint": "I",
              "float": "f", "double": "d"}


def parse_ply(path):
    """(format, comments, {element: (count, [(name, type)])}, {element: [row tuples]})."""
    data = open(path, "rb").read()
    end = data.index(b"end_header\n") + len(b"end_header\n")
    lines = data[:end].decode().splitlines()
    assert lines[0] == "ply" and lines[-1] == "end_header"
    fmt, comments, elements, order = None, [], {}, []
    for line in lines[1:-1]:
        words = line.split()
        if words[0] == "format":
            fmt = words[1]
            assert words[2] == "1.0"
        elif words[0] == "comment":
            comments.append(line[len("comment "):])
        elif words[0] == "element":
            elements[words[1]] = (int(words[2]), [])
            order.append(words[1])
        else:
            assert words[0] == "property"
            prop = (words[-1], tuple(words[1:-1]))
            elements[order[-1]][1].append(prop)
    if fmt == "ascii":
        tokens = iter(data[end:].decode().split())

        def value(t):
            v = next(tokens)
            return float(np.float32(v)) if t == "float" else float(v) if t == "double" else int(v)

        def values(n, t):
            return tuple(value(t) for _ in range(n))
    else:
        assert fmt == "binary_little_endian"
        pos = end

        def values(n, t):
            nonlocal pos
            out = struct.unpack_from(f"<{n}{PLY_STRUCT[t]}", data, pos)
            pos += n * struct.calcsize(PLY_STRUCT[t])
            return out

        def value(t):
            return values(1, t)[0]
    rows = {}
    for el in order:
        count, props = elements[el]
        rows[el] = [tuple(values(value(t[1]), t[2]) if t[0] == "list" else value(t[0])
                          for _, t in props) for _ in range(count)]
    if fmt == "ascii":
        assert next(tokens, None) is None
    else:
        assert pos == len(data)
    return fmt, comments, {k: (c, [p[0] for p in ps], [p[1] for p in ps])
                           for k, (c, ps) in elements.items()}, rows


def f32(values):
    return [float(np.float32(v)) for v in values]


def mesh_writer():
    rng = np.random.default_rng(7)
    pos = rng.standard_normal((5, 3)).astype(np.float32)
    ply = ti.tools.PLYWriter(num_vertices=5, num_faces=2, face_type="quad", comment="unit test")
    ply.add_vertex_pos(pos[:, 0], pos[:, 1], pos[:, 2])
    ply.add_vertex_normal(np.zeros(5), np.zeros(5), np.ones(5))
    ply.add_vertex_rgba(*(np.full(5, c) for c in (0.1, 0.2, 0.3, 1.0)))
    ply.add_vertex_channel("uv", "double", np.array([[i / 3, -i] for i in range(5)]))
    ply.add_vertex_channel("tag", "uchar", np.array([0, 1, 2, 254, 255]))
    ply.add_faces(np.array([0, 1, 2, 3, 1, 2, 3, 4]))
    ply.add_face_channel("mat", "short", np.array([-7, 300]))
    return ply, pos


VERTEX_NAMES = ["x", "y", "z", "nx", "ny", "nz", "red", "green", "blue", "Alpha", "uv_1", "uv_2",
                "tag"]


@pytest.mark.parametrize("ascii_", [False, True])
def test_ply_mesh_reads_back_exactly(tmp_path, ascii_):
    ply, pos = mesh_writer()
    path = tmp_path / "m.ply"
    (ply.export_ascii if ascii_ else ply.export)(str(path))
    fmt, comments, elements, rows = parse_ply(path)
    assert fmt == ("ascii" if ascii_ else "binary_little_endian")
    assert comments == ["unit test"]
    assert elements["vertex"] == (5, VERTEX_NAMES, [("float",)] * 10 + [("double",)] * 2 +
                                  [("uchar",)])
    assert elements["face"] == (2, ["vertex_indices", "mat"],
                                [("list", "uchar", "int"), ("short",)])
    for i, row in enumerate(rows["vertex"]):
        expect = f32(pos[i]) + [0.0, 0.0, 1.0] + f32([0.1, 0.2, 0.3, 1.0]) + [i / 3, -i] + \
            [[0, 1, 2, 254, 255][i]]
        assert list(row) == expect
    assert rows["face"] == [((0, 1, 2, 3), -7), ((1, 2, 3, 4), 300)]


def test_ply_point_cloud_and_frames(tmp_path):
    ply = ti.tools.PLYWriter(3)
    ply.add_vertex_pos([1.5, 2, 3], [0, 0, 0], np.array([-1, 1e-7, 3e38], np.float64))
    ply.add_vertex_id()
    ply.export_frame(7, str(tmp_path / "pc.ply"))
    ply.export_frame_ascii(12, str(tmp_path / "pc"))
    b = parse_ply(tmp_path / "pc_000007.ply")
    a = parse_ply(tmp_path / "pc_000012.ply")
    assert "face" not in b[2] and b[2]["vertex"][1] == ["x", "y", "z", "id"]
    expect = [(1.5, 0.0, -1.0, 0), (2.0, 0.0, f32([1e-7])[0], 1), (3.0, 0.0, f32([3e38])[0], 2)]
    assert b[3]["vertex"] == expect and a[3]["vertex"] == expect
    assert open(tmp_path / "pc_000007.ply", "rb").read().startswith(
        b"ply\nformat binary_little_endian 1.0\ncomment created by PLYWriter\nelement vertex 3\n")


def test_ply_tri_faces_from_a_field(tmp_path):
    ply = ti.tools.PLYWriter(4, 2)
    ply.add_vertex_pos(np.arange(4), np.zeros(4), np.zeros(4))
    faces = ti.field(ti.i32, shape=(2, 3))
    faces.from_numpy(np.array([[0, 1, 2], [1, 2, 3]], np.int32))
    ply.add_faces(faces)
    ply.add_face_id()
    ply.export(tmp_path / "t.ply")
    assert parse_ply(tmp_path / "t.ply")[3]["face"] == [((0, 1, 2), 0), ((1, 2, 3), 1)]


def test_ply_errors(tmp_path):
    ply = ti.tools.PLYWriter(3, 1)
    with pytest.raises(ValueError, match="position"):
        ply.export(tmp_path / "a.ply")
    ply.add_vertex_pos(np.zeros(3), np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match="face indices"):
        ply.export(tmp_path / "a.ply")  # add_faces not called
    with pytest.raises(ValueError, match=r"1 x 3 values \(tri faces\)"):
        ply.add_faces(np.arange(4))
    ply.add_faces(np.array([0, 1, 3]))
    with pytest.raises(ValueError, match=r"in \[0, 3\)"):
        ply.export(tmp_path / "a.ply")
    with pytest.warns(UserWarning, match="data_type must be one of .*channel skipped"):
        ply.add_vertex_channel("w", "float16", np.zeros(3))
    assert "w" not in ply.vertex_channels
    with pytest.raises(ValueError, match=r"shape \(3,\) or \(3, k\); got \(4,\)"):
        ply.add_vertex_channel("w", "float", np.zeros(4))
    with pytest.raises(ValueError, match="face_type"):
        ti.tools.PLYWriter(3, 1, face_type="hex")
    with pytest.raises(ValueError, match="num_vertices"):
        ti.tools.PLYWriter(0)
    with pytest.warns(UserWarning, match="duplicate vertex channel 'x'"):
        ply.add_vertex_channel("x", "float", np.zeros(3))
