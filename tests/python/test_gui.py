"""ti.GUI and ti.ui frames against reference images (tests/python/expected/, drawn by the
independent renderers in gui_reference.py), the headless rules, events and errors, and one real
GLFW window under Xvfb."""
import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from PIL import Image

import qtaichi as ti
import archs
import gui_reference as ref

EXPECTED = os.path.join(os.path.dirname(__file__), "expected")
pytestmark = archs.cpu_only("the GUI draws on the host; the arch does not matter")


def expected(name):
    rows = np.asarray(Image.open(os.path.join(EXPECTED, name)).convert("RGB"), np.float64)
    return rows[::-1].transpose(1, 0, 2) / 255      # Taichi's (x, y up) layout


def assert_close(got, want, max_bad=0.005, tol=3 / 255, mean=1 / 255):
    got = np.clip(got[..., :3], 0, 1)
    diff = np.abs(got - want[..., :3]).max(-1)
    bad = np.mean(diff > tol)
    assert bad <= max_bad, f"{bad:.2%} of pixels differ by more than {tol * 255:.0f}/255"
    assert diff.mean() <= mean, f"mean difference {diff.mean() * 255:.2f}/255"


def quantized(img):
    return np.floor(np.clip(img[..., :3], 0, 1) * 255 + 0.5) / 255


def headless_gui(**kw):
    return ti.GUI("test", res=ref.RES, background_color=ref.BG, show_gui=False, **kw)


def draw_shapes(gui):
    for kind, a in ref.SHAPES:
        if kind == "circle":
            gui.circle(a["pos"], color=a["color"], radius=a["radius"])
        elif kind == "line":
            gui.line(a["begin"], a["end"], radius=a["radius"], color=a["color"])
        else:
            gui.triangle(a["a"], a["b"], a["c"], color=a["color"])


def test_reference_images_are_current():
    for name, draw in ref.REFERENCES.items():
        want = ref.to_png_rows(draw()).astype(int)
        have = np.asarray(Image.open(os.path.join(EXPECTED, name)).convert("RGB"), int)
        assert np.abs(want - have).max() <= 1, f"{name}: run tools/make_gui_references.py"


def test_circles_lines_triangles_match_reference():
    gui = headless_gui()
    draw_shapes(gui)
    assert_close(quantized(gui.get_image()), expected("gui_shapes.png"))


def test_batched_calls_and_palette_match_single_calls():
    a, b = headless_gui(), headless_gui()
    pos = np.array([[0.2, 0.3], [0.6, 0.7], [0.8, 0.2]])
    for p, c, r in zip(pos, (0xFF0000, 0x00FF00, 0x0000FF), (4, 8, 2.5)):
        a.circle(p, color=c, radius=r)
    b.circles(pos, radius=np.array([4, 8, 2.5]), palette=[0xFF0000, 0x00FF00, 0x0000FF],
              palette_indices=np.array([0, 1, 2]))
    np.testing.assert_array_equal(a.get_image(), b.get_image())
    ends = pos[::-1]
    for p, q in zip(pos, ends):
        a.line(p, q, radius=2, color=0xFFFF00)
    b.lines(pos, ends, radius=2, color=np.full(3, 0xFFFF00, np.uint32))
    np.testing.assert_array_equal(a.get_image(), b.get_image())


def test_text_matches_freetype():
    gui = headless_gui()
    t = ref.TEXT
    gui.text(t["content"], t["pos"], font_size=t["font_size"], color=t["color"])
    got, want = quantized(gui.get_image()).mean(-1), expected("gui_text.png").mean(-1)
    bg = ref.hex_rgb(ref.BG).mean()
    ink_got, ink_want = got > bg + 0.3, want > bg + 0.3
    iou = (ink_got & ink_want).sum() / (ink_got | ink_want).sum()
    assert iou > 0.6, f"glyph ink overlaps FreeType's by only {iou:.0%}"
    for axis in (0, 1):   # the ink's extent agrees within 2 pixels
        g, w = np.nonzero(ink_got.any(1 - axis))[0], np.nonzero(ink_want.any(1 - axis))[0]
        assert abs(g[0] - w[0]) <= 2 and abs(g[-1] - w[-1]) <= 2, (axis, g[[0, -1]], w[[0, -1]])


def test_set_image_resamples_gray_rgb_and_u8():
    gui = headless_gui()
    gui.set_image(ref.image_source())
    assert_close(quantized(gui.get_image()), expected("gui_set_image.png"))
    gray = np.linspace(0, 1, ref.RES[0] * ref.RES[1], dtype=np.float32).reshape(ref.RES)
    gui.set_image(gray)
    np.testing.assert_allclose(gui.get_image()[..., 1], gray, atol=1e-6)
    u8 = (np.arange(ref.RES[0] * ref.RES[1] * 3) % 256).astype(np.uint8).reshape(ref.RES + (3,))
    gui.set_image(u8)
    np.testing.assert_allclose(gui.get_image()[..., :3], u8 / 255, atol=1e-6)


