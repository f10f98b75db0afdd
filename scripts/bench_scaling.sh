#!/usr/bin/env bash
# Strong scaling: the same simulation on 1, 2 and 4 MPI ranks (default: the 1,024-replica, 1,000,000-request
# benchmark). Prints wall time, events/s, the time rank 0 spent synchronising and every rank's peak memory.
# Build first with scripts/build.sh.
# Usage: scripts/bench_scaling.sh [--config FILE] [ranks...]   (default ranks: 1 2 4; beyond the core count they
# oversubscribe). E.g. scripts/bench_scaling.sh --config configs/examples/bench-8192-replicas-10m.yaml 2
set -euo pipefail
cd "$(dirname "$0")/.."
config=configs/examples/bench-1024-replicas-1m.yaml
if [[ ${1:-} == --config ]]; then
  config=$2
  shift 2
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
mkdir -p out
name=$(basename "$config" .yaml)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); config: $config"
for n in ${@:-1 2 4}; do
  echo "== $n rank(s)"
  mpirun -n "$n" ./build/src/app/llmsim --config "$config" --output "out/$name-np$n.h5" --progress-interval 60 2>&1 |
    grep -E "Events:|synchronisation|total wall|Requests completed|peak memory"
  if ((n > 1)); then grep -h "peak memory" "out/$name-np$n.h5.logs"/rank-*.log; fi
done
