import numpy as np
import pytest

import archs
import qtaichi as ti


def test_type_aliases():
    assert ti.int32 is ti.i32 and ti.float32 is ti.f32 and ti.uint8 is ti.u8
    assert ti.f64 == ti.float64 and ti.i32 != ti.i64
    assert str(ti.i16) == "i16" and repr(ti.u64) == "ti.u64"
    assert ti.x64 == ti.cpu


def test_unknown_taichi_options_are_ignored():
    archs.init(random_seed=3, log_level="warn", offline_cache=False,
            kernel_profiler=True, device_memory_GB=1)
    x = ti.field(ti.i32, shape=2)
    x[1] = 5
    assert x[1] == 5


def test_init_twice_resets_and_old_fields_are_unusable():
    x = ti.field(ti.i32, shape=4)
    x[0] = 1
    archs.init()
    with pytest.raises(ti.TaichiError, match="ti.reset"):
        x[0]
    y = ti.field(ti.i32, shape=4)
    assert y[0] == 0


def test_auto_init_on_first_use():
    ti.reset()
    x = ti.field(ti.f32, shape=3)

    @ti.kernel
    def k():
        x[2] = 2.5

    k()
    assert x[2] == 2.5


def test_kernel_recompiles_after_reset():
    @ti.kernel
    def k(a: ti.i32) -> ti.i32:
        return a * 2

    assert k(4) == 8
    ti.reset()
    archs.init()
    assert k(5) == 10


def test_default_types():
    archs.init(default_ip=ti.i64, default_fp=ti.f64)
    x = ti.field(float, shape=())
    n = ti.field(int, shape=())
    assert x.dtype == ti.f64 and n.dtype == ti.i64

    @ti.kernel
    def k(a: int) -> float:
        n[None] = a * 1000000000
        x[None] = 0.1
        return 0.1 + a

    assert k(3) == 3.1
    assert n[None] == 3000000000
    assert x[None] == 0.1


def test_sync_and_print_ir_flag(capfd):
    archs.init(print_ir=True)
    x = ti.field(ti.i32, shape=4)

    @ti.kernel
    def k():
        for i in x:
            x[i] = i

    k()
    ti.sync()
    out = capfd.readouterr().out
    # The IR after every pass, in pipeline order, ending with the final IR and its target.
    names = [line.split(" after ")[1].rstrip(":") for line in out.splitlines()
             if line.startswith("[k] after ")]
    assert names[:5] == ["lower_calls", "type_check", "simplify", "bit_vectorize", "offload"]
    assert "lower_access" in names and "lower_arith" in names
    final = out[out.index("[k] final:"):]
    arch = str(ti.cfg.arch).split(".")[-1]
    assert final.splitlines()[1].startswith(f"target {arch}: ")
    assert "task $" in final and "range_for [0, 4)" in final
    np.testing.assert_array_equal(x.to_numpy(), [0, 1, 2, 3])


def test_offline_cache_hit_in_a_new_program(tmp_path):
    # Named field: an unnamed one prints as f<global SNode id>, which differs between programs
    # of one process and so misses the cache (reported to the core).
    archs.init(offline_cache=True, offline_cache_file_path=str(tmp_path))
    x = ti.field(ti.i32, shape=8, name="x")

    @ti.kernel
    def k(a: ti.i32):
        for i in x:
            x[i] = i * a

    k(3)
    assert not k._last_compiled.cache_hit
    archs.init(offline_cache=True, offline_cache_file_path=str(tmp_path))
    x = ti.field(ti.i32, shape=8, name="x")
    k(5)
    assert k._last_compiled.cache_hit
    np.testing.assert_array_equal(x.to_numpy(), np.arange(8) * 5)