def test_set_image_from_fields():
    img = ti.Vector.field(3, ti.f32, shape=ref.RES)
    src = np.random.RandomState(1).rand(*ref.RES, 3).astype(np.float32)
    img.from_numpy(src)
    gui = headless_gui()
    gui.set_image(img)
    np.testing.assert_allclose(gui.get_image()[..., :3], src, atol=1e-6)
    gray = ti.field(ti.f32, shape=ref.RES)
    gray.fill(0.25)
    gui.set_image(gray)
    np.testing.assert_allclose(gui.get_image()[..., :3], 0.25)


def test_show_writes_file_and_clears(tmp_path):
    gui = headless_gui()
    assert gui.headless
    draw_shapes(gui)
    path = str(tmp_path / "frame.png")
    gui.show(path)
    assert gui.frame == 1
    written = np.asarray(Image.open(path).convert("RGB"), np.float64)[::-1].transpose(1, 0, 2)
    assert_close(written / 255, expected("gui_shapes.png"))
    np.testing.assert_allclose(gui.get_image()[..., :3], np.broadcast_to(
        ref.hex_rgb(ref.BG), ref.RES + (3,)), atol=1e-6)


def test_headless_running_ends_after_frame_limit(monkeypatch, tmp_path):
    monkeypatch.setenv("QTAICHI_GUI_FRAMES", "3")
    monkeypatch.setenv("QTAICHI_GUI_OUT", str(tmp_path))
    gui = ti.GUI("limit", res=32, show_gui=False)
    frames = 0
    while gui.running:
        gui.show()
        frames += 1
    assert frames == 3
    assert sorted(os.listdir(tmp_path)) == [f"limit_{k:05d}.png" for k in range(3)]
    gui.running = True
    gui.running = False
    assert not gui.running


def test_headless_frame_limit_sends_escape_and_close(monkeypatch):
    monkeypatch.setenv("QTAICHI_GUI_FRAMES", "2")
    gui = ti.GUI("escape", res=16, show_gui=False)
    frames = 0
    while not gui.get_event(ti.GUI.ESCAPE):   # a loop written for a window's Escape key
        gui.show()
        frames += 1
        assert frames <= 2
    assert frames == 2 and gui.event.key == ti.GUI.ESCAPE


def test_widgets_hold_values_headless():
    gui = headless_gui()
    s = gui.slider("speed", 0, 10, step=0.5)
    assert s.value == 0
    s.value = 3.5
    lab = gui.label("steps")
    lab.value = 12
    assert (s.value, lab.value) == (3.5, 12)
    assert gui.button("reset") == "WidgetButton_reset"
    before = gui.get_image().copy()
    gui.show()
    assert not gui.get_event()   # no input headless
    assert before.shape == gui.get_image().shape


def test_bad_arguments_name_the_problem():
    gui = headless_gui()
    with pytest.raises(ValueError, match="circles: pos"):
        gui.circles(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="palette_indices"):
        gui.circles(np.zeros((2, 2)), palette=[0xFF0000], palette_indices=[0, 1])
    with pytest.raises(ValueError, match="set_image"):
        gui.set_image(np.zeros((4, 4, 5)))
    with pytest.raises(ValueError, match="res"):
        ti.GUI("x", res=(0, 4), show_gui=False)


def render_scene(show_window=False):
    s = ref.SCENE
    window = ti.ui.Window("scene", ref.RES, show_window=show_window)
    canvas = window.get_canvas()
    canvas.set_background_color(s["background"])
    scene = window.get_scene()
    cam = ti.ui.Camera()
    cam.position(*s["camera"]["eye"])
    cam.lookat(*s["camera"]["lookat"])
    cam.up(*s["camera"]["up"])
    cam.fov(s["camera"]["fov"])
    scene.set_camera(cam)
    scene.ambient_light(s["ambient"])
    for p, c in s["lights"]:
        scene.point_light(pos=p, color=c)
    centers = ti.Vector.field(3, ti.f32, shape=len(s["spheres"]))
    colors = ti.Vector.field(3, ti.f32, shape=len(s["spheres"]))
    centers.from_numpy(np.array([c for c, _, _ in s["spheres"]], np.float32))
    colors.from_numpy(np.array([rgb for _, _, rgb in s["spheres"]], np.float32))
    radii = np.array([r for _, r, _ in s["spheres"]], np.float32)
    scene.particles(centers, radius=0.1, per_vertex_color=colors, per_vertex_radius=radii)
    verts = ti.Vector.field(3, ti.f32, shape=4)
    verts.from_numpy(np.array(s["ground"], np.float32))
    idx = ti.field(ti.i32, shape=6)
    idx.from_numpy(np.array([0, 2, 1, 0, 3, 2], np.int32))
    scene.mesh(verts, indices=idx, color=s["ground_color"], two_sided=True)
    canvas.scene(scene)
    return window


