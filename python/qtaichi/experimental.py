"""`ti.experimental`: where older Taichi releases kept `real_func`."""
from qtaichi.lang.func import real_func  # noqa: F401
