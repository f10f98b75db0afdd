#!/usr/bin/env bash
# Strong scaling: the same 1,024-replica, 1,000,000-request simulation on 1, 2 and 4 MPI ranks.
# Prints wall time, events/s and the time rank 0 spent synchronising. Build first with scripts/build.sh.
# Usage: scripts/bench_scaling.sh [ranks...]   (default: 1 2 4; ranks beyond the core count oversubscribe)
set -euo pipefail
cd "$(dirname "$0")/.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
mkdir -p out
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for np in "${@:-1 2 4}"; do
  for n in $np; do
    echo "== $n rank(s)"
    mpirun -n "$n" ./build/src/app/llmsim --config configs/examples/bench-1024-replicas-1m.yaml \
      --output "out/scaling-np$n.h5" --progress-interval 30 2>&1 |
      grep -E "Events:|synchronisation|total wall|peak memory|Requests completed"
  done
done
