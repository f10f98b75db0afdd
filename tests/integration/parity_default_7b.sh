#!/usr/bin/env bash
# Runs Vidur's default config and compares with Vidur's own output (exit 77 = skipped: no reference data).
set -euo pipefail
llmsim=$1 config=$2 vidur_dir=$3 out=$4 parity=$5
if [ ! -f "$vidur_dir/request_metrics.csv" ]; then
  echo "reference data not found at $vidur_dir; skipping"
  exit 77
fi
"$llmsim" --quiet --config "$config" --output "$out"
/usr/bin/python3 "$parity" "$out" "$vidur_dir" --tolerance 0.02
