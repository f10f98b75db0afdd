#!/usr/bin/env bash
# A rank that fails on its own (a prompt outside the predictor's tables reaches only replica 1, owned by
# rank 1) must end the whole job quickly with a non-zero exit and a message naming the rank.
set -uo pipefail
mpiexec=$1 llmsim=$2 configs=$3 dir=$4 flags=${5//;/ }
rm -rf "$dir" && mkdir -p "$dir"
printf 'arrived_at,num_prefill_tokens,num_decode_tokens\n0.0,100,10\n0.5,5000,10\n' > "$dir/trace.csv"
cat > "$dir/config.yaml" <<YAML
cluster:
  num_replicas: 2
  routing: {latency: 20us}
  replica:
    model: $configs/models/llama-2-7b.yaml
    device: $configs/hardware/a100.yaml
    network_device: $configs/hardware/a100_pairwise_nvlink.yaml
  global_scheduler: {name: round_robin}
  replica_scheduler: {name: vllm, max_tokens_in_batch: 8192}
request_generator: {name: trace_replay, trace_file: trace.csv, max_tokens: 8192}
execution_time_predictor: {table_dir: $configs/predictors/vidur-llama2-7b-a100-tp1-pp1}
YAML
# shellcheck disable=SC2086
timeout 60 "$mpiexec" -n 2 $flags "$llmsim" -c "$dir/config.yaml" -o "$dir/out.h5" >"$dir/log" 2>&1
code=$?
cat "$dir/log"
[ $code -ne 0 ] && [ $code -ne 124 ] || { echo "FAIL: exit code $code (124 = hung)"; exit 1; }
grep -q "rank 1 of 2: input error" "$dir/log" || { echo "FAIL: no message naming rank 1"; exit 1; }
[ ! -e "$dir/out.h5" ] || { echo "FAIL: a result file was written"; exit 1; }
echo "OK: job ended with exit code $code"
