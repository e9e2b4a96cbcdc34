"""Choosing the arch: ti.init(arch=...) runs where it can, falls back to the CPU with one
warning line naming the reason (as Taichi does), and ti.cfg tells the arch in use."""
import os
import subprocess
import sys

import archs
import qtaichi as ti

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def init_in_child(arch_expr):
    """(stdout, stderr) of a fresh process that calls ti.init(arch=<arch_expr>) and prints the
    arch in use, both ways Taichi programs read it."""
    code = (f"import qtaichi as ti\nti.init(arch={arch_expr})\n"
            "print(ti.cfg.arch, ti.lang.impl.current_cfg().arch)\n")
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                       check=True)
    return p.stdout.strip(), p.stderr.strip()


def test_the_cpu_is_always_available():
    assert ti.cpu in ti.lang.runtime.available_archs()
    assert ti.is_arch_supported(ti.cpu)
    assert not ti.is_arch_supported(ti.metal)  # Taichi's name, never available here


def test_an_unavailable_arch_falls_back_to_the_cpu_with_one_warning_line():
    if ti.is_arch_supported(ti.cuda):
        return  # nothing to fall back from here
    out, err = init_in_child("ti.cuda")
    assert out == "Arch.cpu Arch.cpu"
    assert len(err.splitlines()) == 1, err
    assert err.startswith("[qtaichi] warning: cuda: ") and err.endswith("falling back to the CPU")


def test_gpu_picks_cuda_then_a_hardware_vulkan_device_then_the_cpu():
    out, err = init_in_child("ti.gpu")
    hardware_vulkan = ti.is_arch_supported(ti.vulkan) and not ti._core.vulkan_software()
    want = ti.cuda if ti.is_arch_supported(ti.cuda) else ti.vulkan if hardware_vulkan else ti.cpu
    assert out == f"{want} {want}"
    assert (err == "") == (want != ti.cpu)


def test_a_list_takes_its_first_available_arch_without_warning():
    out, err = init_in_child("[ti.metal, ti.cpu]")
    assert out == "Arch.cpu Arch.cpu" and err == ""


def test_cfg_follows_the_current_program():
    arch = archs.current()
    assert ti.cfg.arch == arch
    assert ti.lang.impl.current_cfg().arch == arch
