#!/usr/bin/env bash
# A real single-node Slurm test cluster on loopback, run as root without systemd or cgroups.
#
#   scripts/slurm-test-cluster.sh start  <statedir>   # prints 'export SLURM_CONF=…' on stdout, the rest on stderr
#   scripts/slurm-test-cluster.sh stop   <statedir>   # TERM (then KILL after ~10 s) exactly the pids in its pid files
#   scripts/slurm-test-cluster.sh status <statedir>   # which daemons run
#
# Everything lives under <statedir>: slurm.conf, the munge key, socket, seed and log, slurmctld's state, slurmd's
# spool, the daemons' logs and pid files. Nothing in /etc/munge or /etc/slurm is read or written; a system munged (e.g.
# one started by the apt postinst) is neither used nor touched. Ports: SLURM_TEST_CTLD_PORT (16817) and
# SLURM_TEST_SLURMD_PORT (16818). docs/cluster/test-cluster.md explains every slurm.conf setting.
#
# Usage in a shell:  eval "$(scripts/slurm-test-cluster.sh start /tmp/cl-slurm)"
set -uo pipefail

usage() { echo "usage: $0 start|stop|status <statedir>" >&2; exit 64; }
[ $# -eq 2 ] || usage
cmd=$1
statedir=$2
case "$statedir" in /*) ;; *) statedir="$PWD/$statedir" ;; esac

log() { echo "slurm-test-cluster: $*" >&2; }
now_ms() { date +%s%3N; }

# Daemons in start order.
DAEMONS=(munged slurmctld slurmd)
pidfile() { echo "$statedir/run/$1.pid"; }

# The pid in a pid file when that process is alive and is that daemon, else nothing.
live_pid() {
  local f pid
  f=$(pidfile "$1")
  [ -s "$f" ] || return 1
  pid=$(tr -dc '0-9' <"$f")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # A stale pid file whose pid now belongs to another program does not count (and is never signalled).
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$1" ] || return 1
  echo "$pid"
}

# TERM the named daemons (those whose pid files name them), wait up to 10 s for all to exit, then KILL any left.
term_and_wait() {
  local name pid waited alive
  local -a pids=()
  for name in "$@"; do
    if pid=$(live_pid "$name"); then
      log "stopping $name (pid $pid)"
      kill -TERM "$pid" 2>/dev/null
      pids+=("$pid")
    fi
  done
  waited=0
  while :; do
    alive=()
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
    [ ${#alive[@]} -eq 0 ] && break
    if [ $waited -ge 100 ]; then
      log "pid(s) ${alive[*]} still alive after 10 s: KILL"
      kill -KILL "${alive[@]}" 2>/dev/null
      sleep 0.2
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  for name in "$@"; do rm -f "$(pidfile "$name")"; done
}

stop_daemons() {
  local waited ids
  # Jobs still running would leave their slurmstepd and processes behind once slurmd is gone: ask this cluster's own
  # controller to cancel them first (scoped by SLURM_CONF, never by process name), waiting up to KillWait + 2 s.
  if live_pid slurmctld >/dev/null && live_pid slurmd >/dev/null; then
    # %F: the array's job id for every task of an array (one scancel each), the job id otherwise.
    ids=$(SLURM_CONF="$statedir/slurm.conf" timeout 5 squeue -h -o '%F' 2>/dev/null | sort -u | tr '\n' ' ')
    if [ -n "${ids// /}" ]; then
      log "cancelling jobs still queued or running: $ids"
      # shellcheck disable=SC2086
      SLURM_CONF="$statedir/slurm.conf" timeout 5 scancel $ids 2>/dev/null
      waited=0
      while [ -n "$(SLURM_CONF="$statedir/slurm.conf" timeout 5 squeue -h -o '%A' 2>/dev/null)" ] && [ $waited -lt 70 ]; do
        sleep 0.1
        waited=$((waited + 1))
      done
    fi
  fi
  # Each daemon takes ~2 s to exit after TERM: slurmd and slurmctld go together, munged (their authenticator) after.
  term_and_wait slurmd slurmctld
  term_and_wait munged
}

print_logs() {
  local f
  for f in "$statedir"/log/*.log; do
    [ -f "$f" ] || continue
    echo "----- $f (last 40 lines) -----" >&2
    tail -n 40 "$f" >&2
  done
}

# Waits until a daemon has written its pid file and the process is alive.
wait_pid() {
  local name=$1 tries=0
  while ! live_pid "$name" >/dev/null; do
    tries=$((tries + 1))
    [ $tries -gt 100 ] && return 1
    sleep 0.1
  done
}

start_failed() {
  log "start failed: $1"
  print_logs
  stop_daemons
  log "start failed: $1 (logs above)"
  exit 1
}

# True when something accepts TCP connections on 127.0.0.1:<port> (bash's /dev/tcp: no ss/netstat needed).
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

write_conf() {
  local host=$1 cpus=$2 mem=$3
  cat >"$statedir/slurm.conf" <<EOF
# Written by scripts/slurm-test-cluster.sh: a single-node test cluster on loopback (docs/cluster/test-cluster.md).
ClusterName=cltest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$statedir/munge/munge.socket
StateSaveLocation=$statedir/ctld-state
SlurmdSpoolDir=$statedir/slurmd-spool
SlurmctldPidFile=$statedir/run/slurmctld.pid
SlurmdPidFile=$statedir/run/slurmd.pid
SlurmctldLogFile=$statedir/log/slurmctld.log
SlurmdLogFile=$statedir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=$statedir/plugstack.conf
MailProg=/bin/true
# No systemd, no cgroups: track job processes through /proc, bind nothing.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
# No accounting: the sweep judges success by its result files, not sacct.
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
# Scheduling: FIFO, schedule at submit time without delay, main loop every 2 s as a backstop.
SchedulerType=sched/builtin
SchedulerParameters=batch_sched_delay=0,sched_interval=2,sched_min_interval=0,default_queue_depth=1000
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
# Fast teardown and short-lived records of finished jobs.
KillWait=5
MinJobAge=30
InactiveLimit=0
MessageTimeout=10
SlurmctldTimeout=30
SlurmdTimeout=60
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  # An empty plugin stack: the system's /etc/slurm/plugstack.conf (and its plugstack.conf.d) stays out of the test.
  : >"$statedir/plugstack.conf"
}

do_start() {
  local name pid host cpus memkb mem t0 state tries port
  for name in "${DAEMONS[@]}"; do
    if pid=$(live_pid "$name"); then
      echo "slurm-test-cluster: already running in $statedir ($name pid $pid); stop it first" >&2
      exit 2
    fi
  done
  for name in munged slurmctld slurmd sinfo; do
    command -v "$name" >/dev/null || PATH="$PATH:/usr/sbin:/sbin" command -v "$name" >/dev/null ||
      { log "$name is not installed (apt-get install slurm-wlm munge)"; exit 1; }
  done
  export PATH="$PATH:/usr/sbin:/sbin"
  t0=$(now_ms)

  # Fresh state on every start: no jobs survive a stop.
  rm -rf "$statedir/ctld-state" "$statedir/slurmd-spool" "$statedir/log" "$statedir/run" "$statedir/munge"
  mkdir -p "$statedir" "$statedir/ctld-state" "$statedir/slurmd-spool" "$statedir/log" "$statedir/run" \
    "$statedir/munge" || start_failed "cannot create $statedir"
  # munged refuses group/world-writable directories on the way to its key, socket and log, and wants the socket's
  # directory searchable by everyone (job scripts may run as other users).
  chmod 0755 "$statedir" "$statedir/munge" || start_failed "chmod $statedir"

  host=$(hostname -s)
  cpus=$(nproc)
  memkb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
  # RealMemory (MiB): total minus a 1 GiB margin, never under 256 MiB; slurmd drains a node that reports less.
  mem=$((memkb / 1024 - 1024))
  [ "$mem" -lt 256 ] && mem=256
  CTLD_PORT=${SLURM_TEST_CTLD_PORT:-16817}
  SLURMD_PORT=${SLURM_TEST_SLURMD_PORT:-16818}
  for port in "$CTLD_PORT" "$SLURMD_PORT"; do
    if port_busy "$port"; then
      log "port $port on 127.0.0.1 is in use; choose others with SLURM_TEST_CTLD_PORT / SLURM_TEST_SLURMD_PORT"
      exit 1
    fi
  done
  write_conf "$host" "$cpus" "$mem"
  export SLURM_CONF="$statedir/slurm.conf"

  # munged: own key, socket, pid, log and seed under statedir.
  mungekey --create --keyfile="$statedir/munge/munge.key" --bits=1024 >&2 ||
    dd if=/dev/urandom of="$statedir/munge/munge.key" bs=1024 count=1 status=none ||
    start_failed "cannot create the munge key"
  chmod 0400 "$statedir/munge/munge.key"
  munged --force \
    --socket="$statedir/munge/munge.socket" \
    --key-file="$statedir/munge/munge.key" \
    --pid-file="$(pidfile munged)" \
    --log-file="$statedir/log/munged.log" \
    --seed-file="$statedir/munge/munged.seed" >&2 || start_failed "munged did not start"
  wait_pid munged || start_failed "munged wrote no pid file"
  tries=0
  until munge -n -S "$statedir/munge/munge.socket" | unmunge -S "$statedir/munge/munge.socket" >/dev/null 2>&1; do
    tries=$((tries + 1))
    [ $tries -gt 50 ] && start_failed "munge socket $statedir/munge/munge.socket does not answer"
    sleep 0.1
  done

  # -c: cold start, no saved jobs. Both daemonize and write their pid files (SlurmctldPidFile / SlurmdPidFile).
  slurmctld -c -f "$SLURM_CONF" >&2 || start_failed "slurmctld did not start"
  wait_pid slurmctld || start_failed "slurmctld wrote no pid file"
  slurmd -f "$SLURM_CONF" >&2 || start_failed "slurmd did not start"
  wait_pid slurmd || start_failed "slurmd wrote no pid file"

  # Ready once the node is idle (timeout 30 s).
  tries=0
  while :; do
    state=$(sinfo -h -N -o '%T' 2>/dev/null | head -n 1)
    case "$state" in idle | mixed | allocated) break ;; esac
    for name in "${DAEMONS[@]}"; do
      live_pid "$name" >/dev/null || start_failed "$name died"
    done
    tries=$((tries + 1))
    [ $tries -gt 150 ] && start_failed "node not idle after 30 s (sinfo says '${state:-nothing}')"
    sleep 0.2
  done
  local t_idle=$(($(now_ms) - t0))

  # A warm-up job proves the whole path (munge credential, slurmd launch, slurmstepd) and absorbs slurmctld's first
  # scheduling pass, which comes ~3 s after it starts; afterwards a job starts within ~1 s of sbatch.
  local jobid jobstate
  jobid=$(cd "$statedir" && sbatch --parsable --job-name=warmup --output=/dev/null --wrap true 2>&1) ||
    start_failed "sbatch of the warm-up job failed: $jobid"
  jobid=${jobid%%;*}
  tries=0
  while [ -n "$(squeue -h --jobs="$jobid" 2>/dev/null)" ]; do
    tries=$((tries + 1))
    [ $tries -gt 300 ] && start_failed "warm-up job $jobid still queued after 30 s"
    sleep 0.1
  done
  jobstate=$(scontrol show job "$jobid" 2>/dev/null | tr ' ' '\n' | sed -n 's/^JobState=//p')
  [ "$jobstate" = COMPLETED ] || start_failed "warm-up job $jobid ended ${jobstate:-without a record}, not COMPLETED"
  log "node idle after $t_idle ms, warm-up job done after $(($(now_ms) - t0)) ms"
  log "up in $(($(now_ms) - t0)) ms: node $host ($cpus CPUs, ${mem} MiB), partition debug, ports $CTLD_PORT/$SLURMD_PORT"
  echo "export SLURM_CONF=$statedir/slurm.conf"
}

do_status() {
  local name pid rc=0
  for name in "${DAEMONS[@]}"; do
    if pid=$(live_pid "$name"); then
      echo "$name: running (pid $pid)"
    else
      echo "$name: not running"
      rc=3
    fi
  done
  if [ $rc -eq 0 ]; then
    echo "node: $(SLURM_CONF="$statedir/slurm.conf" sinfo -h -N -o '%N %T' 2>&1 | head -n 1)"
  fi
  return $rc
}

case "$cmd" in
  start) do_start ;;
  stop) stop_daemons; log "stopped ($statedir)" ;;
  status) do_status ;;
  *) usage ;;
esac
