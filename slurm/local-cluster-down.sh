#!/usr/bin/env bash
# Stops the cluster started by slurm/local-cluster-up.sh.  Usage: slurm/local-cluster-down.sh [STATE_DIR]
SLURM_DIR=${1:-/tmp/llmsim-slurm}
for daemon in slurmd slurmctld munged; do
  pidfile="$SLURM_DIR/run/$daemon.pid"
  [ -s "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    state=$(ps -o stat= -p "$pid" 2>/dev/null || true)
    [ -z "$state" ] || [[ $state == Z* ]] && break
    sleep 0.1
  done
  rm -f "$pidfile"
done
echo "local Slurm cluster stopped"
