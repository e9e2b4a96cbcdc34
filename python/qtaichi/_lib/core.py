"""Which backends this build can run (Taichi's `_lib.core.with_*`)."""

GGUI_AVAILABLE = True  # ti.ui draws with qtaichi's own renderer: always there (headless too)


def _supported(name):
    import qtaichi as ti
    return ti.is_arch_supported(getattr(ti, name))


def with_vulkan():
    return _supported("vulkan")


def with_cuda():
    return _supported("cuda")


def with_metal():
    return False


def with_opengl():
    return False


def with_gles():
    return False


def with_dx11():
    return False
