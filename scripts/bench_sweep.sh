#!/usr/bin/env bash
# Sweep throughput on this machine: configurations per minute for
#   (a) one llmsim-sweep job over R MPI ranks (configurations handed out dynamically), and
#   (b) one llmsim process per configuration, R at a time (xargs -P R), as a shell loop over configs would do.
# Both produce the same per-configuration results. Build first with scripts/build.sh.
# Usage: scripts/bench_sweep.sh [JOB.yaml] [R]     (default jobs/bench-mixed.yaml, R = number of cores)
set -euo pipefail
cd "$(dirname "$0")/.."
job=${1:-jobs/bench-mixed.yaml}
ranks=${2:-$(nproc)}
bin=$PWD/build/src/app
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
work=out/bench-sweep
rm -rf "$work" && mkdir -p "$work/alone"
n=$("$bin/llmsim-sweep" list "$job" | grep -c pending)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $n configurations; R=$ranks"

start=$(date +%s.%N)
mpirun -n "$ranks" "$bin/llmsim-sweep" run "$job" -o "$work/sweep.h5" 2>&1 | grep -E "load balance|wrote"
t_sweep=$(echo "$(date +%s.%N) - $start" | bc)

# One script per configuration, from the commands `llmsim-sweep list --commands` prints.
"$bin/llmsim-sweep" list "$job" --commands | awk -v bin="$bin" -v dir="$work/alone" '
  /^ +[0-9]+ +[0-9a-f]+ +(done|pending) / { id = $2 }
  /^ +llmsim --config/ { sub(/^ +llmsim/, ""); print bin "/llmsim -q -o " dir "/" id ".h5" $0 > (dir "/" id ".sh") }'
start=$(date +%s.%N)
find "$work/alone" -name "*.sh" -print0 | xargs -0 -r -n 1 -P "$ranks" bash
t_alone=$(echo "$(date +%s.%N) - $start" | bc)
[ "$(find "$work/alone" -name '*.h5' | wc -l)" -eq "$n" ] || { echo "some standalone runs failed" >&2; exit 1; }

printf "%-44s %8.2f s  %7.1f configurations/min\n" "llmsim-sweep, $ranks MPI ranks:" "$t_sweep" \
  "$(echo "$n * 60 / $t_sweep" | bc -l)"
printf "%-44s %8.2f s  %7.1f configurations/min\n" "one llmsim process per configuration, $ranks at a time:" \
  "$t_alone" "$(echo "$n * 60 / $t_alone" | bc -l)"
