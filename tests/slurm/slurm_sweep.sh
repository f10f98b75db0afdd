#!/usr/bin/env bash
# Real single-node Slurm: start a local cluster, submit the ci-small sweep through slurm/submit-sweep.sh both
# ways (one 2-rank allocation with srun/PMIx; a 4-task job array plus a merge job), wait, and check each merged
# file with h5py: every configuration present and equal to running it alone; both files equal. Then one
# distributed llmsim run under srun on 2 ranks must equal the single-process run.
# Usage: slurm_sweep.sh SOURCE_DIR BIN_DIR WORKDIR      (exit 77 = skipped: needs root and the Slurm packages)
set -euo pipefail
src=$1 bin=$2 work=$3
if [ "$(id -u)" -ne 0 ] || ! command -v slurmctld >/dev/null; then
  echo "SKIP: needs root and slurmctld/slurmd/munge (scripts/install_deps.sh)"; exit 77
fi
rm -rf "$work" && mkdir -p "$work"
state="$work/slurm-state"
# shellcheck source=/dev/null
source "$src/slurm/local-cluster-up.sh" "$state"
trap '"$src/slurm/local-cluster-down.sh" "$state"; [ -n "${ok:-}" ] || tail -n 50 "$state"/log/slurm*.log' EXIT
job="$src/jobs/ci-small.yaml"
"$src/slurm/submit-sweep.sh" --job "$job" --output "$work/allocation/ci-small.h5" --mode allocation --ranks 2 \
  --time 00:10:00 --bin "$bin"
"$src/slurm/submit-sweep.sh" --job "$job" --output "$work/array/ci-small.h5" --mode array --tasks 4 \
  --time 00:10:00 --bin "$bin"
for mode in allocation array; do
  "$src/slurm/sweep-status.sh" --job "$job" --output "$work/$mode/ci-small.h5" --bin "$bin" --wait || {
    cat "$work/$mode/ci-small.h5.slurm"/*.out; echo "FAIL: the $mode sweep did not complete"; exit 1; }
  cat "$work/$mode/ci-small.h5.slurm"/*.out
  /usr/bin/python3 "$src/tests/python/check_sweep_h5.py" "$work/$mode/ci-small.h5" "$job" \
    --sweep "$bin/llmsim-sweep" --llmsim "$bin/llmsim" --workdir "$work/$mode/alone"
done
grep -q "on 2 rank(s)" "$work"/allocation/ci-small.h5.slurm/llmsim-sweep-*.out || {
  echo "FAIL: the allocation did not run 2 ranks"; exit 1; }
bash "$src/tests/mpi/sweep_identical.sh" "$work/allocation/ci-small.h5" "$work/array/ci-small.h5"

# One distributed simulation launched by srun (PMIx) equals the single-process run byte for byte.
config="$src/configs/examples/llama2-70b-tp4pp2-lor-vllm.yaml"
"$bin/llmsim" -q -c "$config" --set cluster.routing.latency=20us -o "$work/srun/np1.h5"
jid=$(sbatch --parsable --ntasks 2 --time 00:10:00 --output "$work/srun/%j.out" \
  --wrap "srun --mpi=pmix $bin/llmsim -q -c $config --set cluster.routing.latency=20us -o $work/srun/np2.h5")
while squeue -h -j "$jid" 2>/dev/null | grep -q .; do sleep 0.2; done
cat "$work"/srun/*.out
/usr/bin/python3 "$src/scripts/compare_results.py" --exact "$work/srun/np1.h5" "$work/srun/np2.h5"
ok=1
echo "OK: both Slurm submissions produced the complete, standalone-equal sweep file"
