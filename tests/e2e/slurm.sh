# slurm.sh - a sweep through a real Slurm job array: a single-node Slurm
# (munged, slurmctld, slurmd from Debian's packages) started here on
# loopback with its own key, configuration and ports, a tiny grid
# submitted with the scripts `handset sweep --slurm` writes, and the
# summary the dependent job writes compared byte for byte with the same
# sweep run locally. Skipped, saying why, where Slurm is not installed
# (./configure --with-slurm --install-deps installs it).
. tests/e2e/lib.sh

missing=""
for c in munged slurmctld slurmd sbatch squeue sinfo; do
    command -v $c >/dev/null 2>&1 || missing="$missing $c"
done
if [ -n "$missing" ]; then
    echo "ok - sweep through a Slurm job array # SKIP not installed:$missing" \
        "(./configure --with-slurm --install-deps)"
    exit 0
fi

S=tests/data/sweep/call-short.json
GRID="-a native,hyp-mils --seeds 1-2 --set virt.hyp-mils.slice_ms=5,20"
T=$E2E_TMP/slurm
mkdir -p "$T/state" "$T/spool"
node=$(hostname -s)
me=$(id -un)
port=$((20000 + ($$ % 10000) * 2))

check() {
    name=$1; shift
    if "$@" >/dev/null 2>&1; then echo "ok - $name"; else echo "not ok - $name"; fi
}

# Stops what this script started, by the PIDs they recorded.
stop_all() {
    for p in slurmd slurmctld munged; do
        [ -s "$T/$p.pid" ] && kill "$(cat "$T/$p.pid")" 2>/dev/null
    done
    sleep 1
    rm -rf "$E2E_TMP"
}
trap stop_all EXIT INT TERM

dd if=/dev/urandom of="$T/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$T/munge.key"
cat >"$T/slurm.conf" <<CONF
ClusterName=handsettest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=$me
SlurmdUser=$me
AuthType=auth/munge
AuthInfo=socket=$T/munge.sock
CredType=cred/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$node NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=handset Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$T/slurm.conf"

munged -f --key-file="$T/munge.key" --socket="$T/munge.sock" \
    --pid-file="$T/munged.pid" --log-file="$T/munged.log" \
    --seed-file="$T/munged.seed" >"$T/munged.out" 2>&1
slurmctld -c -f "$T/slurm.conf" >"$T/slurmctld.out" 2>&1
slurmd -f "$T/slurm.conf" >"$T/slurmd.out" 2>&1
i=0
until sinfo -h -o %T 2>/dev/null | grep -q idle || [ $i -ge 100 ]; do
    sleep 0.2; i=$((i + 1))
done
if sinfo -h -o %T 2>/dev/null | grep -q idle; then
    echo "ok - a single-node Slurm on loopback is up"
else
    echo "not ok - a single-node Slurm on loopback is up"
    tail -n 5 "$T"/*.log "$T"/*.out 2>/dev/null | sed 's/^/#   /'
    exit 0
fi

# shellcheck disable=SC2086
expect_exit 0 "the grid run locally" -- $HS sweep $S $GRID -j 2 -o "$T/local" -q
# shellcheck disable=SC2086
expect_exit 0 "sweep --slurm writes the job scripts" -- \
    $HS sweep $S $GRID -o "$T/cluster" --slurm --shards 3
check "a job array of 3 shards" grep -q '^#SBATCH --array=1-3$' "$T/cluster/sweep.sbatch"
check "whose task I runs --shard I/3" \
    grep -q -- '--shard "$SLURM_ARRAY_TASK_ID/3"' "$T/cluster/sweep.sbatch"
expect_exit 0 "submit.sh submits the array and the summary after it" -- \
    sh "$T/cluster/submit.sh"
i=0
while [ ! -s "$T/cluster/summary.json" ] && [ $i -lt 900 ]; do
    sleep 0.2; i=$((i + 1))
done
until [ -z "$(squeue -h 2>/dev/null)" ] || [ $i -ge 900 ]; do
    sleep 0.2; i=$((i + 1))
done
check "every array task ran on the node" \
    test -e "$T/cluster/slurm/shard-1.out" -a -e "$T/cluster/slurm/shard-2.out" \
    -a -e "$T/cluster/slurm/shard-3.out"
check "the dependent job wrote the summary" grep -q "summary of 6 points" \
    "$T/cluster/slurm/collect.out"
check "the summary is byte-identical to the local sweep's" \
    cmp "$T/local/summary.json" "$T/cluster/summary.json"
check "so are summary.csv and summary.md" sh -c '
    cmp "$1/local/summary.csv" "$1/cluster/summary.csv" &&
    cmp "$1/local/summary.md" "$1/cluster/summary.md"' _ "$T"
diffs=$(cd "$T/local" && find . -name results.json | while read -r f; do
    cmp -s "$f" "$T/cluster/$f" || echo "$f"; done)
check "and every point's results.json" test -z "$diffs"
if [ ! -s "$T/cluster/summary.json" ]; then
    tail -n 5 "$T"/cluster/slurm/*.out "$T/slurmctld.log" 2>/dev/null | sed 's/^/#   /'
fi
