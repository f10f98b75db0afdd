#!/usr/bin/env bash
# Bad configs and traces: exit code 2, a message naming file and key, and no result file left behind.
set -uo pipefail
llmsim=$1 good=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir"
fail() { echo "FAIL: $*"; exit 1; }

expect_error() {  # expect_error NAME EXPECTED_SUBSTRING ARGS...
  local name=$1 want=$2; shift 2
  "$llmsim" "$@" --output "$dir/$name.h5" >"$dir/$name.out" 2>&1
  local code=$?
  [ $code -eq 2 ] || fail "$name: exit code $code, expected 2: $(cat "$dir/$name.out")"
  grep -qF -- "$want" "$dir/$name.out" || fail "$name: message lacks '$want': $(cat "$dir/$name.out")"
  [ ! -e "$dir/$name.h5" ] && ! compgen -G "$dir/$name.h5.tmp*" > /dev/null || fail "$name: left an output file"
  echo "ok: $name"
}

expect_error unknown_scheduler "cluster.replica_scheduler.name" --config "$good" --set cluster.replica_scheduler.name=vlm
expect_error bad_qps "qps" --config "$good" --set request_generator.interval_generator.qps=-1
expect_error unknown_key "num_replica" --config "$good" --set cluster.num_replica=2
printf 'cluster: [unclosed\n' > "$dir/broken.yaml"
expect_error yaml_syntax "broken.yaml" --config "$dir/broken.yaml"
# A key given twice is an error (yaml-cpp alone keeps the first silently), in a file, a --set value or a sweep.
printf 'seed: 1\ncluster:\n  num_replicas: 2\n  num_replicas: 3\n' > "$dir/dup.yaml"
expect_error duplicate_key "dup.yaml:4:3: key 'num_replicas' given twice (first at line 3)" --config "$dir/dup.yaml"
expect_error duplicate_key_set "key 'name' given twice" --config "$good" \
  --set "cluster.replica_scheduler={name: vllm, name: sarathi}"
configs=$(cd "$(dirname "$good")/../.." && pwd)
printf 'arrived_at,num_prefill_tokens,num_decode_tokens\n0.0,100,10\n1.0,abc,10\n' > "$dir/bad_trace.csv"
cat > "$dir/replay.yaml" <<EOF
cluster:
  replica:
    model: $configs/models/llama-2-7b.yaml
    device: $configs/hardware/a100.yaml
    network_device: $configs/hardware/a100_pairwise_nvlink.yaml
request_generator:
  name: trace_replay
  trace_file: bad_trace.csv
execution_time_predictor:
  table_dir: $configs/predictors/vidur-llama2-7b-a100-tp1-pp1
EOF
expect_error bad_trace "bad_trace.csv:3: column 'num_prefill_tokens'" --config "$dir/replay.yaml"
expect_error missing_trace "trace_file" --config "$dir/replay.yaml" --set request_generator.trace_file=nope.csv
expect_error unschedulable_tp "tensor_parallel_size" --config "$good" --set cluster.replica.tensor_parallel_size=3
expect_error missing_config "config" --config "$dir/does-not-exist.yaml"
echo "all error paths OK"