def test_ggui_scene_matches_ray_caster():
    window = render_scene()
    assert_close(quantized(window.get_image_buffer_as_numpy()), expected("ggui_scene.png"),
                 max_bad=0.01)


def one_sphere_frame(light, order=(0, 1)):
    """Two spheres, the second in front of the first, drawn in `order`, lit from `light`."""
    window = ti.ui.Window("depth", (64, 64), show_window=False)
    scene = window.get_scene()
    cam = ti.ui.Camera()
    cam.position(0, 0, 4)
    cam.lookat(0, 0, 0)
    scene.set_camera(cam)
    scene.point_light(light, (1, 1, 1))
    spheres = [((0.0, 0.0, 0.0), (1.0, 0.0, 0.0)), ((0.2, 0.0, 1.0), (0.0, 0.0, 1.0))]
    for k in order:
        c, rgb = spheres[k]
        scene.particles(np.array([c], np.float32), radius=0.5, color=rgb)
    window.get_canvas().scene(scene)
    return window.get_image_buffer_as_numpy()


def test_ggui_depth_test_and_light_direction():
    a = one_sphere_frame((3, 0, 3), order=(0, 1))
    b = one_sphere_frame((3, 0, 3), order=(1, 0))
    np.testing.assert_array_equal(a, b)               # nearer wins, whatever the order
    assert a[36, 32, 2] > a[36, 32, 0] + 0.2          # the front (blue) sphere covers the centre
    right, left = one_sphere_frame((5, 0, 1)), one_sphere_frame((-5, 0, 1))
    blue_r, blue_l = right[..., 2], left[..., 2]
    assert blue_r[40:, :].sum() > 2 * blue_r[:32, :].sum()   # lit side faces the light
    assert blue_l[:32, :].sum() > 2 * blue_l[40:, :].sum()


def test_ggui_canvas_2d_and_panels(tmp_path):
    window = ti.ui.Window("canvas", (128, 96), show_window=False)
    canvas = window.get_canvas()
    canvas.set_background_color((1.0, 1.0, 1.0))
    canvas.circles(np.array([[0.5, 0.5]], np.float32), radius=0.1, color=(1.0, 0.0, 0.0))
    img = window.get_image_buffer_as_numpy()
    np.testing.assert_allclose(img[64, 48, :3], (1, 0, 0))
    # radius is relative to the height: 0.1 * 96 = 9.6 pixels
    assert img[64 + 8, 48, 1] < 0.05 and img[64 + 11, 48, 1] > 0.95
    gui = window.get_gui()
    with gui.sub_window("controls", 0.05, 0.05, 0.5, 0.4) as g:
        g.text("hello")
        assert g.slider_float("x", 0.25, 0.0, 1.0) == 0.25
        assert g.slider_int("n", 3, 0, 10) == 3
        assert g.checkbox("on", True) is True
        assert g.button("go") is False
        assert g.color_edit_3("c", (0.1, 0.2, 0.3)) == (0.1, 0.2, 0.3)
    path = str(tmp_path / "out.png")
    window.show()
    window.save_image(path)
    assert Image.open(path).size == (128, 96)


def test_ggui_background_goes_under_what_was_drawn():
    # Taichi's order-independence: set_background_color after a draw does not erase it.
    window = ti.ui.Window("bg", (64, 64), show_window=False)
    canvas = window.get_canvas()
    canvas.circles(np.array([[0.5, 0.5]], np.float32), radius=0.2, color=(1.0, 0.0, 0.0))
    canvas.set_background_color((0.0, 0.0, 1.0))
    img = window.get_image_buffer_as_numpy()
    np.testing.assert_allclose(img[32, 32, :3], (1, 0, 0))
    np.testing.assert_allclose(img[2, 2, :3], (0, 0, 1))
    window.show()
    np.testing.assert_allclose(window.get_image_buffer_as_numpy()[32, 32, :3], (0, 0, 1))


