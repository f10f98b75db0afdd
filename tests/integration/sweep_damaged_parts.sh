#!/usr/bin/env bash
# Damaged sweep parts: a part whose bytes changed (one byte, or truncated), a part renamed to another configuration's
# id (a forged part), a part without its checksum file and a file that is not HDF5 are named by `merge` (exit 2,
# nothing written) and `status`, set aside by `run`, which recomputes exactly those configurations; the result
# equals an undamaged run's.
# Usage: sweep_damaged_parts.sh LLMSIM_SWEEP JOB.yaml WORKDIR
set -euo pipefail
sweep=$1 job=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

# The test sweep with 400 requests per configuration.
sed -e "s|^base: .*|base: $(cd "$(dirname "$job")" && pwd)/$(sed -n 's/^base: //p' "$job")|" \
  -e 's/num_requests: .*/num_requests: 400/' "$job" > "$work/job.yaml"
job=$work/job.yaml
"$sweep" run "$job" --output "$work/reference.h5" --quiet
cp -r "$work/reference.h5.parts" "$work/damaged.h5.parts"
mapfile -t ids < <(cd "$work/damaged.h5.parts" && ls *.h5 | sed 's/\.h5$//')
[ "${#ids[@]}" -ge 7 ] || fail "expected at least 7 parts, found ${#ids[@]}"
parts=$work/damaged.h5.parts
# 1. One byte changed in the middle of the file.
/usr/bin/python3 -c "
import sys; p = sys.argv[1]; d = bytearray(open(p, 'rb').read()); d[len(d) // 2] ^= 0x01; open(p, 'wb').write(d)" \
  "$parts/${ids[0]}.h5"
# 2. Another configuration's part (with its checksum file) renamed to this id.
mv "$parts/${ids[2]}.h5" "$parts/${ids[1]}.h5"
mv "$parts/${ids[2]}.h5.sha1" "$parts/${ids[1]}.h5.sha1"
# 3. No checksum file.
rm "$parts/${ids[3]}.h5.sha1"
# 4. Replaced by something that is not HDF5 at all.
printf 'not an HDF5 file' > "$parts/${ids[4]}.h5"
# 5. Truncated to half its size.
size=$(stat -c %s "$parts/${ids[5]}.h5")
truncate -s $((size / 2)) "$parts/${ids[5]}.h5"

set +e
"$sweep" merge "$job" --output "$work/damaged.h5" > "$work/merge.log" 2>&1
code=$?
set -e
cat "$work/merge.log"
[ $code -eq 2 ] || fail "merge of damaged parts: exit code $code, expected 2"
[ ! -e "$work/damaged.h5" ] || fail "merge wrote a sweep file from damaged parts"
grep -q "${ids[0]}.h5: its bytes changed after it was written" "$work/merge.log" || fail "changed part not named"
grep -q "${ids[1]}.h5: its checksum file belongs to configuration ${ids[2]}" "$work/merge.log" || fail "renamed part not named"
grep -q "${ids[3]}.h5: no checksum file" "$work/merge.log" || fail "part without checksum not named"
grep -q "${ids[4]}.h5: its bytes changed" "$work/merge.log" || fail "replaced part not named"
grep -q "${ids[5]}.h5: its bytes changed" "$work/merge.log" || fail "truncated part not named"
"$sweep" status "$job" --output "$work/damaged.h5" | tee "$work/status.log"
[ "$(grep -c '^  damaged ' "$work/status.log")" -eq 5 ] || fail "status does not list the 5 damaged parts"

"$sweep" run "$job" --output "$work/damaged.h5" 2>&1 | tee "$work/run.log"
grep -q "part ${ids[0]} is damaged" "$work/run.log" || fail "run did not report the changed part"
[ -e "$parts/${ids[0]}.h5.damaged" ] || fail "the changed part was not set aside"
total=${#ids[@]}
grep -q "$((total - 6)) already finished, 6 to run" "$work/run.log" || fail "run did not recompute exactly the 6 damaged or missing parts"
h5diff "$work/reference.h5" "$work/damaged.h5" /configs /configs || fail "/configs differ from the undamaged run"
h5diff "$work/reference.h5" "$work/damaged.h5" /summary /summary || fail "/summary differs from the undamaged run"
echo "damaged parts named, set aside and recomputed"
