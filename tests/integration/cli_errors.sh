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
# Token counts that are not counts (a float -> int cast made every one of these 1 token, exit 0).
for v in nan inf 1e30 -5 0; do
  printf 'arrived_at,num_prefill_tokens,num_decode_tokens\n0.0,100,10\n1.0,100,%s\n' "$v" > "$dir/tokens_$v.csv"
  expect_error "trace_tokens_$v" "tokens_$v.csv:3: column 'num_decode_tokens': ${v/1e30/1e+30} is not a token count" \
    --config "$dir/replay.yaml" --set request_generator.trace_file="$dir/tokens_$v.csv"
done
printf 'arrived_at,num_prefill_tokens,num_decode_tokens\n0.0,100,10\nnan,100,10\n' > "$dir/arrival_nan.csv"
expect_error trace_arrival_nan "arrival_nan.csv:3: column 'arrived_at'" \
  --config "$dir/replay.yaml" --set request_generator.trace_file="$dir/arrival_nan.csv"
# A gzip trace cut short (here at a line boundary of its text) or with a flipped byte is an error, not a shorter trace.
{ echo arrived_at,num_prefill_tokens,num_decode_tokens; for i in $(seq 1 3000); do echo "$i.0,$((i % 500 + 1)),$((i % 50 + 1))"; done; } |
  gzip > "$dir/full.csv.gz"
size=$(stat -c %s "$dir/full.csv.gz")
head -c $((size / 2)) "$dir/full.csv.gz" > "$dir/cut.csv.gz"
expect_error trace_gzip_truncated "cut.csv.gz: unexpected end of file (truncated gzip file)" \
  --config "$dir/replay.yaml" --set request_generator.trace_file="$dir/cut.csv.gz"
head -c $((size - 8)) "$dir/full.csv.gz" > "$dir/no_trailer.csv.gz"
expect_error trace_gzip_no_trailer "no_trailer.csv.gz: unexpected end of file" \
  --config "$dir/replay.yaml" --set request_generator.trace_file="$dir/no_trailer.csv.gz"
/usr/bin/python3 -c "import sys; d = bytearray(open(sys.argv[1], 'rb').read()); d[-6] ^= 0xff; open(sys.argv[2], 'wb').write(d)" \
  "$dir/full.csv.gz" "$dir/crc.csv.gz"
expect_error trace_gzip_crc "crc.csv.gz: incorrect data check" \
  --config "$dir/replay.yaml" --set request_generator.trace_file="$dir/crc.csv.gz"
# Sizes, bandwidths and durations that overflow are refused at load time (they aborted or silently became 0).
expect_error routing_slow_link "cluster.routing: a request of max_tokens (512) would take 8e+300 s" --config "$good" \
  --set "cluster.routing={latency: 1ms, bandwidth: 1e-300bps, request_overhead_bytes: 1}"
expect_error routing_huge_size "cluster.routing.request_overhead_bytes: '1e300GiB' is too large" --config "$good" \
  --set cluster.routing.request_overhead_bytes=1e300GiB
expect_error routing_huge_product "would take" --config "$good" \
  --set "cluster.routing={latency: 1ms, bandwidth: 1Gbps, request_bytes_per_prompt_token: 1000000GiB}"
expect_error routing_long_latency "cluster.routing.latency: '1e300s' is too long" --config "$good" \
  --set cluster.routing.latency=1e300s
# A negative time in a prediction table aborted the run ("event scheduled in the past").
cp -r "$configs/predictors/vidur-llama2-7b-a100-tp1-pp1" "$dir/tables"
table=$(ls "$dir"/tables/mlp_up_proj_*_predictions.csv.gz)
zcat "$table" | awk -F, 'BEGIN { OFS = "," } NR == 1 { for (i = 1; i <= NF; i++) if ($i == "prediction") c = i }
  NR == 10 { $c = -3 } { print }' | gzip > "$dir/table.tmp" && mv "$dir/table.tmp" "$table"
expect_error table_negative_time "$(basename "$table"):10: column 'prediction': -3 is not an operator time" --config "$good" \
  --set execution_time_predictor.table_dir="$dir/tables"
# Smaller traps: an empty --set value, octal-looking integers, a directory as a model file.
expect_error set_empty_value "--set cluster.num_replicas=: no value" --config "$good" --set cluster.num_replicas=
expect_error octal_integer "cluster.num_replicas: '010' has a leading zero" --config "$good" --set cluster.num_replicas=010
expect_error model_is_directory "cluster.replica.model: '$configs/models' ($configs/models) is not a regular file" \
  --config "$good" --set cluster.replica.model="$configs/models"
# A UTF-8 byte-order mark before the header is not part of the first column's name.
printf '\xef\xbb\xbfarrived_at,num_prefill_tokens,num_decode_tokens\n0.0,100,10\n1.0,200,10\n' > "$dir/bom.csv"
"$llmsim" --config "$dir/replay.yaml" --set request_generator.trace_file="$dir/bom.csv" -q --output "$dir/bom.h5" ||
  fail "a trace with a UTF-8 byte-order mark was refused"
echo "ok: trace_with_bom"
expect_error missing_trace "trace_file" --config "$dir/replay.yaml" --set request_generator.trace_file=nope.csv
expect_error unschedulable_tp "tensor_parallel_size" --config "$good" --set cluster.replica.tensor_parallel_size=3
expect_error missing_config "config" --config "$dir/does-not-exist.yaml"
echo "all error paths OK"
