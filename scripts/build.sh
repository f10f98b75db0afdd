#!/usr/bin/env bash
# Configures and builds llmsim (and its tests) into ./build. Extra arguments go to CMake configure.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DLLMSIM_WARNINGS_AS_ERRORS=ON "$@"
cmake --build build -j "$(nproc)"
