"""Ahead-of-time modules: exported with ti.aot.Module, loaded and run through the app runtime's
C API (libqtaichi_runtime.so via ctypes, as an app would), compared bit for bit with the same
kernels run by the JIT; and every kind of bad module or bad call gets its status and a message
naming the problem."""
import json
import os
import shutil

import numpy as np
import pytest

import qtaichi as ti
import archs
from qti_capi import (ARG_F32, ARG_I32, ARG_NDARRAY, CORRUPTED_MODULE, INCOMPATIBLE_MODULE,
                      INVALID_ARGUMENT, KERNEL_FAILED, NOT_FOUND, ROOT, Api, CApiError)

N = 64
ROOT_BYTES = ROOT.encode()


def exportable():
    """The arch under test, as the C API names it."""
    return str(archs.current()).split(".")[-1]


@pytest.fixture
def api():
    return Api()


def build_program():
    """Fields (a quantized one among them) and kernels of a small particle step."""
    qfx = ti.types.quant.fixed(bits=16, max_value=4.0)
    x = ti.Vector.field(2, ti.f32, shape=N)
    q = ti.field(qfx)
    bp = ti.BitpackedFields(max_num_bits=32)
    bp.place(q)
    ti.root.dense(ti.i, N).place(bp)
    count = ti.field(ti.i32, shape=())

    @ti.kernel
    def step(dt: ti.f32, vel: ti.types.ndarray(dtype=ti.math.vec2, ndim=1)):
        for i in x:
            x[i] += vel[i] * dt
            q[i] = ti.sin(x[i][0]) + 1.5
            ti.atomic_add(count[None], 1)

    @ti.kernel
    def energy() -> ti.f32:
        e = 0.0
        # serial: a parallel float sum's order (and last bits) varies from run to run, and the
        # module is compared with the JIT bit for bit
        ti.loop_config(serialize=True)
        for i in q:
            e += q[i] * q[i]
        return e

    return x, q, count, step, energy


def jit_reference(vel, steps):
    x, q, count, step, energy = build_program()
    for k in range(steps):
        step(0.01 * (k + 1), vel)
    return x.to_numpy(), q.to_numpy(), count[None], energy()


def export(tmp_path):
    x, q, count, step, energy = build_program()
    m = ti.aot.Module(archs.current())
    m.add_field("x", x)
    m.add_field("q", q)
    m.add_field("count", count)
    m.add_kernel(step)
    m.add_kernel(energy)
    folder = tmp_path / "module"
    m.save(folder)
    m.archive(tmp_path / "module.zip")
    return folder


def run_module(api, rt, module, vel, steps):
    step, energy = api.kernel(module, "step"), api.kernel(module, "energy")
    v = api.ndarray(rt, vel, elem_ndim=1)
    for k in range(steps):
        api.launch(step, (ARG_F32, 0.01 * (k + 1)), (ARG_NDARRAY, v))
    e = api.launch(energy, want_result=True)
    api.lib.qti_free_ndarray(v)
    return (api.read_field(module, "x", (N, 2), np.float32),
            api.read_field(module, "q", (N,), np.float32),
            int(api.read_field(module, "count", (), np.int32)), e)


def test_a_module_runs_through_the_c_api_bit_for_bit_like_the_jit(api, tmp_path):
    arch = exportable()
    vel = np.random.default_rng(3).uniform(-1, 1, (N, 2)).astype(np.float32)
    folder = export(tmp_path)
    want = jit_reference(vel, 5)
    with api.opened_runtime(arch) as rt:
        for module in (api.load(rt, folder), api.load(rt, tmp_path / "module.zip"),
                       api.load_memory(rt, (tmp_path / "module.zip").read_bytes())):
            got = run_module(api, rt, module, vel, 5)
            np.testing.assert_array_equal(got[0], want[0])
            np.testing.assert_array_equal(got[1], want[1])  # quantized: decoded identically
            assert got[2] == want[2] == 5 * N
            assert np.float32(got[3]) == np.float32(want[3])
            api.lib.qti_destroy_module(module)


def test_fields_written_through_the_c_api_are_encoded_as_kernels_encode(api, tmp_path):
    arch = exportable()
    folder = export(tmp_path)
    values = np.linspace(-3.9, 3.9, N).astype(np.float32)
    x, q, count, step, energy = build_program()
    q.from_numpy(values)
    want_q, want_e = q.to_numpy(), energy()
    with api.opened_runtime(arch) as rt:
        module = api.load(rt, folder)
        api.write_field(module, "q", values)
        np.testing.assert_array_equal(api.read_field(module, "q", (N,), np.float32), want_q)
        assert np.float32(api.launch(api.kernel(module, "energy"), want_result=True)) == \
            np.float32(want_e)
        with pytest.raises(CApiError) as e:
            api.read_field(module, "q", (N + 1,), np.float32)
        assert e.value.status == INVALID_ARGUMENT and "'q'" in e.value.message


def expect(api, status, fragment, fn, *args):
    with pytest.raises(CApiError) as e:
        fn(*args)
    assert e.value.status == status, e.value.message
    assert fragment in e.value.message, e.value.message


