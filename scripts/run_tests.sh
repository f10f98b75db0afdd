#!/usr/bin/env bash
# Builds llmsim and runs the whole test suite (unit, integration, parity, python read-back) with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
export LLMSIM_PREDICTOR_CACHE="$PWD/build/predictor-cache"  # trained predictor models stay inside the build
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 300
