"""`ti._lib.core`: the queries Taichi's own examples make of Taichi's native core
(`ti._lib.core.with_vulkan()` picks their arch), answered from qtaichi's runtime."""
from qtaichi._lib import core  # noqa: F401
