#!/usr/bin/env bash
# llmsim-sweep error paths: an invalid sweep is refused before anything runs (exit 2, file and key named, also
# for a key that is invalid only in one configuration); a configuration that fails at run time (a prompt outside
# the predictor's tables) ends the run (on every rank) with exit 2 and a message naming its id and label, while
# the configurations that finished stay recorded for a resume.
# Usage: sweep_errors.sh LLMSIM_SWEEP CONFIGS_DIR WORKDIR [launcher words...]   (e.g. mpiexec -n 2 --oversubscribe)
set -uo pipefail
sweep=$1 configs=$(cd "$2" && pwd) work=$3
shift 3
launcher=("$@")
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

cat > "$work/typo.yaml" <<YAML
base: $configs/examples/vidur-default-7b.yaml
axes:
  qps: {key: request_generator.interval_generator.qps, valus: [1, 2]}
YAML
"${launcher[@]}" "$sweep" run "$work/typo.yaml" -o "$work/typo.h5" >"$work/typo.log" 2>&1
code=$?
cat "$work/typo.log"
[ $code -eq 2 ] || fail "invalid sweep: exit code $code, expected 2"
grep -q "typo.yaml: axes.qps.values: required" "$work/typo.log" || fail "the message does not name file and key"
[ ! -e "$work/typo.h5.parts" ] || fail "an invalid sweep created its parts directory"

cat > "$work/dup.yaml" <<YAML
base: $configs/examples/vidur-default-7b.yaml
axes:
  qps: {key: request_generator.interval_generator.qps, values: [1, 2]}
  qps: {key: request_generator.interval_generator.qps, values: [3]}
YAML
"${launcher[@]}" "$sweep" run "$work/dup.yaml" -o "$work/dup.h5" >"$work/dup.log" 2>&1
code=$?
[ $code -eq 2 ] || fail "sweep with a key given twice: exit code $code, expected 2"
grep -q "dup.yaml:4:3: key 'qps' given twice (first at line 3)" "$work/dup.log" || fail "duplicate key not named: $(cat "$work/dup.log")"

# A sweep name becomes out/<name>.h5 (the default output): '../' or '/' would write outside out/.
for name in ../escape /tmp/abs .hidden "a b"; do
  printf 'name: "%s"\nbase: %s/examples/vidur-default-7b.yaml\naxes:\n  qps: {key: request_generator.interval_generator.qps, values: [1]}\n' \
    "$name" "$configs" > "$work/named.yaml"
  (cd "$work" && "${launcher[@]}" "$sweep" run named.yaml >named.log 2>&1)
  code=$?
  [ $code -eq 2 ] || fail "sweep name '$name': exit code $code, expected 2"
  grep -qF "named.yaml: name: '$name' is not a plain file name" "$work/named.log" || fail "bad name not named: $(cat "$work/named.log")"
  [ ! -e "$work/out" ] && [ ! -e "$work/escape.h5.parts" ] || fail "sweep name '$name' created files"
done

cat > "$work/lightllm.yaml" <<YAML
base: $configs/examples/vidur-default-7b.yaml
axes:
  scheduler:
    values:
      - {label: vllm, set: {cluster.replica_scheduler: {name: vllm}}}
      - {label: lightllm-16, set: {cluster.replica_scheduler: {name: lightllm, block_size: 16}}}
YAML
"${launcher[@]}" "$sweep" run "$work/lightllm.yaml" -o "$work/lightllm.h5" >"$work/lightllm.log" 2>&1
code=$?
cat "$work/lightllm.log"
[ $code -eq 2 ] || fail "invalid configuration: exit code $code, expected 2"
grep -q "configuration \[scheduler=lightllm-16\]: .*cluster.replica_scheduler.block_size: lightllm needs 1" \
  "$work/lightllm.log" || fail "the message does not name the configuration and key"
[ ! -e "$work/lightllm.h5.parts" ] || fail "an invalid sweep ran configurations"

cat > "$work/bad.yaml" <<YAML
base: $configs/examples/vidur-default-7b.yaml
set: {request_generator.num_requests: 32}
axes:
  prompt:
    values:
      - {label: short, set: {request_generator.length_generator: {name: fixed, prefill_tokens: 512, decode_tokens: 16}}}
      - label: too-long
        set:
          request_generator.length_generator: {name: fixed, prefill_tokens: 6000, decode_tokens: 16, max_tokens: 8192}
          cluster.replica_scheduler: {name: vllm, max_tokens_in_batch: 8192}
  qps: {key: request_generator.interval_generator.qps, values: [1, 2]}
YAML
timeout 120 "${launcher[@]}" "$sweep" run "$work/bad.yaml" -o "$work/bad.h5" >"$work/bad.log" 2>&1
code=$?
cat "$work/bad.log"
[ $code -eq 2 ] || fail "failing configuration: exit code $code, expected 2 (124 = hung)"
grep -Eq "failed: configuration [0-9a-f]{12} \[prompt=too-long qps=[12]\]: input error: .*outside the prediction table" \
  "$work/bad.log" || fail "the message does not name the failing configuration"
[ ! -e "$work/bad.h5" ] || fail "a sweep file was written although a configuration failed"
"$sweep" status "$work/bad.yaml" -o "$work/bad.h5"
echo "OK"
