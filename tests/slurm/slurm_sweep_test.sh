#!/usr/bin/env bash
# SlurmSweep: a small sweep as a real Slurm job array on a one-node Slurm cluster this script starts
# (munged, slurmctld, slurmd: Debian's munge and slurm-wlm) and stops again, whatever happens, with
# deploy/slurm/sweep.sbatch. `shailoo sweep merge` of the array's shard folders must equal, byte for
# byte, a sweep of the same seeds on this machine. Runs as root (SlurmUser=root); fails, never
# skips, without Slurm. Usage: slurm_sweep_test.sh SHAILOO SOURCE_DIR WORK_DIR
set -euo pipefail
shailoo=$(realpath "$1"); src=$(realpath "$2"); work=$3
scenario=$src/tests/data/talas-faults.yaml
seeds=1..4
shards=2

rm -rf "$work"; mkdir -p "$work"; work=$(realpath "$work")
chmod 700 "$work"
pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ $rc -ne 0 ]; then
    for log in "$work"/*.log "$work"/out/*.out; do [ -f "$log" ] && { echo "--- $log"; tail -n 30 "$log"; }; done
  fi
  exit $rc
}
trap cleanup EXIT
fail() { echo "SlurmSweep: $*" >&2; exit 1; }
for tool in munged mungekey slurmctld slurmd sbatch squeue scontrol; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || fail "$tool is not installed (scripts/install-deps.sh: munge, slurm-wlm)"
done
[ "$(id -u)" -eq 0 ] || fail "must run as root (the one-node cluster runs its daemons as root)"
export PATH=$PATH:/usr/sbin

# munged with its own key, socket and state.
mkdir -m 711 "$work/munge"
mungekey --create --keyfile="$work/munge/munge.key" --force >/dev/null 2>&1 \
  || dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.sock" --pid-file="$work/munge/munged.pid" \
  --log-file="$work/munged.log" --seed-file="$work/munge/seed" --foreground 2>>"$work/munged.log" &
pids+=($!)
for _ in $(seq 50); do [ -S "$work/munge/munge.sock" ] && break; sleep 0.1; done
[ -S "$work/munge/munge.sock" ] || fail "munged did not start"

# slurm.conf for one node (this host), ports of its own.
node=$(hostname -s)
cpus=$(nproc)
port=$((20000 + RANDOM % 20000))
mkdir -p "$work/state" "$work/spool" "$work/out"
cat > "$work/slurm.conf" <<CONF
ClusterName=shailoo-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/munge.sock
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=sweep Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf
slurmctld -D -i -f "$SLURM_CONF" >>"$work/slurmctld.log" 2>&1 &
pids+=($!)
slurmd -D -N "$node" -f "$SLURM_CONF" >>"$work/slurmd.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed)' && break
  sleep 0.2
done
sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed)' || fail "the node did not come up: $(sinfo -h 2>&1)"

# The sweep as a job array of $shards tasks, the repository's batch script as it is shipped.
start=$(date +%s%N)
export SHAILOO=$shailoo SCENARIO=$scenario SEEDS=$seeds SWEEP_DIR=$work/shards SWEEP_ARGS="--threads 1"
timeout 50 sbatch --wait --array=0-$((shards - 1)) --cpus-per-task=1 --output="$work/out/%A_%a.out" \
  "$src/deploy/slurm/sweep.sbatch" >"$work/sbatch.log" 2>&1 || fail "the job array failed: $(cat "$work/sbatch.log")"
end=$(date +%s%N)
echo "SlurmSweep: job array of $shards tasks done in $(( (end - start) / 1000000 )) ms"

for i in $(seq 0 $((shards - 1))); do  # each array task ran its own shard, and only that
  python3 -c "import json,sys; p=json.load(open(sys.argv[1])); sys.exit(p['shard'] != {'index': $i, 'count': $shards})" \
    "$work/shards/shard-$i/sweep-plan.json" || fail "shard-$i is not shard $i/$shards of the sweep"
done
"$shailoo" sweep merge "$work"/shards/shard-* --out "$work/merged" -q || fail "shailoo sweep merge failed"
"$shailoo" sweep "$scenario" --seeds $seeds --jobs 2 --threads 1 --out "$work/single" -q || fail "the single-machine sweep failed"
cmp "$work/merged/sweep.json" "$work/single/sweep.json" || fail "merged sweep.json differs from the single-machine one"
cmp "$work/merged/sweep.txt" "$work/single/sweep.txt" || fail "merged sweep.txt differs from the single-machine one"
grep -q '"nights": 4' "$work/merged/sweep.json" || fail "the merged report does not hold 4 nights"
echo "SlurmSweep: the merged report of the job array equals the single-machine sweep, byte for byte"
