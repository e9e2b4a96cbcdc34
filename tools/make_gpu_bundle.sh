#!/usr/bin/env bash
# Packs what tools/gpu_check.sh needs on a GPU machine without LLVM 19 or Python 3.11 into
# .devbundle/ (ignored by git): Debian's Python 3.11 with numpy and pytest, and the Python
# module built with LLVM's static libraries (build-device/, QTAICHI_STATIC_LLVM=ON).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-device -G Ninja -DPython_EXECUTABLE=/usr/bin/python3 -DQTAICHI_STATIC_LLVM=ON \
  -DQTAICHI_BUILD_TESTS=OFF -DQTAICHI_BUILD_BENCHMARKS=OFF > /dev/null
ninja -C build-device _core
P=$(mktemp -d)
# Packages go to the bundled Python's own site-packages, so child processes that set their own
# PYTHONPATH (the cache tests do) still find numpy.
S="$P/lib/python3.11/site-packages"
mkdir -p "$P/bin" "$P/lib" .devbundle
cp /usr/bin/python3.11 "$P/bin/"
tar -C /usr/lib -cf - --exclude=test --exclude=tests --exclude=idlelib --exclude=tkinter \
  --exclude=ensurepip --exclude=lib2to3 --exclude=__pycache__ --exclude=pydoc_data \
  --exclude='config-3.11-*' python3.11 | tar -C "$P/lib" -xf -
mkdir -p "$S"
for p in numpy _pytest pytest pluggy iniconfig packaging py py.py attr attrs; do
  cp -r "/usr/lib/python3/dist-packages/$p" "$S/"
done
find "$P" -name __pycache__ -prune -exec rm -rf {} +
rm -rf "$S"/numpy/{tests,*/tests,f2py,distutils,core/include}
for l in blas/libblas.so.3 lapack/liblapack.so.3 libgfortran.so.5 libquadmath.so.0 libexpat.so.1; do
  cp -L "/usr/lib/x86_64-linux-gnu/$l" "$P/lib/"
done
# The core's own shared dependencies beyond glibc (libarchive, nettle and theirs): a bare GPU
# machine may lack them.
for l in $(ldd build-device/python/qtaichi/_core*.so | awk '/=> \//{print $3}'); do
  case "$(basename "$l")" in
    libc.so*|libm.so*|libpthread.so*|libdl.so*|librt.so*|ld-linux*|libgcc_s.so*|libstdc++.so*) ;;
    *) cp -L "$l" "$P/lib/" ;;
  esac
done
tar -C "$P" -cJf .devbundle/py.tar.xz .
tar -C build-device -cJf .devbundle/core.tar.xz python/qtaichi
rm -rf "$P"
ls -la .devbundle
