#!/usr/bin/env bash
# --ranks-per-config is refused, with exit code 2 and a reason, when the rank count does not fit the groups or a
# configuration has no routing latency (no lookahead for a partitioned run).
# Usage: sweep_group_errors.sh MPIEXEC LLMSIM_SWEEP SOURCE_DIR WORKDIR [mpiexec flags...]
set -uo pipefail
mpiexec=$1 sweep=$2 src=$3 work=$4
shift 4
rm -rf "$work" && mkdir -p "$work"
expect() {  # expect NAME PATTERN command...
  local name=$1 pattern=$2
  shift 2
  timeout 60 "$@" >"$work/$name.log" 2>&1
  local code=$?
  cat "$work/$name.log"
  [ $code -eq 2 ] || { echo "FAIL: $name: exit code $code, expected 2"; exit 1; }
  grep -q "$pattern" "$work/$name.log" || { echo "FAIL: $name: no message matching '$pattern'"; exit 1; }
}
expect ranks "needs 1 + a multiple of 2 MPI ranks.*got 4" \
  "$mpiexec" -n 4 "$@" "$sweep" run "$src/tests/mpi/sweep_distributed.yaml" -o "$work/r.h5" --ranks-per-config 2
expect latency "cluster.routing.latency must be > 0" \
  "$mpiexec" -n 3 "$@" "$sweep" run "$src/jobs/ci-small.yaml" -o "$work/l.h5" --ranks-per-config 2
echo "OK"
