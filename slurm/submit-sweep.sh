#!/usr/bin/env bash
# Submits a sweep to Slurm, either as one allocation over R ranks or as an N-task job array plus a merge job.
# Prints the job id(s); follow with slurm/sweep-status.sh. Re-submitting resumes (finished configurations skip).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() {
  cat <<USAGE
Usage: slurm/submit-sweep.sh --job JOB.yaml [options]
  --job FILE          sweep definition (jobs/*.yaml)                       (required)
  --output FILE       sweep HDF5 file                                       (default out/<job name>.h5)
  --mode MODE         allocation: one job, ranks share the configurations  (default)
                      array: an N-task job array, task K runs shard K/N, then a merge job
  --ranks R           ranks of the allocation, or per array task           (default 2 / 1)
  --tasks N           array tasks                                          (default 4)
  --ranks-per-config K  allocation mode: groups of K ranks run one configuration each, rank 0 hands out
                      (then --ranks must be 1 + a multiple of K)           (default 1)
  --time T            time limit per job, e.g. 02:00:00                    (default 01:00:00)
  --partition P       Slurm partition                                      (default: the cluster's default)
  --overcommit        allow more ranks than CPUs (sbatch -O)
  --bin DIR           directory holding llmsim-sweep                       (default build/src/app)
  --sbatch-arg ARG    extra sbatch argument (repeatable), e.g. --sbatch-arg=--account=proj
USAGE
}
job="" output="" mode=allocation ranks="" tasks=4 time=01:00:00 partition="" overcommit="" bin="$here/../build/src/app"
per_config=1
extra=()
while [ $# -gt 0 ]; do
  case $1 in
    --job) job=$2; shift 2 ;;
    --output) output=$2; shift 2 ;;
    --mode) mode=$2; shift 2 ;;
    --ranks) ranks=$2; shift 2 ;;
    --tasks) tasks=$2; shift 2 ;;
    --ranks-per-config) per_config=$2; shift 2 ;;
    --time) time=$2; shift 2 ;;
    --partition) partition=$2; shift 2 ;;
    --overcommit) overcommit=1; shift ;;
    --bin) bin=$2; shift 2 ;;
    --sbatch-arg=*) extra+=("${1#--sbatch-arg=}"); shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "submit-sweep.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
[ -n "$job" ] || { echo "submit-sweep.sh: --job is required" >&2; usage >&2; exit 2; }
[ -f "$job" ] || { echo "submit-sweep.sh: $job: no such sweep file" >&2; exit 2; }
[[ $mode == allocation || $mode == array ]] || { echo "submit-sweep.sh: --mode must be allocation or array" >&2; exit 2; }
[[ $tasks =~ ^[1-9][0-9]*$ ]] || { echo "submit-sweep.sh: --tasks must be a positive integer" >&2; exit 2; }
bin=$(cd "$bin" && pwd)
[ -x "$bin/llmsim-sweep" ] || { echo "submit-sweep.sh: $bin/llmsim-sweep not found (build first)" >&2; exit 2; }
job=$(cd "$(dirname "$job")" && pwd)/$(basename "$job")
"$bin/llmsim-sweep" list "$job" >/dev/null  # validate the whole sweep before submitting anything
if [ -z "$output" ]; then
  output=$("$bin/llmsim-sweep" list "$job" | sed -n 's/^results: //p')
fi
mkdir -p "$(dirname "$output")"
output=$(cd "$(dirname "$output")" && pwd)/$(basename "$output")
logs="$output.slurm"
mkdir -p "$logs"
common=(--parsable --time "$time"
  --export "ALL,LLMSIM_BIN=$bin,SWEEP_JOB=$job,SWEEP_OUTPUT=$output,SWEEP_RANKS_PER_CONFIG=$per_config")
[ -n "$partition" ] && common+=(--partition "$partition")
[ -n "$overcommit" ] && common+=(--overcommit)
common+=("${extra[@]}")
if [ "$mode" = allocation ]; then
  id=$(sbatch "${common[@]}" --ntasks "${ranks:-2}" --output "$logs/%x-%j.out" "$here/sweep-allocation.sbatch")
  echo "submitted sweep job $id (${ranks:-2} ranks); logs in $logs; results $output"
  echo "$id" > "$logs/jobs"
else
  array=$(sbatch "${common[@]}" --ntasks "${ranks:-1}" --array "0-$((tasks - 1))" --output "$logs/%x-%A_%a.out" \
    "$here/sweep-array.sbatch")
  merge=$(sbatch "${common[@]}" --dependency "afterany:$array" --output "$logs/%x-%j.out" "$here/sweep-merge.sbatch")
  echo "submitted array job $array ($tasks tasks x ${ranks:-1} rank(s)) and merge job $merge; logs in $logs; results $output"
  printf '%s\n%s\n' "$array" "$merge" > "$logs/jobs"
fi
