#!/usr/bin/env bash
# One prepared run of the CUDA checks on a lent GPU machine that has the NVIDIA driver and
# CUDA toolkit but neither LLVM 19 nor Debian's Python 3.11: tools/make_gpu_bundle.sh packs both
# (a Python 3.11 with numpy and pytest, and a _core built with LLVM linked statically) into
# .devbundle/, which travels with the tree. Everything goes to $OUT: the environment, the Python
# suite on cuda (pytest's report and JUnit XML), and the benchmarks with cpu and cuda columns.
set -u
OUT=${OUT:-/tmp/gpu-check}
mkdir -p "$OUT" /tmp/py /tmp/qcore /tmp/qcache
tar -C /tmp/py -xJf .devbundle/py.tar.xz
tar -C /tmp/qcore -xJf .devbundle/core.tar.xz
export PYTHONHOME=/tmp/py PYTHONPATH=$PWD/python
export LD_LIBRARY_PATH=/tmp/py/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export QTAICHI_BUILD_DIR=/tmp/qcore QTAICHI_CACHE_DIR=/tmp/qcache PYTHONUNBUFFERED=1
PY=/tmp/py/bin/python3.11
{
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
  nproc
  $PY -c "import qtaichi as ti; print('available:', ti.lang.runtime.available_archs()); ti.init(arch=ti.cuda); print(ti.cfg.arch, ti.lang.runtime.get_program().core.device_name)"
  g++ -O3 -march=native -fopenmp benchmarks/mpm88_baseline.cpp -o /tmp/qcore/mpm88_baseline && echo baseline built
} > "$OUT/env.txt" 2>&1
cat "$OUT/env.txt"
# The random-program differential test first, with its reports (program, seed, values) kept.
timeout 120 $PY tests/fuzz/run_fuzz.py --arch cuda --count 500 --seed 10000 --recursion 0.05 --keep /tmp/fuzzkeep \
  > "$OUT/fuzz.txt" 2>&1
echo "fuzz exit $?" >> "$OUT/fuzz.txt"
tail -n 60 "$OUT/fuzz.txt"
STAGE_S=${STAGE_S:-240}
QTAICHI_TEST_ARCHS=cuda timeout "$STAGE_S" $PY -m pytest tests/python -q -p no:cacheprovider \
  -rfE --tb=short --junitxml="$OUT/junit.xml" > "$OUT/pytest.txt" 2>&1
echo "pytest exit $?" >> "$OUT/pytest.txt"
tail -n 40 "$OUT/pytest.txt"
timeout 60 $PY benchmarks/quant_mpm_bench.py --arch cuda --particles 1000000 > "$OUT/quant_cuda_1m.txt" 2>&1
timeout 90 $PY benchmarks/quant_mpm_bench.py --arch cuda --particles 8000000 > "$OUT/quant_cuda_8m.txt" 2>&1
timeout 90 $PY benchmarks/mpm88_bench.py --build /tmp/qcore --archs cpu,cuda --sizes 1000000,8000000 \
  --no-compile-times > "$OUT/mpm88.txt" 2>&1
timeout 60 $PY benchmarks/quant_mpm_bench.py --arch cpu --particles 1000000 > "$OUT/quant_cpu_1m.txt" 2>&1
tail -n 12 "$OUT"/quant_*.txt "$OUT/mpm88.txt"
