# check.sh - `handset check`: results.json read by jq; expect assertions
# pass and fail with the right exit codes and a readable diff; a baseline
# within tolerance passes and a doctored one fails naming the metric; bad
# input exits 2 with its position.
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
expect_match '^check: 9 passed, 0 failed$' "all nine outcomes pass" -- \
    $HS check $RUN --expect $D/expect-pass.json
expect_exit 1 "a failing assertion exits 1" -- \
    $HS check $RUN --expect $D/expect-fail.json
expect_match '^FAIL  hyp-mils  latency\.call\.ring\.p95_ms = 1900, expected < 1500  \[tests/data/results/expect-fail\.json:7:5\]$' \
    "the diff names metric, value, bound and assertion" -- \
    $HS check $RUN --expect $D/expect-fail.json
expect_match 'FAIL  hyp-pv  flows\.covert\[0\]\.bits_per_s = 34, expected > 10 x hyp-mils 21\.25 = 212\.5' \
    "a failing relative assertion shows both approaches" -- \
    $HS check $RUN --expect $D/expect-fail.json
expect_exit 0 "single results files work as well as a run directory" -- \
    $HS check $RUN/native/results.json $RUN/hyp-pv/results.json \
    $RUN/hyp-mils/results.json --expect $D/expect-pass.json

expect_exit 2 "an unknown metric path is bad input" -- \
    $HS check $RUN --expect $D/expect-unknown-metric.json
expect_match 'expect-unknown-metric\.json:4:16: expect\[0\]\.metric: unknown metric "latency\.call\.ring\.p96_ms"' \
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
