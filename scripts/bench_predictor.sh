#!/usr/bin/env bash
# Predictor training benchmark: cold training (no cache) and warm cache load of the profiled predictor, min of N
# runs on one core, for deployments with profiles, with some roofline operators and with no profile at all.
# Usage: scripts/bench_predictor.sh [N=5]   (build first with scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5}
c=configs/examples/vidur-default-7b-profiled.yaml
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%F)"
bench() {  # bench LABEL OVERRIDES...
  local label=$1; shift
  printf '%-52s ' "$label"
  taskset -c 0 ./build/src/app/llmsim-predictor train -c "$c" "$@" --repeat "$n" | tail -1
}
bench "Llama-2-7B  a100 TP1 (all profiled)"
bench "Llama-2-70B a100 DGX TP4 PP2 (all profiled)" --set cluster.replica.model=configs/models/llama-2-70b.yaml \
  --set cluster.replica.network_device=configs/hardware/a100_dgx.yaml --set cluster.replica.tensor_parallel_size=4 \
  --set cluster.replica.num_pipeline_stages=2
bench "CodeLlama-34B a40 TP2 (attention, all_reduce roofline)" \
  --set cluster.replica.model=configs/models/codellama-34b-instruct.yaml --set cluster.replica.device=configs/hardware/a40.yaml \
  --set cluster.replica.network_device=configs/hardware/a40_pairwise_nvlink.yaml --set cluster.replica.tensor_parallel_size=2
bench "Llama-3-70B h100 DGX TP8 (all but all_reduce roofline)" \
  --set cluster.replica.model=configs/models/llama-3-70b.yaml --set cluster.replica.device=configs/hardware/h100.yaml \
  --set cluster.replica.network_device=configs/hardware/h100_dgx.yaml --set cluster.replica.tensor_parallel_size=8
bench "Llama-2-7B h200 TP2 (no profile: all roofline)" --set cluster.replica.device=configs/hardware/h200.yaml \
  --set cluster.replica.network_device=configs/hardware/h200_dgx.yaml --set cluster.replica.tensor_parallel_size=2
