#!/usr/bin/env bash
# Ranks that resolved different inputs refuse to start: an MPMD launch where one rank gets another
# cluster.num_replicas (llmsim) or another sweep file (llmsim-sweep) ends with exit 2, a message naming that rank,
# and no output. Before the check, llmsim exited 0 with a corrupt replicas table (or aborted).
set -uo pipefail
mpiexec=$1 llmsim=$2 sweep=$3 configs=$4 dir=$5 flags=${6//;/ }
rm -rf "$dir" && mkdir -p "$dir"
fail() { echo "FAIL: $*"; exit 1; }
config=$configs/examples/cluster-64-replicas-lor.yaml
# shellcheck disable=SC2086
timeout 60 "$mpiexec" $flags -n 2 "$llmsim" -c "$config" --set request_generator.num_requests=200 -o "$dir/run.h5" \
  : -n 1 "$llmsim" -c "$config" --set request_generator.num_requests=200 --set cluster.num_replicas=32 \
  -o "$dir/run.h5" >"$dir/run.log" 2>&1
code=$?
cat "$dir/run.log"
[ $code -eq 2 ] || fail "llmsim: exit code $code, expected 2"
grep -q "rank(s) 2 of 3 resolved a different config" "$dir/run.log" || fail "llmsim: rank 2 not named"
[ ! -e "$dir/run.h5" ] || fail "llmsim wrote a result file"

for qps in 1 2; do
  printf 'name: mismatch\nbase: %s/examples/vidur-default-7b.yaml\nset: {request_generator.num_requests: 20}\naxes:\n  qps: {key: request_generator.interval_generator.qps, values: [%s]}\n' \
    "$configs" "$qps" > "$dir/sweep$qps.yaml"
done
# shellcheck disable=SC2086
timeout 60 "$mpiexec" $flags -n 1 "$sweep" run "$dir/sweep1.yaml" -o "$dir/sweep.h5" \
  : -n 1 "$sweep" run "$dir/sweep2.yaml" -o "$dir/sweep.h5" >"$dir/sweep.log" 2>&1
code=$?
cat "$dir/sweep.log"
[ $code -eq 2 ] || fail "llmsim-sweep: exit code $code, expected 2"
grep -q "rank(s) 1 of 2 resolved a different sweep" "$dir/sweep.log" || fail "llmsim-sweep: rank 1 not named"
[ ! -e "$dir/sweep.h5" ] && [ -z "$(ls -A "$dir/sweep.h5.parts" 2>/dev/null)" ] || fail "llmsim-sweep ran configurations"
echo "OK: mismatched ranks refused"