def test_bad_modules_get_their_status_and_a_message(api, tmp_path):
    arch = exportable()
    folder = export(tmp_path)
    with api.opened_runtime(arch) as rt:
        expect(api, NOT_FOUND, "no such", api.load, rt, tmp_path / "nothing-here")
        # an artifact changed by one byte
        bad = tmp_path / "bad1"
        shutil.copytree(folder, bad)
        spv = bad / {"vulkan": "step_t0.spv", "cpu": "module.so", "cuda": "step.ptx"}[arch]
        data = bytearray(spv.read_bytes())
        data[100] ^= 1
        spv.write_bytes(bytes(data))
        expect(api, CORRUPTED_MODULE, f"'{spv.name}': checksum mismatch", api.load, rt, bad)
        # an artifact cut short, one missing
        spv.write_bytes(bytes(data[:64]))
        expect(api, CORRUPTED_MODULE, f"'{spv.name}': 64 bytes", api.load, rt, bad)
        spv.unlink()
        expect(api, CORRUPTED_MODULE, f"'{spv.name}': missing", api.load, rt, bad)
        # the manifest: another format, unreadable, another arch, a capability the device lacks
        manifest = json.loads((folder / "manifest.json").read_text())
        other = "cpu" if arch == "cuda" else "cuda"
        for change, status, fragment in (
                (lambda m: m.update(format=2), INCOMPATIBLE_MODULE,
                 "manifest format 2, this runtime reads 1"),
                (lambda m: m.update(arch=other), INCOMPATIBLE_MODULE,
                 f"is for {other}, this runtime runs {arch}"),
                (lambda m: m["required"].update(atomic_minmax_f64=True), INCOMPATIBLE_MODULE,
                 "f64 atomic min/max"),
                (lambda m: m["kernels"][0]["desc"].update(num_arg_slots=99), CORRUPTED_MODULE,
                 "num_arg_slots"),
                (lambda m: m["artifacts"][0].update(file="../escape.spv"), CORRUPTED_MODULE,
                 "not a plain file name"),
                (lambda m: m.pop("kernels"), CORRUPTED_MODULE, "'kernels' is missing")):
            edited = tmp_path / f"edit{abs(hash(fragment))}"
            shutil.copytree(folder, edited)
            m = json.loads(json.dumps(manifest))
            change(m)
            (edited / "manifest.json").write_text(json.dumps(m))
            expect(api, status, fragment, api.load, rt, edited)
        if arch == "cpu":  # code for another instruction set
            other = tmp_path / "other_cpu"
            shutil.copytree(folder, other)
            m = json.loads(json.dumps(manifest))
            m["cpu_target"] = "llvm-19;aarch64-unknown-linux-gnu;generic;+neon;O3;pic"
            (other / "manifest.json").write_text(json.dumps(m))
            expect(api, INCOMPATIBLE_MODULE, "the aarch64 instruction set", api.load, rt, other)
        (tmp_path / "garbage").mkdir()
        (tmp_path / "garbage" / "manifest.json").write_text("{not json")
        expect(api, CORRUPTED_MODULE, "not a JSON object", api.load, rt, tmp_path / "garbage")
        # archives: cut short, or not an archive at all
        zipped = (tmp_path / "module.zip").read_bytes()
        expect(api, CORRUPTED_MODULE, "", api.load_memory, rt, zipped[: len(zipped) // 2])
        expect(api, CORRUPTED_MODULE, "not a zip or tar archive", api.load_memory, rt,
               b"hello, world" * 10)
        if arch == "vulkan":
            cpu = api.runtime("cpu")
            expect(api, INCOMPATIBLE_MODULE, "is for vulkan, this runtime runs cpu", api.load,
                   cpu, folder)
            api.lib.qti_destroy_runtime(cpu)


def test_every_wrong_launch_argument_is_named(api, tmp_path):
    arch = exportable()
    folder = export(tmp_path)
    with api.opened_runtime(arch) as rt:
        module = api.load(rt, folder)
        step = api.kernel(module, "step")
        good = api.ndarray(rt, np.zeros((N, 2), np.float32), elem_ndim=1)
        wrong_dtype = api.ndarray(rt, np.zeros((N, 2), np.float64), elem_ndim=1)
        wrong_ndim = api.ndarray(rt, np.zeros((4, N, 2), np.float32), elem_ndim=1)
        wrong_elem = api.ndarray(rt, np.zeros((N, 3), np.float32), elem_ndim=1)
        expect(api, INVALID_ARGUMENT, "kernel 'step' takes 2 arguments, got 1", api.launch,
               step, (ARG_F32, 0.1))
        expect(api, INVALID_ARGUMENT, "argument 0 'dt': expected f32, got i32", api.launch,
               step, (ARG_I32, 1), (ARG_NDARRAY, good))
        expect(api, INVALID_ARGUMENT, "argument 1 'vel': expected ndarray, got f32", api.launch,
               step, (ARG_F32, 0.1), (ARG_F32, 0.2))
        for arr, fragment in ((wrong_dtype, "got f64"), (wrong_ndim, "got f32 with 2 axes"),
                              (wrong_elem, "elements of shape (3,)"), (None, "not a live ndarray")):
            expect(api, INVALID_ARGUMENT, "argument 1 'vel'", api.launch, step, (ARG_F32, 0.1),
                   (ARG_NDARRAY, arr))
            expect(api, INVALID_ARGUMENT, fragment, api.launch, step, (ARG_F32, 0.1),
                   (ARG_NDARRAY, arr))
        expect(api, NOT_FOUND, "no kernel 'nope'", api.kernel, module, "nope")
        expect(api, NOT_FOUND, "no field 'nope'", api.read_field, module, "nope", (1,), np.float32)
        api.launch(step, (ARG_F32, 0.1), (ARG_NDARRAY, good))  # still works after all that


def test_null_and_stale_handles_are_invalid_arguments_not_crashes(api):
    lib = api.lib
    import ctypes
    out = ctypes.c_void_p()
    assert lib.qti_create_runtime(1, None) == INVALID_ARGUMENT
    assert lib.qti_create_runtime(99, ctypes.byref(out)) == INVALID_ARGUMENT
    assert b"99" in lib.qti_last_error()
    assert lib.qti_wait(None) == INVALID_ARGUMENT
    assert lib.qti_load_module(None, b"x", ctypes.byref(out)) == INVALID_ARGUMENT
    assert lib.qti_load_module_from_memory(None, b"x", 1, ctypes.byref(out)) == INVALID_ARGUMENT
    assert lib.qti_get_kernel(None, b"x", ctypes.byref(out)) == INVALID_ARGUMENT
    assert lib.qti_launch_kernel(None, 0, None, None) == INVALID_ARGUMENT
    assert lib.qti_field_info(None, b"x", None, None, None, None) == INVALID_ARGUMENT
    assert lib.qti_read_field(None, b"x", None, 0) == INVALID_ARGUMENT
    assert lib.qti_write_field(None, b"x", None, 0) == INVALID_ARGUMENT
    assert lib.qti_allocate_ndarray(None, 0, 1, None, 0, None, ctypes.byref(out)) == \
        INVALID_ARGUMENT
    assert lib.qti_ndarray_write(None, None, 0) == INVALID_ARGUMENT
    assert lib.qti_ndarray_read(None, None, 0) == INVALID_ARGUMENT
    lib.qti_destroy_runtime(None)
    lib.qti_destroy_module(None)
    lib.qti_free_ndarray(None)
    rt = api.runtime("cpu")
    stale = ctypes.c_void_p(rt.value)
    lib.qti_destroy_runtime(rt)
    assert lib.qti_wait(stale) == INVALID_ARGUMENT
    assert b"not a live handle" in lib.qti_last_error()
    assert lib.qti_load_module(ctypes.c_void_p(12345), b"x", ctypes.byref(out)) == \
        INVALID_ARGUMENT
    assert lib.qti_version().startswith(b"0.2.0 (format 1)")


@archs.cpu_only("replays the fuzzer's seed corpus through the C API once")
def test_the_fuzz_corpus_replays_with_a_status_for_every_input(api):
    """tests/fuzz/corpus (seeds of `make fuzz-module`, and anything it found): each input loads
    or fails with a status and a message; none crashes."""
    corpus = os.path.join(os.path.dirname(__file__), "..", "fuzz", "corpus")
    seen = set()
    with api.opened_runtime("cpu") as rt:
        for name in sorted(os.listdir(corpus)):
            data = open(os.path.join(corpus, name), "rb").read()
            try:
                module = api.load_memory(rt, data)
                api.lib.qti_destroy_module(module)
                seen.add("ok")
            except CApiError as e:
                assert e.status in (CORRUPTED_MODULE, INCOMPATIBLE_MODULE), (name, e.message)
                assert e.message, name
                seen.add(e.status)
    assert {"ok", CORRUPTED_MODULE, INCOMPATIBLE_MODULE} <= seen


def test_a_module_names_no_folder_of_the_exporting_machine(api, tmp_path):
    """Debug kernels carry assertion locations: the module keeps file names, not paths, and a
    failed check comes back from the C API as KERNEL_FAILED with the message."""
    arch = exportable()
    archs.init(debug=True)
    x = ti.field(ti.i32, shape=4)

    @ti.kernel
    def poke(i: ti.i32):
        x[i] = 1

    m = ti.aot.Module(archs.current())
    m.add_kernel(poke)
    m.save(tmp_path / "m")
    text = (tmp_path / "m" / "manifest.json").read_text()
    assert "test_aot.py" in text and os.path.dirname(__file__) not in text
    for f in (tmp_path / "m").iterdir():
        assert str(tmp_path).encode() not in f.read_bytes() and ROOT_BYTES not in f.read_bytes()
    with api.opened_runtime(arch) as rt:
        k = api.kernel(api.load(rt, tmp_path / "m"), "poke")
        api.launch(k, (ARG_I32, 3))
        expect(api, KERNEL_FAILED, "kernel 'poke'", api.launch, k, (ARG_I32, 7))
