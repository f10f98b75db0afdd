#!/usr/bin/env bash
# llmsim validate: bad suites and bounds exit 2 naming file and key; a group past its bound (or without one) exits 4
# naming the group; no result file is left behind by a failed load.
set -uo pipefail
llmsim=$1 repo=$(cd "$2" && pwd) dir=$3
rm -rf "$dir" && mkdir -p "$dir"
fail() { echo "FAIL: $*"; exit 1; }
suite=$repo/configs/validation/suites/splitwise-llama2-70b.yaml
bounds=$repo/configs/validation/bounds.yaml

expect() {  # expect NAME CODE EXPECTED_SUBSTRING ARGS...
  local name=$1 want_code=$2 want=$3; shift 3
  "$llmsim" validate "$@" -o "$dir/$name.h5" >"$dir/$name.out" 2>&1
  local code=$?
  [ $code -eq "$want_code" ] || fail "$name: exit code $code, expected $want_code: $(tail -5 "$dir/$name.out")"
  grep -qF -- "$want" "$dir/$name.out" || fail "$name: message lacks '$want': $(tail -5 "$dir/$name.out")"
  if [ "$want_code" -eq 2 ]; then [ ! -e "$dir/$name.h5" ] || fail "$name: left an output file"; fi
  echo "ok: $name"
}

# A suite whose keys are wrong, copied next to the original's data by absolute paths.
mk() {  # mk NAME: the suite with sed expression $2 applied
  sed -e "s#\.\./data/#$repo/configs/validation/data/#; s#\.\./base/#$repo/configs/validation/base/#; s#\.\./\.\./#$repo/configs/#g" \
      -e "$2" "$suite" > "$dir/$1.yaml"
}
mk bad_format 's/^format: .*/format: splitwise_csv/'
expect bad_format 2 "format: unknown value 'splitwise_csv'; valid: splitwise_perf_model" --suite "$dir/bad_format.yaml"
mk bad_role 's/role: held_out/role: test/'
expect bad_role 2 "deployments[1].role" --suite "$dir/bad_role.yaml"
mk bad_column 's/match: {hardware: h100-80gb}/match: {gpu_type: h100-80gb}/'
expect bad_column 2 "match: 'gpu_type' is not a column of" --suite "$dir/bad_column.yaml"
mk unknown_key 's/^description:/descripton:/'
expect unknown_key 2 "descripton" --suite "$dir/unknown_key.yaml"
mk no_reason 's/^    reason: &early >-/    because: \&early >-/'
expect no_reason 2 "exclude[1]" --suite "$dir/no_reason.yaml"
mk bad_setting 's#cluster.replica.device: .*h100.yaml#cluster.replica.device: '"$repo"'/configs/hardware/h900.yaml#'
expect bad_setting 2 "h900.yaml" --suite "$dir/bad_setting.yaml"
expect no_suite 2 "no such suite file or directory" --suite "$dir/missing"
printf 'bounds:\n  - {suite: x, gpu: a100}\n' > "$dir/bad_bounds.yaml"
expect bad_bounds 2 "bounds[0].model: required" --suite "$suite" --check "$dir/bad_bounds.yaml"

# Regressions: a worse predictor setting exceeds the bounds; a group without a bound fails too.
expect worse 4 "splitwise-llama2-70b a100 llama2-70b profiled decode_iteration_ms: median |error|" \
  --suite "$suite" --check "$bounds" --set execution_time_predictor.nccl_cpu_launch_overhead_ms=0.1
awk '/gpu: h100/ { skip = 2 } skip > 0 { skip--; next } { print }' "$bounds" > "$dir/a100_only.yaml"  # 2 lines a bound
expect missing_bound 4 "splitwise-llama2-70b h100 llama2-70b profiled prefill_ms: no bound" \
  --suite "$suite" --check "$dir/a100_only.yaml"
expect within 0 "every group is within its bound" --suite "$suite" --check "$bounds"
echo "validate errors: all ok"
