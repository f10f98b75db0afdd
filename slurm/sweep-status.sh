#!/usr/bin/env bash
# Shows a submitted sweep's progress: its Slurm jobs (from <output>.slurm/jobs) and its finished configurations.
# Usage: slurm/sweep-status.sh --job JOB.yaml [--output FILE] [--bin DIR] [--wait]
#   --wait: poll until the sweep's jobs have left the queue, then print the final status (exit 1 if incomplete)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
job="" output="" bin="$here/../build/src/app" wait=""
while [ $# -gt 0 ]; do
  case $1 in
    --job) job=$2; shift 2 ;;
    --output) output=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --wait) wait=1; shift ;;
    *) echo "sweep-status.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$job" ] || { echo "sweep-status.sh: --job is required" >&2; exit 2; }
[ -n "$output" ] || output=$("$bin/llmsim-sweep" list "$job" | sed -n 's/^results: //p')
jobs_file="$output.slurm/jobs"
ids=""
[ -f "$jobs_file" ] && ids=$(paste -sd, "$jobs_file")
if [ -n "$wait" ] && [ -n "$ids" ]; then
  while squeue -h -j "$ids" 2>/dev/null | grep -q .; do sleep 0.5; done
fi
if [ -n "$ids" ]; then
  echo "Slurm jobs $ids:"
  squeue -j "$ids" -o "  %.12i %.24j %.9T %.10M %.6D %R" 2>/dev/null | sed 1d || true
  for id in ${ids//,/ }; do  # finished jobs stay visible to scontrol for MinJobAge seconds
    scontrol -o show job "$id" 2>/dev/null | while read -r line; do
      echo "$line" | grep -oE '(^| )(JobId|ArrayTaskId|JobName|JobState|ExitCode)=[^ ]*' | paste -sd' ' | sed 's/^ */  /'
    done || true
  done
fi
"$bin/llmsim-sweep" status "$job" --output "$output"
if [ -n "$wait" ]; then
  "$bin/llmsim-sweep" status "$job" --output "$output" | grep -q "(100%)" && [ -f "$output" ]
fi
