# outputs.sh - results are never lost or replaced unasked: existing
# results refused without --force, two runs into one -o, two runs started
# in the same second, unusable -o, out-of-range numbers, a serial
# compare -j 1, SIGINT/SIGTERM cleaning up, and stale partial directories
# of dead processes removed by the next run.
. tests/e2e/lib.sh

S=tests/data/sweep/call-short.json
LONG=scenarios/standby-24h.json
Q="-q --no-trace --no-pcap"

check() {
    name=$1; shift
    if "$@" >/dev/null 2>&1; then echo "ok - $name"; else echo "not ok - $name"; fi
}

# Unusable -o and out-of-range numbers: exit 2, nothing written.
expect_exit 2 '-o "" is refused' -- $HS run $S -a native -o "" $Q
expect_match "empty directory name" "and said why" -- $HS run $S -a native -o "" $Q
: >"$E2E_TMP/file"
expect_exit 2 "-o naming a file is refused" -- $HS run $S -a native -o "$E2E_TMP/file" $Q
expect_exit 2 "-o under a file is refused" -- $HS run $S -a native -o "$E2E_TMP/file/sub" $Q
expect_exit 2 "--set above 2^64-1 is refused" -- \
    $HS run $S -a native --set virt.hyp-pv.hypercall_cycles=99999999999999999999 -o "$E2E_TMP/x" $Q
expect_match "hypercall_cycles: value 99999999999999999999 is out of range" \
    "as out of range" -- \
    $HS run $S -a native --set virt.hyp-pv.hypercall_cycles=99999999999999999999 -o "$E2E_TMP/x" $Q
expect_exit 2 "--seed 2^63 is refused" -- $HS run $S -a native --seed 9223372036854775808 -o "$E2E_TMP/x" $Q
expect_exit 2 "--seed -1 is refused" -- $HS run $S -a native --seed=-1 -o "$E2E_TMP/x" $Q
check "nothing was written for refused runs" test ! -e "$E2E_TMP/x"
expect_exit 0 "--seed 2^63-1, the largest, runs" -- \
    $HS run $S -a native --seed 9223372036854775807 -o "$E2E_TMP/bigseed" $Q
check "and is kept exactly" \
    jq -e '.seed == "9223372036854775807"' "$E2E_TMP/bigseed/native/results.json"

# An existing result is refused without --force, replaced with it.
D=$E2E_TMP/once
expect_exit 0 "a run" -- $HS run $S -a native -o "$D" $Q
cp "$D/native/results.json" "$E2E_TMP/first.json"
expect_exit 2 "a second run into the same -o is refused" -- $HS run $S -a native -o "$D" $Q
expect_exit 2 "so is a compare whose compare.csv exists" -- \
    sh -c '"$1" compare "$2" -a native,hyp-mils -o "$3" -q --no-trace --no-pcap &&
           exec "$1" compare "$2" -a hyp-pv -o "$3" -q --no-trace --no-pcap' \
    _ "$HS" "$S" "$E2E_TMP/cmp"
check "the refused compare ran nothing" test ! -e "$E2E_TMP/cmp/hyp-pv"
expect_exit 0 "--force replaces it" -- $HS run $S -a native -o "$D" $Q --force
check "with the same result" cmp "$D/native/results.json" "$E2E_TMP/first.json"

# Two runs into the same -o at once: one result, the other refused.
T=$E2E_TMP/twice
$HS run $S -a native -o "$T" $Q 2>"$E2E_TMP/e1" & p1=$!
$HS run $S -a native -o "$T" $Q 2>"$E2E_TMP/e2" & p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
check "two runs with the same -o: one succeeds, the other exits 2 ($r1, $r2)" \
    test "$(echo "$r1 $r2" | tr ' ' '\n' | sort | tr '\n' ' ')" = "0 2 "
check "the result is whole" jq -e '.approach == "native"' "$T/native/results.json"
check "and nothing partial remains" test -z "$(find "$T" -name '*.partial-*')"

# Two runs started in the same second without -o: two directories.
W=$E2E_TMP/cwd
mkdir -p "$W"
abs_hs=$(cd "$(dirname "$HS")" && pwd)/$(basename "$HS")
abs_s=$(pwd)/$S
(
    cd "$W" || exit
    "$abs_hs" run "$abs_s" -a native $Q &
    "$abs_hs" run "$abs_s" -a native $Q &
    wait
)
check "two runs in the same second land in two directories" \
    test "$(ls "$W/results/runs" | wc -l)" -eq 2
check "each with its result" \
    test "$(find "$W/results/runs" -name results.json | wc -l)" -eq 2

# compare -j 1 runs one at a time: never two partial directories at once.
C=$E2E_TMP/serial
$HS compare $S -a native,hyp-mils,hyp-pv -j 1 -o "$C" $Q >/dev/null & pc=$!
max=0 seen=0
while kill -0 $pc 2>/dev/null; do
    n=$(find "$C" -maxdepth 1 -name '*.partial-*' 2>/dev/null | wc -l)
    [ "$n" -gt "$max" ] && max=$n
    [ "$n" -gt 0 ] && seen=1
    sleep 0.02
done
wait $pc
check "compare -j 1 ran the approaches one at a time (at most $max at once)" \
    test "$seen" = 1 -a "$max" -eq 1

# SIGTERM and SIGINT: the run stops, removes its partial directory, and
# exits 128 + the signal.
for sig in TERM INT; do
    case $sig in TERM) num=15 ;; INT) num=2 ;; esac
    G=$E2E_TMP/sig$sig
    $HS run $LONG -a native -o "$G" $Q & pg=$!
    i=0
    while [ -z "$(find "$G" -maxdepth 1 -name '*.partial-*' 2>/dev/null)" ] && [ $i -lt 300 ]; do
        sleep 0.05; i=$((i + 1))
    done
    sleep 0.3
    kill -s $sig $pg
    wait $pg; rc=$?
    want=$((128 + num))
    check "SIG$sig stops a run with exit $want (got $rc)" test "$rc" -eq "$want"
    check "SIG$sig leaves no partial directory and no result" \
        test -z "$(ls -A "$G")"
done

# A partial directory of a process that no longer exists is removed by
# the next run into the same directory, which says so.
P=$E2E_TMP/stale
sh -c 'exit 0' & dead=$!
wait $dead
mkdir -p "$P/native.partial-$dead"
: >"$P/native.partial-$dead/trace.json.tmp.XXXX"
mkdir -p "$P/native.partial-$$"
expect_match "removed .*native.partial-$dead: left by process $dead, which no longer exists" \
    "a run removes a dead process's partial directory and says so" -- \
    $HS run $S -a native -o "$P" -q --no-trace --no-pcap
check "it is gone" test ! -e "$P/native.partial-$dead"
check "a live process's partial directory is left alone" test -d "$P/native.partial-$$"