def test_ggui_headless_loop_ends(monkeypatch):
    monkeypatch.setenv("QTAICHI_GUI_FRAMES", "2")
    window = ti.ui.Window("loop", (32, 32), show_window=False)
    n = 0
    while window.running:
        window.show()
        n += 1
    assert n == 2
    assert not window.is_pressed("a", ti.ui.SHIFT)
    # At the limit a headless window also "presses" Escape, for loops that wait for it.
    assert window.get_event(ti.ui.PRESS) and window.event.key == ti.ui.ESCAPE


WINDOW_SCRIPT = textwrap.dedent("""
    import json, sys
    import numpy as np
    import qtaichi as ti
    gui = ti.GUI("window test", res=(120, 90), background_color=0x203040)
    assert not gui.headless, "a window should open under Xvfb"
    gui.circle((0.5, 0.5), color=0xFF8000, radius=20)
    gui.text("hi", (0.1, 0.9), font_size=14)
    want = np.floor(np.clip(gui.get_image(), 0, 1) * 255 + 0.5).astype(int)
    gui._display.present(gui._image, capture=True)
    got = gui._display.captured().astype(int)
    w = ti.ui.Window("ggui window", (100, 80))
    assert not w.headless
    w.get_canvas().set_background_color((0.2, 0.9, 0.1))
    w._display.present(w._frame(panels=False), capture=True)
    ggui = w._display.captured()
    print(json.dumps(dict(shape=list(got.shape), diff=int(np.abs(got - want).max()),
                          ggui=ggui[50, 40, :3].tolist())))
""")


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run missing (make deps)")
def test_real_window_under_xvfb():
    env = dict(os.environ)
    env.pop("TI_GUI_SHOW", None)
    proc = subprocess.run(["xvfb-run", "-a", sys.executable, "-c", WINDOW_SCRIPT],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    import json
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["shape"] == [120, 90, 4]
    assert out["diff"] == 0          # the window shows exactly the frame
    assert out["ggui"] == [51, 230, 26]


def test_camera_track_user_inputs_moves_and_turns():
    window = ti.ui.Window("cam", (32, 32), show_window=False)
    cam = ti.ui.Camera()
    cam.position(0, 0, 0)
    cam.lookat(0, 0, -1)
    window._pressed.add("w")                       # as if W were held
    cam.track_user_inputs(window, movement_speed=1.0)
    np.testing.assert_allclose(cam.curr_position, [0, 0, -0.03], atol=1e-12)
    np.testing.assert_allclose(cam.curr_lookat - cam.curr_position, [0, 0, -1], atol=1e-12)
    window._pressed.clear()
    front = cam.curr_lookat - cam.curr_position
    turned = ti.ui.Camera._turn(front, np.array([0.0, 1.0, 0.0]), np.pi / 2, 0.0)
    np.testing.assert_allclose(turned, [-1, 0, 0], atol=1e-12)   # a quarter turn left


def test_orthographic_sphere_has_its_true_size():
    window = ti.ui.Window("ortho", (64, 64), show_window=False)
    scene = window.get_scene()
    cam = ti.ui.Camera()
    cam.position(0, 0, 5)
    cam.lookat(0, 0, 0)
    cam.projection_mode(ti.ui.PROJECTION_ORTHOGONAL)
    cam.top(1.0)                                   # 2 world units over 64 pixels
    scene.set_camera(cam)
    scene.ambient_light((1, 1, 1))
    scene.particles(np.zeros((1, 3), np.float32), radius=0.5, color=(1, 1, 1))
    window.get_canvas().scene(scene)
    covered = window.get_image_buffer_as_numpy()[..., 0] > 0.5
    # a disc of radius 0.5 units = 16 pixels: pi * 16^2 pixels, give or take the rim
    assert abs(covered.sum() - np.pi * 16 ** 2) < 2 * np.pi * 16


def test_scene_arguments_are_checked_before_the_renderer_reads_them():
    window = ti.ui.Window("bad", (16, 16), show_window=False)
    scene = window.get_scene()
    cam = ti.ui.Camera()
    cam.position(0, 0, 3)
    scene.set_camera(cam)
    with pytest.raises(ValueError, match="2 radii for 4 particles"):
        scene.particles(np.zeros((4, 3)), 0.1, per_vertex_radius=np.ones(2))
    with pytest.raises(ValueError, match="2 normals for 3 vertices"):
        scene.mesh(np.zeros((3, 3)), normals=np.zeros((2, 3)))
    with pytest.raises(ValueError, match="expected 4 RGB colours"):
        scene.particles(np.zeros((4, 3)), 0.1, per_vertex_color=np.ones((2, 3)))
    scene.mesh(np.zeros((3, 3)), indices=np.array([0, 1, 7]))
    with pytest.raises(ValueError, match="index 7 is outside the 3 vertices"):
        window.get_canvas().scene(scene)
    window.get_canvas().scene(scene)   # the bad mesh went with its frame
