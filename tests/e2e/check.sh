# check.sh - `handset check`: results.json read by jq; expect assertions
# pass and fail with the right exit codes and a readable diff; variants
# in DIR/<variant>/<approach>/ layouts; a baseline within tolerance passes
# and a doctored one fails naming the metric; bad input exits 2 with its
# position; a shipped scenario's own assertions hold on its real runs and
# fail on doctored ones.
. tests/e2e/lib.sh

D=tests/data/results
RUN=$D/run

# The fixture files are real writer output that jq reads back.
expect_match '^2000$' "jq reads p99 of call.ring from results.json" -- \
    jq '.latency["call.ring"].p99_ms' $RUN/hyp-mils/results.json
expect_match '^handset-results/1 native 3$' "jq reads format, approach, violations" -- \
    jq -r '"\(.format) \(.approach) \(.flows.violations)"' $RUN/native/results.json

expect_exit 0 "expect assertions that hold exit 0" -- \
    $HS check $RUN --expect $D/expect-pass.json
expect_match '^check: 10 passed, 0 failed$' "all ten outcomes pass" -- \
    $HS check $RUN --expect $D/expect-pass.json
expect_exit 1 "a failing assertion exits 1" -- \
    $HS check $RUN --expect $D/expect-fail.json
expect_match '^FAIL  hyp-mils  latency\.call\.ring\.p95_ms = 1900, expected < 1500  \[tests/data/results/expect-fail\.json:7:5\]$' \
    "the diff names metric, value, bound and assertion" -- \
    $HS check $RUN --expect $D/expect-fail.json
expect_match 'FAIL  hyp-pv  flows\.covert\[0\]\.bits_per_s = 34, expected > 10 x hyp-mils 21\.25 = 212\.5' \
    "a failing relative assertion shows both approaches" -- \
    $HS check $RUN --expect $D/expect-fail.json
expect_match '^FAIL  trustzone  energy\.total_mj: no results for trustzone  \[tests/data/results/expect-fail\.json:13:5\]$' \
    "an approach the scenario runs but the results lack fails" -- \
    $HS check $RUN --expect $D/expect-fail.json
expect_match '^PASS  native  energy\.total_mj = 150000 \(< 2 x native energy\.by_domain_mj\.secret 100000 = 200000\)$' \
    "than.metric compares with another metric of a run" -- \
    $HS check $RUN --expect $D/expect-pass.json
expect_exit 0 "single results files work as well as a run directory" -- \
    $HS check $RUN/native/results.json $RUN/hyp-pv/results.json \
    $RUN/hyp-mils/results.json --expect $D/expect-pass.json

expect_exit 2 "an unknown metric path is bad input" -- \
    $HS check $RUN --expect $D/expect-unknown-metric.json
expect_match 'expect-unknown-metric\.json:6:5: expect\[0\]\.metric: unknown metric "latency\.call\.ring\.p96_ms"' \
    "the unknown metric is named with its position" -- \
    $HS check $RUN --expect $D/expect-unknown-metric.json
expect_exit 2 "an unknown operator is bad input" -- \
    $HS check $RUN --expect $D/expect-bad-op.json
expect_exit 2 "a file that is not results is bad input" -- \
    $HS check $D/not-results.json --baseline $RUN
expect_exit 2 "a missing results file is bad input" -- \
    $HS check $D/no-such.json --baseline $RUN
expect_exit 2 "nothing to check is a usage error" -- $HS check $RUN
expect_exit 2 "a negative tolerance is a usage error" -- \
    $HS check $RUN --baseline $RUN --tolerance -1

expect_exit 0 "results equal to their baseline pass" -- \
    $HS check $RUN --baseline $RUN
mkdir -p "$E2E_TMP/base/native"
jq '.energy.total_mj *= 1.04' $RUN/native/results.json \
    >"$E2E_TMP/base/native/results.json"
expect_exit 0 "a 4% change passes the default 5% tolerance" -- \
    $HS check $RUN --baseline "$E2E_TMP/base"
expect_exit 1 "the same change fails a 3% tolerance" -- \
    $HS check $RUN --baseline "$E2E_TMP/base" --tolerance 3
jq '.flows.violations = 0 | .latency["call.ring"].p95_ms = 500' \
    $RUN/native/results.json >"$E2E_TMP/doctored.json"
expect_exit 1 "a doctored baseline exits 1" -- \
    $HS check $RUN --baseline "$E2E_TMP/doctored.json"
expect_match '^FAIL  native  flows\.violations: baseline 0, now 3$' \
    "the doctored violations count is named" -- \
    $HS check $RUN --baseline "$E2E_TMP/doctored.json"
expect_match '^FAIL  native  latency\.call\.ring\.p95_ms: baseline 500, now 950 \(\+90\.00%, tolerance 5%\)$' \
    "the doctored latency is named with both values" -- \
    $HS check $RUN --baseline "$E2E_TMP/doctored.json"
