#!/usr/bin/env bash
# Golden outputs per replica scheduler: each bundled scheduler example (60 requests; here on 4 replicas with
# round-robin routing and 20 us routing latency, so that it can run on several ranks) must reproduce the committed
# requests.csv and replicas.csv byte for byte, on 1 process and on 2 and 4 logical ranks. The files were produced
# by this program (`golden_outputs.sh --update`) and reviewed (15 requests per replica, batch counts and memory
# use plausible for each policy); a deliberate model change regenerates them in the same commit.
# Usage: golden_outputs.sh LLMSIM EXAMPLES_DIR GOLDEN_DIR WORKDIR [--update]
set -euo pipefail
llmsim=$1 examples=$2 golden=$3 work=$4 update=${5:-}
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
for sched in vllm sarathi orca faster_transformer lightllm vllm_v1; do
  args=(--config "$examples/schedulers/$sched.yaml" --set cluster.num_replicas=4 --set cluster.routing.latency=20us
        --set cluster.global_scheduler.name=round_robin -q)
  if [ "$update" = "--update" ]; then
    mkdir -p "$golden/$sched"
    "$llmsim" "${args[@]}" --output "$work/$sched.h5" --csv "$golden/$sched"
    rm -f "$golden/$sched/batches.csv" "$golden/$sched/replica_stages.csv"
    continue
  fi
  for ranks in 1 2 4; do
    out=$work/$sched-$ranks
    "$llmsim" "${args[@]}" --local-ranks "$ranks" --output "$out.h5" --csv "$out" || fail "$sched on $ranks rank(s)"
    for table in requests replicas; do
      cmp "$golden/$sched/$table.csv" "$out/$table.csv" || fail "$sched on $ranks rank(s): $table.csv differs"
    done
  done
  echo "ok: $sched (1, 2, 4 ranks)"
done
