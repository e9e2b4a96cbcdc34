"""The current program: `ti.init`, `ti.reset`, and auto-initialization on first use."""
import os
import sys

from qtaichi import _core
from qtaichi.lang import types
from qtaichi.lang.errors import TaichiError

# Log levels for ti.init(log_level=...): DEBUG (or TRACE) prints one line per compiled kernel.
TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL = "trace", "debug", "info", "warn", "error", "critical"

cpu = _core.Arch.cpu
x64 = cpu
arm64 = cpu  # any CPU is "the CPU backend" here
cuda = _core.Arch.cuda
vulkan = _core.Arch.vulkan
# Taichi's other archs: never available here, so ti.init falls back to the CPU for them.
metal, opengl, gles, dx11, dx12 = "metal", "opengl", "gles", "dx11", "dx12"
gpu = "gpu"  # CUDA, else a hardware Vulkan device, else the CPU


def arch_name(arch):
    return arch if isinstance(arch, str) else str(arch).split(".")[-1]


def is_arch_supported(arch):
    """Whether this machine can run kernels on `arch`."""
    if isinstance(arch, str):
        return False
    return _core.arch_available(arch)[0]


def available_archs():
    """The archs this machine can run kernels on (the CPU always)."""
    return [a for a in (cpu, cuda, vulkan) if is_arch_supported(a)]


def _choose_arch(arch):
    """The arch ti.init(arch=...) runs on: as asked when available; ti.gpu is cuda, else
    vulkan on a GPU (not a CPU implementation such as lavapipe, which the CPU backend
    outruns); a list picks its first available arch. Otherwise the CPU, with a one-line
    warning (as Taichi does), so a program written for a GPU still runs."""
    if arch is None:
        env = os.environ.get("TI_ARCH") or os.environ.get("QTAICHI_ARCH")
        arch = {"cpu": cpu, "x64": cpu, "cuda": cuda, "vulkan": vulkan, "gpu": gpu}.get(
            env, env) if env else cpu
    wanted = [cuda, vulkan] if arch == gpu else list(arch) if isinstance(arch, (list, tuple)) \
        else [arch]
    for a in wanted:
        if a == cpu or is_arch_supported(a):
            if arch == gpu and a == vulkan and _core.vulkan_software():
                continue
            return a
    reasons = []
    for a in wanted:
        why = "not supported by qtaichi" if isinstance(a, str) else \
            _core.arch_available(a)[1] or "a CPU implementation"
        reasons.append(f"{arch_name(a)}: {why}")
    sys.stderr.write(f"[qtaichi] warning: {' / '.join(reasons)}; falling back to the CPU\n")
    return cpu


class ProgramState:
    """One `_core.Program` plus what Python needs to know about it. Fields and compiled kernels
    remember the state they belong to, so using them after `ti.reset()` is a clear error rather
    than a dangling pointer."""

    def __init__(self, config, short_circuit_operators=False):
        self.config = config
        self.core = _core.Program(config)
        self.alive = True
        # Taichi's ti.init(short_circuit_operators=True): `and`/`or` skip their right side.
        self.short_circuit_operators = short_circuit_operators

    def check_alive(self, what):
        if not self.alive:
            raise TaichiError(f"{what} belongs to a program that ti.reset() (or a new ti.init()) "
                              "destroyed; create it again after ti.init()")


_current = None


def init(arch=None, debug=False, print_ir=False, default_ip=types.i32, default_fp=types.f32,
         num_threads=0, random_seed=0, offline_cache=True, offline_cache_file_path=None,
         log_level=None, opt_level=3, quant_opt_store_fusion=True,
         quant_opt_atomic_demotion=True, check_quant_overflow=False,
         short_circuit_operators=False, real_func_stack_bytes=4096, **_ignored_taichi_options):
    """Starts a fresh program (resetting any previous one). Unknown Taichi options are accepted
    and ignored, so existing programs run unchanged."""
    global _current
    reset()
    arch = _choose_arch(arch)
    default_ip = types.resolve_dtype(default_ip, types.i32, types.f32)
    default_fp = types.resolve_dtype(default_fp, types.i32, types.f32)
    if default_ip is None or not default_ip.is_int():
        raise TaichiError(f"default_ip must be an integer type, got {default_ip!r}")
    if default_fp is None or not default_fp.is_float():
        raise TaichiError(f"default_fp must be a float type, got {default_fp!r}")
    cfg = _core.CompileConfig()
    cfg.arch = arch
    cfg.debug = bool(debug)
    cfg.print_ir = bool(print_ir) or os.environ.get("QTAICHI_PRINT_IR") == "1"
    cfg.num_threads = int(num_threads or 0)
    cfg.opt_level = int(opt_level)
    cfg.random_seed = int(random_seed) & ((1 << 64) - 1)
    cfg.offline_cache = bool(offline_cache)
    cache_dir = offline_cache_file_path or os.environ.get("QTAICHI_CACHE_DIR")
    if cache_dir:
        cfg.cache_dir = str(cache_dir)
    cfg.log_compile = str(log_level).lower() in ("debug", "trace") or \
        os.environ.get("QTAICHI_LOG") == "debug"
    cfg.default_ip = default_ip
    cfg.default_fp = default_fp
    # QUANT_SPEC.md: store fusion, atomic demotion, and overflow reports for every kernel.
    cfg.quant_opt_store_fusion = bool(quant_opt_store_fusion)
    cfg.quant_opt_atomic_demotion = bool(quant_opt_atomic_demotion)
    cfg.check_quant_overflow = bool(check_quant_overflow)
    # The call stack of each recursive ti.real_func call (per thread; words of 4 bytes).
    if int(real_func_stack_bytes) < 64:
        raise TaichiError(f"real_func_stack_bytes must be at least 64, got {real_func_stack_bytes}")
    cfg.real_func_stack_bytes = int(real_func_stack_bytes)
    _current = ProgramState(cfg, bool(short_circuit_operators))


def reset():
    """Destroys the current program: its fields and compiled kernels become unusable."""
    global _current
    if _current is not None:
        _current.alive = False
        _current.core = None
        _current = None


def get_program():
    """The current program, initializing one with the defaults when needed."""
    if _current is None:
        init()
    return _current


def current_cfg():
    """The current program's configuration (`ti.cfg`): `.arch` is the arch in use."""
    return get_program().core.config


def sync():
    """Waits for launched kernels (CPU launches are synchronous; GPU ones may not be)."""
    if _current is not None:
        _current.core.synchronize()
