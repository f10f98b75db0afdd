#!/usr/bin/env bash
# Regenerates docs/img/report-example.png, the report figure shown in README.md: KV-cache use over time per replica
# (scripts/llmsim-report's replica_kv_timeseries.png) of the bundled Llama-2-70B example (4 replicas, TP4 PP2, vLLM,
# LOR routing, arxiv trace), run with token completion times and time series stored. Needs the build
# (scripts/build.sh) and /usr/bin/python3 with h5py, pandas, matplotlib (scripts/install_deps.sh). About 5 s.
#   scripts/make_readme_plot.sh [LLMSIM]      (default: build/src/app/llmsim)
set -euo pipefail
cd "$(dirname "$0")/.."
llmsim=${1:-build/src/app/llmsim}
[ -x "$llmsim" ] || { echo "make_readme_plot.sh: $llmsim not found: build first (scripts/build.sh)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run="$work/llama2-70b-tp4pp2-lor-vllm.h5"   # the file name is the legend's run label
"$llmsim" --quiet --config configs/examples/llama2-70b-tp4pp2-lor-vllm.yaml \
    --set metrics.store_token_completion_metrics=true --set metrics.store_time_series=true --output "$run" --report
figure="$run.report/replica_kv_timeseries.png"
[ -s "$figure" ] || { echo "make_readme_plot.sh: the report has no $(basename "$figure")" >&2; exit 1; }
mkdir -p docs/img
cp "$figure" docs/img/report-example.png
echo "wrote docs/img/report-example.png"
