#!/usr/bin/env bash
# Several runs writing one output at once: each writes its own temporary file, so every run succeeds and the file
# left is complete and byte-identical to one of the runs alone (issue 11 defect 1: with one shared `.tmp`, the
# same-seed runs below finish together and interleave their writes, leaving zeros in `requests`).
set -uo pipefail
llmsim=$1 config=$2 dir=$3 compare=$4
rm -rf "$dir" && mkdir -p "$dir"
fail() { echo "FAIL: $*"; exit 1; }
for seed in 1 2 3; do
  "$llmsim" -q -c "$config" --seed $seed -o "$dir/alone-$seed.h5" || fail "run alone with seed $seed"
done
for round in 1 2 3; do
  pids=()
  for seed in 1 2 3 1 2 3; do "$llmsim" -q -c "$config" --seed $((round == 1 ? 1 : seed)) -o "$dir/shared.h5" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || fail "round $round: a concurrent run failed"; done
  match=""
  for seed in 1 2 3; do
    /usr/bin/python3 "$compare" --exact "$dir/alone-$seed.h5" "$dir/shared.h5" > /dev/null && match=$seed
  done
  [ -n "$match" ] || fail "round $round: the shared file equals none of the three runs"
  ! compgen -G "$dir/shared.h5.tmp*" > /dev/null || fail "round $round: temporaries left behind"
  echo "ok: round $round, the file is seed $match's complete result"
done
