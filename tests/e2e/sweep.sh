# sweep.sh - `handset sweep` and `compare --seeds` end to end on a short
# call scenario (tests/data/sweep/call-short.json, 30 s simulated): the
# grid's directories, the summary's intervals against a hand computation,
# a rerun that redoes nothing, SIGKILL midway then a rerun that finishes
# with identical results, shards collected into the same summary.
. tests/e2e/lib.sh

S=tests/data/sweep/call-short.json
D=$E2E_TMP/sweep
GRID="-a native,hyp-mils --seeds 1-3 --set virt.hyp-mils.slice_ms=5,20"

check() {
    name=$1; shift
    if "$@" >/dev/null 2>&1; then echo "ok - $name"; else echo "not ok - $name"; fi
}

# shellcheck disable=SC2086
expect_exit 0 "a sweep of 2 approaches x 2 slices x 3 seeds" -- \
    $HS sweep $S $GRID -j 2 -o "$D" -q
check "one directory per point, named from its coordinates" \
    test -s "$D/hyp-mils/virt.hyp-mils.slice_ms=20/seed-3/results.json" -a \
    -s "$D/native/base/seed-1/results.json"
check "an axis of hyp-mils's table does not multiply native's runs" \
    test "$(find "$D/native" -name results.json | wc -l)" -eq 3 -a \
    "$(find "$D/hyp-mils" -name results.json | wc -l)" -eq 6
check "summary.json, .csv and .md" \
    test -s "$D/summary.json" -a -s "$D/summary.csv" -a -s "$D/summary.md"
check "each point ran with its own seed and slice" \
    jq -e '.seed == 2 and .inputs.set["virt.hyp-mils.slice_ms"] == "20"' \
    "$D/hyp-mils/virt.hyp-mils.slice_ms=20/seed-2/results.json"

# The interval by hand: mean, sd over n - 1, t(0.975, 2) = 4.30265272974946
# (NIST/SEMATECH table 1.3.6.7.2; R qt(0.975, 2)).
m=latency.call.mouth_to_ear.p95_ms
vals=$(for s in 1 2 3; do
    jq '.latency["call.mouth_to_ear"].p95_ms' \
        "$D/hyp-mils/virt.hyp-mils.slice_ms=5/seed-$s/results.json"
done)
hand=$(echo "$vals" | awk '{ x[NR] = $1; s += $1 } END {
    n = NR; m = s / n; for (i = 1; i <= n; i++) ss += (x[i] - m) ^ 2
    sd = sqrt(ss / (n - 1)); h = 4.30265272974946 * sd / sqrt(n)
    printf "%.9g %.9g %.9g %.9g\n", m, sd, m - h, m + h }')
got=$(jq -r --arg m "$m" '.groups[] | select(.approach == "hyp-mils" and
    .setpoint == "virt.hyp-mils.slice_ms=5") | .metrics[] | select(.metric == $m) |
    "\(.mean) \(.sd) \(.ci95_lo) \(.ci95_hi) \(.n) \(.unit)"' "$D/summary.json")
same=$(echo "$hand $got" | awk '{ ok = $9 == 3 && $10 == "ms"
    for (i = 1; i <= 4; i++) { d = $i - $(i + 4); if (d < 0) d = -d
        if (d > 1e-6 * ($i < 0 ? -$i : $i) + 1e-9) ok = 0 }
    print ok ? "yes" : "no" }')
check "mean, sd and 95% CI of $m equal a hand computation ($hand / $got)" \
    test "$same" = yes
check "every row of summary.csv has a unit and n" \
    awk -F, 'NR > 1 && ($5 == "" || $6 == "") { exit 1 }' "$D/summary.csv"

# A rerun redoes nothing and writes the same summary.
cp "$D/summary.json" "$E2E_TMP/summary.first"
before=$(find "$D" -name results.json -newer "$E2E_TMP/summary.first" | wc -l)
# shellcheck disable=SC2086
expect_match "12 point\(s\).*\(12 finished before\)|9 point" \
    "a rerun finds every point finished" -- $HS sweep $S $GRID -j 2 -o "$D"
check "and reruns none of them" \
    test "$(find "$D" -name results.json -newer "$E2E_TMP/summary.first" | wc -l)" -eq "$before"
check "and writes the same summary" cmp "$D/summary.json" "$E2E_TMP/summary.first"
# shellcheck disable=SC2086
expect_exit 2 "another grid into the same directory is refused" -- \
    $HS sweep $S -a native --seeds 1-2 -o "$D" -q

