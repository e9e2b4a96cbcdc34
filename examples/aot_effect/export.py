"""Exports the quantized 2D snow effect (examples/mpm88_quant.py's layouts: 20 bytes per
particle instead of 36) as an ahead-of-time module for the app runtime. The app
(effect.cpp) loads it with libqtaichi_runtime.so alone: no Python, no LLVM.

Kernels in the module: init(pos: ndarray f32 (n, 2)), substep(), bytes_per_particle() -> i32;
field x (n x vec2, quantized: read through its accessor kernel, decoded as kernels decode it).

    .venv/bin/python examples/aot_effect/export.py --arch vulkan --out out/snow_vulkan.zip
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import qtaichi as ti  # noqa: E402
from mpm88_quant import MPM88Quant  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--arch", choices=["cpu", "vulkan"], default="vulkan")
    ap.add_argument("--particles", type=int, default=8192)
    ap.add_argument("--grid", type=int, default=128)
    ap.add_argument("--out", default="out/snow.zip",
                    help="a .zip (one file) or a folder")
    args = ap.parse_args()
    ti.init(arch=getattr(ti, args.arch), offline_cache=False)
    if ti.cfg.arch != getattr(ti, args.arch):
        sys.exit(f"no {args.arch} device here to export for")
    sim = MPM88Quant(args.particles, args.grid, quant=True)
    per_particle = sim.bytes_per_particle

    @ti.kernel
    def bytes_per_particle() -> ti.i32:
        return per_particle

    m = ti.aot.Module(ti.cfg.arch)
    m.add_field("x", sim.x)
    m.add_kernel(sim._init, name="init")
    m.add_kernel(sim.substep, name="substep")
    m.add_kernel(bytes_per_particle)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    if args.out.endswith(".zip"):
        m.archive(args.out)
    else:
        m.save(args.out)
    print(f"exported {args.particles} particles ({per_particle} bytes each, quantized) for "
          f"{args.arch} to {args.out}")


if __name__ == "__main__":
    main()
