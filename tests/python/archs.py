"""The archs the Python suite runs on, chosen in one place.

QTAICHI_TEST_ARCHS=cpu,vulkan picks them (an arch this machine cannot run is an error, not a
silent skip); by default every available arch runs. conftest.py runs every test once per arch
with a fresh program; a test that needs other ti.init options calls `init(...)` here, which
keeps the arch under test. A CPU-only test says why with `cpu_only("reason")`."""
import os

import pytest

import qtaichi as ti

_current = None


def selected():
    names = os.environ.get("QTAICHI_TEST_ARCHS", "")
    available = {str(a).split(".")[-1]: a for a in ti.lang.runtime.available_archs()}
    if not names.strip():
        return list(available.values())
    out = []
    for n in (x.strip() for x in names.split(",") if x.strip()):
        if n not in available:
            raise RuntimeError(f"QTAICHI_TEST_ARCHS asks for '{n}', which this machine cannot "
                               f"run (available: {', '.join(available)})")
        out.append(available[n])
    return out


def current():
    return _current


def use(arch):
    global _current
    _current = arch
    ti.init(arch=arch)


def init(**kwargs):
    """ti.init on the arch under test, with other options."""
    ti.init(arch=_current, **kwargs)


def cpu_only(reason):
    """Marks a test that runs only on the CPU, with the reason shown when it is skipped."""
    return pytest.mark.cpu_only(reason=reason)