expect_exit 0 "a tolerance may be written with a percent sign" -- \
    $HS check $RUN --baseline "$E2E_TMP/base" --tolerance 5%
expect_exit 2 "a tolerance that is not a number is a usage error" -- \
    $HS check $RUN --baseline $RUN --tolerance five

# Variants: DIR/<variant>/<approach>/results.json, as run writes them for
# a scenario with several variants.
V="$E2E_TMP/variants"
for a in native hyp-mils hyp-pv; do
    mkdir -p "$V/old-soc/$a"
    jq '.variant = "old-soc" | .scenario = "check-variants"' $RUN/$a/results.json >"$V/old-soc/$a/results.json"
done
mkdir -p "$V/new-soc/native"
jq '.variant = "new-soc" | .scenario = "check-variants" | .energy.total_mj *= 0.5' $RUN/native/results.json \
    >"$V/new-soc/native/results.json"
expect_match '^check: 5 passed, 1 failed$' \
    "each assertion is checked in every variant it names or, without one, in each" -- \
    $HS check "$V" --expect $D/expect-variants.json
expect_match '^PASS  old-soc/native  energy\.total_mj = 150000 \(> 1 x old-soc/hyp-mils energy\.by_domain_mj\.unclass 100000 = 100000\)$' \
    "than.metric within the left run's variant" -- \
    $HS check "$V" --expect $D/expect-variants.json
expect_match '^PASS  new-soc/native  energy\.total_mj = 75000 \(< 1 x old-soc/native 150000 = 150000\)$' \
    "than.variant names the other variant's run" -- \
    $HS check "$V" --expect $D/expect-variants.json
expect_match '^FAIL  new-soc/native  energy\.total_mj: no results for hyp-mils in variant new-soc to compare with' \
    "than.variant defaults to the left run's variant" -- \
    $HS check "$V" --expect $D/expect-variants.json
jq '.energy.total_mj *= 4' "$V/new-soc/native/results.json" >"$E2E_TMP/t.json"
mv "$E2E_TMP/t.json" "$V/new-soc/native/results.json"
expect_match '^FAIL  new-soc/native  energy\.total_mj = 300000, expected < 1 x old-soc/native 150000 = 150000  \[tests/data/results/expect-variants\.json:6:5\]$' \
    "a failing cross-variant assertion names both runs" -- \
    $HS check "$V" --expect $D/expect-variants.json

# A shipped scenario's own assertions on its real runs, then on doctored
# copies of them.
CW="$E2E_TMP/cw"
expect_exit 0 "covert-wakelock runs under every approach" -- \
    $HS compare scenarios/covert-wakelock.json -o "$CW" -q
expect_exit 0 "covert-wakelock's expect assertions hold on its results" -- \
    $HS check "$CW" --expect scenarios/covert-wakelock.json
cp -r "$CW" "$E2E_TMP/cw-doctored"
jq '.flows.covert[0].bits_per_s = 0' "$CW/hyp-pv/results.json" \
    >"$E2E_TMP/cw-doctored/hyp-pv/results.json"
expect_exit 1 "a doctored hyp-pv channel fails the assertion" -- \
    $HS check "$E2E_TMP/cw-doctored" --expect scenarios/covert-wakelock.json
expect_match '^FAIL  hyp-pv  flows\.covert\[0\]\.bits_per_s = 0, expected > 10 x hyp-mils [0-9.e-]+ = [0-9.e-]+  \[scenarios/covert-wakelock\.json:29:5\]$' \
    "the failing line names the run, both values and the assertion" -- \
    $HS check "$E2E_TMP/cw-doctored" --expect scenarios/covert-wakelock.json
expect_exit 0 "results equal to their own baseline pass" -- \
    $HS check "$CW" --baseline "$CW"
expect_exit 1 "a doctored baseline fails" -- \
    $HS check "$CW" --baseline "$E2E_TMP/cw-doctored"
expect_match '^FAIL  hyp-pv  flows\.covert\[0\]\.bits_per_s: baseline 0, now ' \
    "the baseline failure names the metric and both values" -- \
    $HS check "$CW" --baseline "$E2E_TMP/cw-doctored"

# The radio channel: its hundred symbols open more connections than the
# modem driver has port entries, and still decode.
CR="$E2E_TMP/cr"
expect_exit 0 "covert-radio runs under every approach" -- \
    $HS compare scenarios/covert-radio.json -o "$CR" -q
expect_exit 0 "covert-radio's expect assertions hold on its results" -- \
    $HS check "$CR" --expect scenarios/covert-radio.json

# The GPU and DVFS channels: leak where the resource is shared, not where
# the approach keeps it apart (their expect assertions say which).
for c in gpu dvfs; do
    expect_exit 0 "covert-$c runs under every approach" -- \
        $HS compare scenarios/covert-$c.json -o "$E2E_TMP/c$c" -q --no-trace \
        --no-pcap
    expect_exit 0 "covert-$c's expect assertions hold on its results" -- \
        $HS check "$E2E_TMP/c$c" --expect scenarios/covert-$c.json
done
