#!/usr/bin/env bash
# Kill-and-resume: SIGKILL a running sweep after a few configurations have finished, check that the finished parts
# are intact and the unfinished ones are not recorded, resume, and compare the final file with an uninterrupted
# run's (every dataset and attribute except the /timing table, which records who ran what and for how long).
# Usage: sweep_kill_resume.sh LLMSIM_SWEEP JOB.yaml WORKDIR
set -euo pipefail
sweep=$1 job=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$sweep" run "$job" --output "$work/reference.h5" --quiet

"$sweep" run "$job" --output "$work/killed.h5" --quiet &
pid=$!
for _ in $(seq 600); do
  n=$(find "$work/killed.h5.parts" -name '*.h5' 2>/dev/null | wc -l || true)
  [ "$n" -ge 3 ] && break
  sleep 0.05
done
kill -KILL "$pid"
wait "$pid" && fail "the sweep finished before it could be killed"
finished=$(find "$work/killed.h5.parts" -name '*.h5' | wc -l)
total=$("$sweep" list "$job" | grep -c pending)
echo "killed after $finished of $total configurations"
[ "$finished" -lt "$total" ] || fail "nothing was left to resume"
[ ! -e "$work/killed.h5" ] || fail "a sweep file was written although the sweep did not finish"
for part in "$work"/killed.h5.parts/*.h5; do
  /usr/bin/python3 -c "import h5py, sys; h5py.File(sys.argv[1], 'r')['requests'][()]" "$part" ||
    fail "finished part $part is unreadable"
done
"$sweep" status "$job" --output "$work/killed.h5" | grep -q "$finished of $total configuration(s) finished" ||
  fail "status does not report $finished of $total finished"

"$sweep" run "$job" --output "$work/killed.h5" 2>&1 | tee "$work/resume.log"
grep -q "$finished already finished, $((total - finished)) to run" "$work/resume.log" ||
  fail "the resumed run did not skip the finished configurations"
h5diff "$work/reference.h5" "$work/killed.h5" /configs /configs || fail "/configs differ from the uninterrupted run"
h5diff "$work/reference.h5" "$work/killed.h5" /summary /summary || fail "/summary differs from the uninterrupted run"
for attr in sweep_name sweep_definition num_configs num_finished complete; do
  /usr/bin/python3 -c "
import h5py, sys
a, b = (h5py.File(p, 'r').attrs[sys.argv[3]] for p in sys.argv[1:3])
sys.exit(0 if a == b else 1)" "$work/reference.h5" "$work/killed.h5" "$attr" || fail "attribute $attr differs"
done
echo "resumed sweep equals the uninterrupted one"
