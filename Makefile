# qtaichi — the two commands a fresh machine needs: `make demo` and `make test`.
# Each installs the Debian packages that are missing (no apt call when all are present),
# configures (Release, Ninja, ccache when present), builds, and runs.

PYTHON   := /usr/bin/python3
BUILD    := build
VENV     := .venv
DEBS     := cmake ninja-build g++ ccache llvm-19-dev libgtest-dev \
            python3-dev python3-venv python3-numpy python3-pytest python3-pybind11 pybind11-dev \
            python3-pil nlohmann-json3-dev zlib1g-dev libzstd-dev libxml2-dev libedit-dev libffi-dev \
            libvulkan-dev libvulkan-volk-dev spirv-headers spirv-tools mesa-vulkan-drivers \
            vulkan-validationlayers libarchive-dev nettle-dev pkg-config libstb-dev libglfw3-dev xvfb xauth \
            ffmpeg fonts-dejavu-core libgl1-mesa-dri
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
JOBS     ?= $(shell nproc)

.PHONY: all deps configure build venv test demo bench fuzz sanitize clean runtime fuzz-module

all: build

deps:
	@missing=$$(for p in $(DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DPython_EXECUTABLE=$(PYTHON)

configure: $(BUILD)/build.ninja

build: deps configure
	@rm -f python/qtaichi/_core*.so  # an older layout wrote the module into the sources
	cmake --build $(BUILD) -j$(JOBS)
	@$(MAKE) --no-print-directory venv

# A venv that sees Debian's numpy/pytest and imports qtaichi from python/ in place; the compiled
# core comes from a build folder (QTAICHI_BUILD_DIR, default ./build).
venv:
	@[ -x $(VENV)/bin/python ] || $(PYTHON) -m venv --system-site-packages $(VENV)
	@site=$$($(VENV)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'); \
	  echo "$(CURDIR)/python" > $$site/qtaichi-src.pth

test: build
	$(PYTHON) tools/run_tests.py --build $(BUILD) --python $(VENV)/bin/python

# Random-program differential testing, longer than the fixed-seed budget in `make test`:
# FUZZ_COUNT programs from FUZZ_SEED (default: a new seed each run; a failure prints its seed).
FUZZ_COUNT ?= 5000
FUZZ_SEED  ?= $(shell date +%s)
fuzz: build
	$(RUN) tests/fuzz/run_fuzz.py --count $(FUZZ_COUNT) --seed $(FUZZ_SEED)

# The flagship: 3D MLS-MPM with the QuanTaichi particle layout (40 bytes per particle) against
# float32 (68), same particles and kernels: bytes/particle and substeps/s side by side, frames
# in out/mpm3d and a video out/mpm3d.mp4. Then the heat diffusion example (out/heat.png), the
# AOT effect app, and the quantized smoke (f32 vs quant, then a video out/smoke.mp4).
RUN := QTAICHI_BUILD_DIR=$(abspath $(BUILD)) $(VENV)/bin/python

EFFECT_ARCH ?= vulkan
demo: build runtime
	$(RUN) examples/mpm3d_quant.py --compare --particles 16384 --grid 32 --steps 1200 --frames 24 --check --out out/mpm3d --video out/mpm3d.mp4
	$(RUN) examples/heat_diffusion.py --out out/heat.png
	@# The AOT effect: exported from Python, run by a C++ app that links only the installed runtime.
	$(RUN) examples/aot_effect/export.py --arch $(EFFECT_ARCH) --out out/snow_$(EFFECT_ARCH).zip
	cmake --install build-runtime --prefix build-runtime/install > /dev/null
	cmake -S examples/aot_effect -B build-effect -G Ninja -DCMAKE_PREFIX_PATH=$(CURDIR)/build-runtime/install > /dev/null
	cmake --build build-effect
	build-effect/effect --module out/snow_$(EFFECT_ARCH).zip --arch $(EFFECT_ARCH) --frames 30 --out out/effect
	$(RUN) examples/smoke_quant.py --compare --res 48 --steps 60 --every 0 --out out/smoke
	$(RUN) examples/smoke_quant.py --res 48 --steps 160 --every 4 --out out/smoke --video out/smoke.mp4

# Every measurement, each printing a markdown table (side by side in one run; see README).
bench: build
	$(RUN) benchmarks/compile_time.py
	$(RUN) benchmarks/mpm88_bench.py
	$(RUN) benchmarks/quant_mpm_bench.py
	$(BUILD)/quant_store_bench
	$(RUN) benchmarks/game_of_life_bench.py
	$(RUN) benchmarks/smoke_bench.py

# The C++ and Python suites under AddressSanitizer + UndefinedBehaviorSanitizer, in a build folder
# of their own (build-sanitize; `make test` is untouched). Python loads the ASan runtime first.
SANITIZE_BUILD := build-sanitize
sanitize: deps
	cmake -S . -B $(SANITIZE_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DPython_EXECUTABLE=$(PYTHON) \
	  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
	cmake --build $(SANITIZE_BUILD) -j$(JOBS)
	@# The C API (an app's whole surface) under LeakSanitizer as well: no call leaks.
	ASAN_OPTIONS=detect_leaks=1 $(SANITIZE_BUILD)/qtaichi_tests --gtest_filter='CApi*'
	@$(MAKE) --no-print-directory venv
	LD_PRELOAD=$$($(CXX) -print-file-name=libasan.so):$$($(CXX) -print-file-name=libubsan.so) \
	  ASAN_OPTIONS=detect_leaks=0 $(PYTHON) tools/run_tests.py --build $(SANITIZE_BUILD) --python $(VENV)/bin/python

clean:
	rm -rf $(BUILD) $(SANITIZE_BUILD) build-runtime build-effect build-fuzz $(VENV) python/qtaichi/_core*.so

# The app runtime alone (no LLVM, no Python, no compiler): build-runtime/libqtaichi_runtime.so;
# `cmake --install build-runtime --prefix P` installs it with its headers and CMake package.
runtime: deps
	cmake -S . -B build-runtime -G Ninja -DCMAKE_BUILD_TYPE=Release -DQTAICHI_RUNTIME_ONLY=ON
	cmake --build build-runtime

# libFuzzer on module loading (clang-19, libfuzzer-19-dev; installed here, not by `make deps`):
# FUZZ_RUNS executions from the committed seed corpus (new inputs go to build-fuzz/corpus).
FUZZ_RUNS ?= 1000000
fuzz-module:
	@dpkg-query -W -f='$${Status}\n' clang-19 libfuzzer-19-dev 2>/dev/null | grep -c '^install ok installed' | grep -q 2 || \
	  (DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq clang-19 libfuzzer-19-dev)
	cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQTAICHI_RUNTIME_ONLY=ON \
	  -DQTAICHI_FUZZ=ON -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19
	cmake --build build-fuzz --target fuzz_module_load
	mkdir -p build-fuzz/corpus
	build-fuzz/fuzz_module_load -runs=$(FUZZ_RUNS) -max_len=65536 -rss_limit_mb=4096 build-fuzz/corpus tests/fuzz/corpus