# SIGKILL midway, then a rerun: nothing finished is lost or redone, no
# partial directory stays, the results are the same.
K=$E2E_TMP/killed
# shellcheck disable=SC2086
setsid $HS sweep $S $GRID -j 1 -o "$K" -q >/dev/null 2>&1 &
pid=$!
i=0
while [ "$(find "$K" -name results.json 2>/dev/null | wc -l)" -lt 2 ] && [ $i -lt 600 ]; do
    sleep 0.1; i=$((i + 1))
done
kill -9 -"$pid" 2>/dev/null
wait "$pid" 2>/dev/null
n_done=$(find "$K" -name results.json | wc -l)
check "the sweep was killed midway ($n_done of 9 points done)" \
    test "$n_done" -ge 2 -a "$n_done" -lt 9
incomplete=$(find "$K" -type d -name 'seed-*' ! -name '*.partial-*' |
    while read -r d; do [ -s "$d/results.json" ] || echo "$d"; done)
check "no point directory without its results" test -z "$incomplete"
finished_before=$(find "$K" -name results.json -exec stat -c '%n %Y %i' {} + | sort)
# shellcheck disable=SC2086
expect_exit 0 "the rerun completes" -- $HS sweep $S $GRID -j 2 -o "$K" -q
check "it kept every point finished before" sh -c '
    echo "$1" | while read -r f t i; do
        [ "$(stat -c "%Y %i" "$f")" = "$t $i" ] || exit 1; done' _ "$finished_before"
check "no partial directory is left" test -z "$(find "$K" -name '*.partial-*')"
diffs=$(cd "$D" && find . -name results.json | while read -r f; do
    cmp -s "$f" "$K/$f" || echo "$f"; done)
check "every point is byte-identical to the uninterrupted sweep's" test -z "$diffs"
check "and so is the summary" cmp "$D/summary.json" "$K/summary.json"

# Shards: the points of two shards, collected, give the same summary.
H=$E2E_TMP/shards
# shellcheck disable=SC2086
expect_exit 0 "shard 1/2" -- $HS sweep $S $GRID -o "$H" -q --shard 1/2
check "a shard writes no summary" test ! -e "$H/summary.json"
# shellcheck disable=SC2086
expect_exit 0 "shard 2/2" -- $HS sweep $S $GRID -o "$H" -q --shard=2/2
expect_exit 0 "--collect" -- $HS sweep --collect "$H"
check "sharded points give the local summary byte for byte" \
    cmp "$D/summary.json" "$H/summary.json"
check "and the same CSV and Markdown" \
    sh -c 'cmp "$1/summary.csv" "$2/summary.csv" && cmp "$1/summary.md" "$2/summary.md"' _ "$D" "$H"
expect_exit 1 "--collect with points missing fails" -- \
    sh -c 'rm -r "$1/native/base/seed-2" && exec "$2" sweep --collect "$1"' _ "$H" "$HS"

# compare --seeds: mean ± CI and n per cell.
expect_exit 0 "compare --seeds" -- \
    $HS compare $S -a native,hyp-mils --seeds 1-2 -o "$E2E_TMP/cs" -q --no-trace --no-pcap
check "its cells are mean ± CI (n=2)" grep -q "± .* (n=2)" "$E2E_TMP/out"
check "compare.csv has each approach's ci95 and n" \
    grep -q "^metric,label,native,native ci95,native n,hyp-mils" "$E2E_TMP/cs/compare.csv"
check "the table gives the samples behind the ring percentiles" \
    grep -q "^call.ring samples (count)" "$E2E_TMP/out"
expect_exit 2 "--seeds with a range out of 0..2^63-1 is refused" -- \
    $HS sweep $S --seeds 1-9223372036854775808 -o "$E2E_TMP/x"
expect_exit 2 "--seeds 5-1 is refused" -- $HS sweep $S --seeds 5-1 -o "$E2E_TMP/x"
expect_exit 2 "an approach that is not one is refused ..." -- \
    $HS sweep $S -a native,nosuch --seeds 1-2 -o "$E2E_TMP/bad-a" -q
check "... before its -o directory is made" test ! -e "$E2E_TMP/bad-a"
expect_exit 2 "and so is a variant that is not one" -- \
    $HS sweep $S --variant nosuch -o "$E2E_TMP/bad-v" -q
check "leaving no directory either" test ! -e "$E2E_TMP/bad-v"
