# runner.sh - `handset run` and `handset compare` end to end on the
# shortest shipped scenario (covert-wakelock, a minute of simulated time):
# every approach's files, byte-identical reruns, parallel equal to serial,
# a readable trace, and input that is refused before anything is written.
. tests/e2e/lib.sh

S=scenarios/covert-wakelock.json
A="native selinux-mls hyp-mils hyp-pv trustzone containers"
D1=$E2E_TMP/par
D2=$E2E_TMP/ser

check() {
    name=$1; shift
    if "$@" >/dev/null 2>&1; then echo "ok - $name"; else echo "not ok - $name"; fi
}

expect_exit 0 "compare runs every approach (in parallel)" -- \
    $HS compare $S -o "$D1" -j 2 -q
missing=""
for a in $A; do
    [ -s "$D1/$a/results.json" ] && [ -s "$D1/$a/host.json" ] &&
        [ -s "$D1/$a/trace.json" ] || missing="$missing $a"
done
check "a results.json, host.json and trace.json per approach" test -z "$missing"
check "compare.csv and compare.md beside the runs" \
    test -s "$D1/compare.csv" -a -s "$D1/compare.md"
check "compare.csv has a column per approach" \
    grep -q "native,selinux-mls,hyp-mils,hyp-pv,trustzone,containers" "$D1/compare.csv"
check "no partial directory is left behind" \
    test -z "$(find "$E2E_TMP" -name '*.partial-*')"

expect_exit 0 "the same comparison run serially" -- \
    $HS compare $S -o "$D2" -q -j 1
diffs=""
for a in $A; do
    cmp -s "$D1/$a/results.json" "$D2/$a/results.json" || diffs="$diffs $a"
done
check "parallel and serial runs give byte-identical results.json" test -z "$diffs"
check "and byte-identical traces" cmp -s "$D1/hyp-pv/trace.json" "$D2/hyp-pv/trace.json"

check "results.json is handset-results/1 with the run's identity" \
    jq -e '.format == "handset-results/1" and .approach == "hyp-pv" and .seed == 1' \
    "$D1/hyp-pv/results.json"
check "host figures stay out of results.json" \
    jq -e 'has("wall_s") | not' "$D1/hyp-pv/results.json"
check "trace.json has complete slices, counters and names" \
    jq -e '[.traceEvents[].ph] | (index("X") != null) and (index("C") != null) and (index("M") != null)' \
    "$D1/native/trace.json"
check "the covert channel comes from the guest's own symbols" \
    jq -e '.flows.covert[0].symbols == 100 and .flows.covert[0].bits_per_s > 0' \
    "$D1/selinux-mls/results.json"

expect_exit 0 "run with one approach and --seed" -- \
    $HS run $S -a hyp-pv --seed 7 -o "$E2E_TMP/seed7" -q --no-trace --no-pcap
check "--seed reaches results.json" jq -e '.seed == 7' "$E2E_TMP/seed7/hyp-pv/results.json"
check "--no-trace and --no-pcap write neither" \
    test ! -e "$E2E_TMP/seed7/hyp-pv/trace.json" -a ! -e "$E2E_TMP/seed7/hyp-pv/radio.pcap"
expect_exit 2 "a rerun into the same directory is refused" -- \
    $HS run $S -a hyp-pv --seed 7 -o "$E2E_TMP/seed7" -q --no-trace --no-pcap
expect_match "use --force" "and says how to replace it" -- \
    $HS run $S -a hyp-pv --seed 7 -o "$E2E_TMP/seed7" -q --no-trace --no-pcap
expect_exit 0 "with --force it replaces it" -- \
    $HS run $S -a hyp-pv --seed 7 -o "$E2E_TMP/seed7" -q --no-trace --no-pcap --force

expect_exit 2 "an unknown approach is refused" -- $HS run $S -a hyp-xen -o "$E2E_TMP/x"
expect_match "hyp-xen' is not one of" "and named" -- $HS run $S -a hyp-xen -o "$E2E_TMP/x"
expect_exit 2 "an unknown --set key is refused" -- \
    $HS run $S --set virt.hyp-pv.nonsense=1 -o "$E2E_TMP/x"
expect_exit 2 "a missing scenario file is refused" -- $HS run nonexistent.json -o "$E2E_TMP/x"
expect_exit 2 "no scenario is a usage error" -- $HS run
check "nothing was written for refused runs" test ! -e "$E2E_TMP/x"

# Observers never steer: the trace and capture change no result.
expect_exit 0 "a run without trace or capture" -- \
    $HS run $S -a hyp-pv -o "$E2E_TMP/bare" -q --no-trace --no-pcap
check "gives the same results.json as one with them" \
    cmp -s "$E2E_TMP/bare/hyp-pv/results.json" "$D1/hyp-pv/results.json"
check "the trace tracks the battery" \
    jq -e '[.traceEvents[] | select(.ph == "C" and .name == "battery")] | length > 10' \
    "$D1/hyp-pv/trace.json"
