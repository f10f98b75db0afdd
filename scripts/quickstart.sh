#!/usr/bin/env bash
# One command for a fresh Debian 12 machine: install dependencies, build, run Vidur's default example.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
bash scripts/build.sh
mkdir -p out
./build/src/app/llmsim --config configs/examples/vidur-default-7b.yaml --output out/vidur-default-7b.h5 \
  --chrome-trace out/vidur-default-7b.trace.json
echo "Results: out/vidur-default-7b.h5 (read with h5py/pandas, see README); trace: out/vidur-default-7b.trace.json"
