#!/usr/bin/env bash
# A single-node SLURM for the slurm backend's tests (Debian slurm-wlm + munge, as root, no systemd; recipe and
# pitfalls in ../shared/slurm/README.md). Usage:
#   scripts/ci-slurm.sh start DIR    fresh state under DIR, munged + slurmctld + slurmd, waits until the node is idle
#   scripts/ci-slurm.sh stop DIR     stops the daemons it started (by their PIDs in DIR), slurmd first
#   scripts/ci-slurm.sh ctld-stop DIR / ctld-start DIR
#                                    stop / start only the controller (its saved state kept): the outage test
# No accounting database: finished jobs stay visible to `squeue --states=all` for MinJobAge (300 s), which is what
# the backend reads; `sacct` says "accounting storage is disabled" and the backend treats that as unknown.
set -euo pipefail
cmd=${1:?start|stop}
dir=$(realpath -m "${2:?state folder}")
H=$(hostname -s)
N=$(nproc)

stop() {
  for d in slurmd slurmctld munged; do
    f="$dir/$d.pid"
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      # slurmd ignores SIGTERM while it cannot reach slurmctld.
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  done
}

start_ctld() {
  /usr/sbin/slurmctld -D -f "$dir/slurm.conf" >>"$dir/log/slurmctld.out" 2>&1 &
  echo $! > "$dir/slurmctld.pid"
}

if [ "$cmd" = stop ]; then stop; exit 0; fi
if [ "$cmd" = ctld-stop ]; then
  pid=$(cat "$dir/slurmctld.pid"); kill "$pid"
  for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.25; done
  kill -9 "$pid"; exit 0
fi
if [ "$cmd" = ctld-start ]; then
  # Without -c: the saved state (queued and running jobs) is recovered.
  start_ctld
  export SLURM_CONF="$dir/slurm.conf"
  for _ in $(seq 60); do timeout 5 squeue -h >/dev/null 2>&1 && exit 0; sleep 0.5; done
  echo "slurmctld did not come back" >&2; exit 1
fi
[ "$cmd" = start ] || { echo "usage: $0 start|stop|ctld-stop|ctld-start DIR" >&2; exit 2; }
command -v slurmctld >/dev/null || { echo "slurm-wlm is not installed" >&2; exit 3; }
stop
rm -rf "$dir/state" "$dir/spool"
mkdir -p "$dir/state" "$dir/spool" "$dir/log" /run/munge
# slurmctld runs as the slurm user: every folder above its state must be traversable (mkdtemp makes 0700 ones).
p="$dir"; while [ "$p" != / ]; do [ -O "$p" ] && chmod o+x "$p"; p=$(dirname "$p"); done
chown slurm:slurm "$dir/state" "$dir/spool" "$dir/log" 2>/dev/null || true
chown munge:munge /run/munge
cat > "$dir/slurm.conf" <<CONF
ClusterName=glassfitci
SlurmctldHost=$H
SlurmUser=slurm
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.run.pid
SlurmdPidFile=$dir/slurmd.run.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
AccountingStorageType=accounting_storage/none
MinJobAge=300
KillWait=2
OverTimeLimit=0
InactiveLimit=0
NodeName=$H CPUs=$N State=UNKNOWN
PartitionName=debug Nodes=$H Default=YES MaxTime=INFINITE State=UP
CONF
chmod 644 "$dir/slurm.conf"
export SLURM_CONF="$dir/slurm.conf"
# setpriv execs munged itself, so the PID kept below is munged's (su would leave it behind when stopped).
setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged -F >"$dir/log/munged.out" 2>&1 &
echo $! > "$dir/munged.pid"
for _ in $(seq 40); do [ -S /run/munge/munge.socket.2 ] && break; sleep 0.25; done
start_ctld
sleep 1
/usr/sbin/slurmd -D -f "$dir/slurm.conf" >"$dir/log/slurmd.out" 2>&1 &
echo $! > "$dir/slurmd.pid"
for _ in $(seq 60); do
  st=$(timeout 5 sinfo -h -o %t 2>/dev/null || true)
  kill -0 "$(cat "$dir/slurmctld.pid")" 2>/dev/null || break
  case "$st" in idle*|mix*|alloc*) echo "slurm up: SLURM_CONF=$dir/slurm.conf"; exit 0;; esac
  sleep 0.5
done
echo "slurm did not come up; logs in $dir/log" >&2
tail -5 "$dir/log/"*.out >&2 || true
stop
exit 1
