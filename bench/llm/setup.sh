#!/usr/bin/env bash
# Builds the reference sides of bench/llm/run.sh outside the checkout (nothing here is ever committed):
#   DIR/venv                     llama-cpp-python[server] 0.3.8, compiled from source
#   DIR/llama.cpp/build/bin/llama-bench   built from the llama.cpp that the same sdist vendors, with
#   DIR/llama.cpp/build/bin/llama-server  (llama.cpp's own server: what nm's engine is without nm) and
#   DIR/llama.cpp/build/bin/llama-batched-bench  (the engine's own figure for concurrent streams; see README.md)
# All are built like java-llama.cpp 4.1.0's Linux x86-64 library: GGML_NATIVE=OFF, which enables AVX, AVX2,
# FMA, F16C and BMI2 but no AVX-512, with OpenMP and llamafile kernels, Release. Took 5.5 minutes on 2 cores.
#
#   bench/llm/setup.sh [DIR]     # DIR defaults to /tmp/nm-llm-bench; prints the variables run.sh needs
set -euo pipefail

dir="${1:-/tmp/nm-llm-bench}"
version=0.3.8
cmake_args="-DGGML_NATIVE=OFF -DCMAKE_BUILD_TYPE=Release"
mkdir -p "$dir"
cd "$dir"

python3 -m venv venv
venv/bin/pip install -q --upgrade pip
venv/bin/pip download -q --no-deps --no-binary :all: -d sdist "llama-cpp-python==$version"
tar xzf "sdist/llama_cpp_python-$version.tar.gz"
CMAKE_ARGS="$cmake_args" CMAKE_BUILD_PARALLEL_LEVEL=2 \
  venv/bin/pip install -q --no-cache-dir "llama-cpp-python[server] @ file://$PWD/sdist/llama_cpp_python-$version.tar.gz"

rm -rf llama.cpp
cp -r "llama_cpp_python-$version/vendor/llama.cpp" llama.cpp
cmake -S llama.cpp -B llama.cpp/build $cmake_args -DLLAMA_CURL=OFF -DBUILD_SHARED_LIBS=OFF >&2
cmake --build llama.cpp/build --target llama-bench llama-server llama-batched-bench -j2 >&2

echo "NM_BENCH_LLAMA_BENCH=$dir/llama.cpp/build/bin/llama-bench NM_BENCH_LCP_PYTHON=$dir/venv/bin/python"
