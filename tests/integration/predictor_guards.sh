#!/usr/bin/env bash
# Predictor guards: Vidur tables used for another model, device, network device, TP, PP or grid, prediction_max_*
# keys where they do not apply, and a profile of another model are all refused with exit 2, a message naming both
# sides, and no result file.
set -uo pipefail
llmsim=$1 configs=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir"
fail() { echo "FAIL: $*"; exit 1; }
table=$configs/examples/vidur-default-7b.yaml       # Llama-2-7B, a100, a100_pairwise_nvlink, TP1, PP1 tables
table70=$configs/examples/llama2-70b-tp4pp2-lor-vllm.yaml
profiled=$configs/examples/vidur-default-7b-profiled.yaml

expect_error() {  # expect_error NAME "SUBSTRING|SUBSTRING..." ARGS...
  local name=$1 want=$2; shift 2
  "$llmsim" -q "$@" --output "$dir/$name.h5" >"$dir/$name.out" 2>&1
  local code=$?
  [ $code -eq 2 ] || fail "$name: exit code $code, expected 2: $(cat "$dir/$name.out")"
  IFS='|' read -ra parts <<< "$want"
  for w in "${parts[@]}"; do
    grep -qF -- "$w" "$dir/$name.out" || fail "$name: message lacks '$w': $(cat "$dir/$name.out")"
  done
  [ ! -e "$dir/$name.h5" ] || fail "$name: left an output file"
  echo "ok: $name"
}

expect_error model "built for model 'meta-llama/Llama-2-7b-hf'|cluster.replica.model.name is 'microsoft/phi-2'" \
  -c "$table" --set cluster.replica.model=$configs/models/phi-2.yaml
expect_error device "built for device 'a100'|cluster.replica.device.name is 'h100'" \
  -c "$table" --set cluster.replica.device=$configs/hardware/h100.yaml
expect_error network_device "network_device 'a100_pairwise_nvlink'|is 'a100_dgx'" \
  -c "$table" --set cluster.replica.network_device=$configs/hardware/a100_dgx.yaml
expect_error tensor_parallel "tensor_parallel_size '1'|tensor_parallel_size is '2'" \
  -c "$table" --set cluster.replica.tensor_parallel_size=2
expect_error pipeline_stages "num_pipeline_stages '2'|num_pipeline_stages is '4'" \
  -c "$table70" --set cluster.replica.num_pipeline_stages=4
expect_error grid "prediction_max_batch_size|256 differs from the grid|(128" \
  -c "$table" --set execution_time_predictor.prediction_max_batch_size=256
expect_error grid_chunk "prediction_max_prefill_chunk_size|32768 differs" \
  -c "$table" --set execution_time_predictor.prediction_max_prefill_chunk_size=32768
expect_error max_key_profiled "prediction_max_prefill_chunk_size|unknown key for predictor 'profiled'" \
  -c "$profiled" --set execution_time_predictor.prediction_max_prefill_chunk_size=32768
mkdir -p "$dir/no-manifest" && cp "$configs"/predictors/vidur-llama2-7b-a100-tp1-pp1/*.csv.gz "$dir/no-manifest/"
expect_error no_manifest "has no manifest.yaml" -c "$table" --set execution_time_predictor.table_dir=$dir/no-manifest

# A profile directory whose Llama-2-70B folder holds the 7B's profile: refused, naming the file and both models.
mkdir -p "$dir/profiles/compute/a100/meta-llama/Llama-2-70b-hf"
cp "$configs/profiles/compute/a100/meta-llama/Llama-2-7b-hf/mlp.csv.gz" "$dir/profiles/compute/a100/meta-llama/Llama-2-70b-hf/"
expect_error wrong_profile "Llama-2-70b-hf/mlp.csv.gz|measured for a model with n_head 32|'meta-llama/Llama-2-70b-hf' has n_head 64" \
  -c "$profiled" --set cluster.replica.model=$configs/models/llama-2-70b.yaml \
  --set cluster.replica.network_device=$configs/hardware/a100_dgx.yaml --set cluster.replica.tensor_parallel_size=4 \
  --set execution_time_predictor.profile_dir=$dir/profiles --predictor-cache none
expect_error no_calibration "no profile of|roofline_calibration_device" \
  -c "$profiled" --set cluster.replica.device="{name: x1, fp16_tflops: 100, total_memory_gb: 80, memory_bandwidth_gbps: 1000}" \
  --predictor-cache none
expect_error no_bandwidth "device 'x2': memory_bandwidth_gbps is required" \
  -c "$profiled" --set cluster.replica.device="{name: x2, fp16_tflops: 100, total_memory_gb: 80}" --predictor-cache none
expect_error cross_node_tp "exceeds the 4 devices" -c "$profiled" --set cluster.replica.tensor_parallel_size=8

# llmsim plan / predict: bad requests are refused with exit 2 and say why.
expect_inspect_error() {  # expect_inspect_error NAME SUBSTRING ARGS...
  local name=$1 want=$2; shift 2
  "$llmsim" "$@" >"$dir/$name.out" 2>&1
  local code=$?
  [ $code -eq 2 ] || fail "$name: exit code $code, expected 2: $(cat "$dir/$name.out")"
  grep -qF -- "$want" "$dir/$name.out" || fail "$name: message lacks '$want': $(cat "$dir/$name.out")"
  echo "ok: $name"
}
expect_inspect_error plan_infeasible "not enough memory to store even a single request" \
  plan -c "$profiled" --set cluster.replica.model=$configs/models/llama-2-70b.yaml
expect_inspect_error predict_empty "describe a batch with --prefill" predict -c "$table"
expect_inspect_error predict_bad_decode "'1' is not a whole number from 2 to 16777216" predict -c "$table" --decode 1
expect_inspect_error predict_bad_prefill "'x' is not a whole number from 0 to 16777216" predict -c "$table" --prefill 512:x
expect_inspect_error predict_out_of_table "outside the prediction table" predict -c "$table" --prefill 8192
expect_inspect_error plan_no_config "--config is required" plan
echo "all predictor guards OK"
