#!/usr/bin/env bash
# Starts a single-node Slurm cluster on this machine (slurmctld + slurmd + munged, no systemd), for trying the
# sweep templates and for CI. Needs root and the packages from scripts/install_deps.sh.
# Usage: source slurm/local-cluster-up.sh [STATE_DIR]    (exports SLURM_CONF; default STATE_DIR /tmp/llmsim-slurm)
# Stop it with slurm/local-cluster-down.sh [STATE_DIR].
SLURM_DIR=${1:-/tmp/llmsim-slurm}
mkdir -p "$SLURM_DIR"/{state,spool,log,run}
cat > "$SLURM_DIR/slurm.conf" <<CONF
ClusterName=llmsim-local
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
MpiDefault=pmix
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
SchedulerType=sched/backfill
SchedulerParameters=sched_min_interval=0,batch_sched_delay=0,sched_interval=1,bf_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$SLURM_DIR/state
SlurmdSpoolDir=$SLURM_DIR/spool
SlurmctldPidFile=$SLURM_DIR/run/slurmctld.pidfile
SlurmdPidFile=$SLURM_DIR/run/slurmd.pidfile
SlurmctldLogFile=$SLURM_DIR/log/slurmctld.log
SlurmdLogFile=$SLURM_DIR/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$SLURM_DIR/log/jobcomp.txt
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
NodeName=localhost CPUs=$(nproc) RealMemory=2000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$SLURM_DIR/slurm.conf"
[ -s /etc/munge/munge.key ] || { mungekey --create --force && chown munge:munge /etc/munge/munge.key; }
install -d -o munge -g munge -m 0755 /run/munge
if ! munge -n </dev/null >/dev/null 2>&1; then
  setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged -F >"$SLURM_DIR/log/munged.out" 2>&1 &
  echo $! > "$SLURM_DIR/run/munged.pid"
  for _ in $(seq 100); do munge -n </dev/null >/dev/null 2>&1 && break; sleep 0.1; done
fi
slurmctld -D >"$SLURM_DIR/log/slurmctld.out" 2>&1 & echo $! > "$SLURM_DIR/run/slurmctld.pid"
slurmd -D -N localhost >"$SLURM_DIR/log/slurmd.out" 2>&1 & echo $! > "$SLURM_DIR/run/slurmd.pid"
for _ in $(seq 150); do sinfo -h -o %T 2>/dev/null | grep -qx idle && break; sleep 0.2; done
if sinfo -h -o %T 2>/dev/null | grep -qx idle; then
  echo "local Slurm cluster up (SLURM_CONF=$SLURM_CONF)"
else
  echo "local Slurm cluster did not come up; see $SLURM_DIR/log" >&2
  return 1 2>/dev/null || exit 1
fi
