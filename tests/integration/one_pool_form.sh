#!/usr/bin/env bash
# A cluster written as a list of one pool is the cluster written the old way: for every bundled example (the
# bench-*.yaml benchmarks capped at 2,000 requests), `cluster.pools: [{name: default, num_replicas: N}]` in place of
# `cluster.num_replicas: N` gives byte-identical datasets and /summary (compare_results.py --exact). Examples that
# already list several pools are skipped.
# Usage: one_pool_form.sh LLMSIM PYTHON EXAMPLES_DIR COMPARE_SCRIPT WORKDIR
set -euo pipefail
llmsim=$1 python=$2 examples=$3 compare=$4 work=$5
rm -rf "$work" && mkdir -p "$work"
checked=0
for config in "$examples"/*.yaml "$examples"/schedulers/*.yaml; do
  name=$(basename "$config" .yaml)
  args=(-q -c "$config")
  case $name in bench-*) args+=(--set request_generator.num_requests=2000) ;; esac
  pools=$("$llmsim" "${args[@]}" --print-config |
          "$python" -c 'import json,sys; p=json.load(sys.stdin)["cluster"]["pools"]; print(len(p), p[0]["num_replicas"])')
  read -r count replicas <<< "$pools"
  if [ "$count" != 1 ]; then echo "skip: $name ($count pools)"; continue; fi
  "$llmsim" "${args[@]}" -o "$work/$name-top.h5"
  "$llmsim" "${args[@]}" --set cluster.num_replicas=null \
            --set "cluster.pools=[{name: default, num_replicas: $replicas}]" -o "$work/$name-list.h5"
  "$python" "$compare" --exact "$work/$name-top.h5" "$work/$name-list.h5" > "$work/$name.txt" ||
    { cat "$work/$name.txt"; echo "FAIL: $name differs as a one-pool list"; exit 1; }
  echo "ok: $name ($replicas replicas)"
  checked=$((checked + 1))
done
[ "$checked" -ge 14 ] || { echo "FAIL: only $checked examples checked"; exit 1; }
