#!/usr/bin/env bash
# The sweep file is the same whatever the number of ranks that ran it: /configs and /summary of each FILE equal
# those of REFERENCE (only /timing, who ran what, may differ).
# Usage: sweep_identical.sh REFERENCE.h5 FILE.h5...
set -euo pipefail
ref=$1
shift
for f in "$@"; do
  h5diff "$ref" "$f" /configs /configs >/dev/null || { echo "FAIL: $f /configs differ from $ref"; exit 1; }
  h5diff "$ref" "$f" /summary /summary || { echo "FAIL: $f /summary differs from $ref"; exit 1; }
  echo "$f: identical to $ref"
done
