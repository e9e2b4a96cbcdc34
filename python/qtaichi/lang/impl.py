"""Taichi's `ti.lang.impl` entry points that programs use directly."""
from qtaichi.lang.runtime import current_cfg, get_program  # noqa: F401
