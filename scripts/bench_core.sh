#!/usr/bin/env bash
# Single-process benchmark: 64 replicas x 50,000 requests. Prints llmsim's events/s and peak memory.
# Usage: scripts/bench_core.sh [extra llmsim args]   (build first with scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p out
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
./build/src/app/llmsim --config configs/examples/bench-64-replicas-50k.yaml --output out/bench.h5 \
  --progress-interval 5 "$@"
