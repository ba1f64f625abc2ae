# bench_compare.sh - the performance regression gate (bench/compare) on
# small hand-made Google Benchmark files in tests/data/bench/. No timing
# is measured here: every figure is written in the files.
. tests/e2e/lib.sh

C=bench/compare
D=tests/data/bench

expect_exit 0 "identical files pass" -- $C $D/old.json $D/old.json
expect_match '^PASS$' "identical files say PASS" -- $C $D/old.json $D/old.json
expect_exit 0 "same figures in other time units pass" -- \
    $C $D/old.json $D/same_in_ns.json
expect_match '^demo/step +120 us +120 us +\+0\.0% +ok$' \
    "time units are normalised" -- $C $D/old.json $D/same_in_ns.json

expect_exit 1 "a 25% slower hold model fails" -- \
    $C $D/old.json $D/hold_regressed.json
expect_match '^sim/hold/pending:10000 +7\.5M/s +6M/s +\+25\.0% +REGRESSION$' \
    "the regressed benchmark is named with its figures" -- \
    $C $D/old.json $D/hold_regressed.json
expect_match '^sim/exponential .* ok$' \
    "unchanged benchmarks stay ok beside a regression" -- \
    $C $D/old.json $D/hold_regressed.json
expect_exit 0 "a 25% slowdown passes under --threshold 30" -- \
    $C $D/old.json $D/hold_regressed.json --threshold 30
expect_exit 1 "a 25% slowdown fails under --threshold=20" -- \
    $C --threshold=20 $D/old.json $D/hold_regressed.json

expect_exit 1 "time per iteration 20% longer fails" -- \
    $C $D/old.json $D/step_regressed.json
expect_match '^demo/step .*\+20\.0% +REGRESSION$' \
    "a time-only benchmark is compared by time" -- \
    $C $D/old.json $D/step_regressed.json
expect_exit 1 "a real_time benchmark is compared by wall time" -- \
    $C $D/old.json $D/wall_regressed.json
expect_exit 0 "worse means with unchanged medians pass" -- \
    $C $D/old.json $D/mean_only_worse.json

expect_exit 0 "an improvement passes" -- $C $D/old.json $D/improved.json
expect_match '^sim/hold/pending:10000 .*-23\.1% +faster$' \
    "an improvement is reported as faster" -- \
    $C $D/old.json $D/improved.json
expect_exit 1 "reversed, the improvement is a regression" -- \
    $C $D/improved.json $D/old.json

expect_exit 1 "a benchmark missing from NEW fails" -- \
    $C $D/old.json $D/missing.json
expect_match '^sim/exponential .*MISSING from NEW$' \
    "the missing benchmark is named" -- $C $D/old.json $D/missing.json
expect_exit 0 "--allow-missing only reports it" -- \
    $C --allow-missing $D/old.json $D/missing.json
expect_match '^sim/exponential .*new \(no baseline\)$' \
    "a benchmark only in NEW is reported as new" -- \
    $C $D/missing.json $D/old.json
expect_exit 0 "a benchmark only in NEW does not fail" -- \
    $C $D/missing.json $D/old.json

expect_exit 1 "a benchmark that errors in NEW fails" -- \
    $C $D/old.json $D/error.json
expect_match 'ERROR: events fired out of time order' \
    "the benchmark's error message is shown" -- $C $D/old.json $D/error.json
expect_exit 0 "plain runs without aggregates are compared" -- \
    $C $D/single_run.json $D/old.json

expect_exit 2 "malformed JSON exits 2" -- $C $D/old.json $D/truncated.json
expect_match 'truncated\.json: .*parse error' \
    "malformed JSON names the file" -- $C $D/truncated.json $D/old.json
expect_exit 2 "JSON without benchmarks exits 2" -- \
    $C $D/old.json $D/not_benchmarks.json
expect_match 'not Google Benchmark JSON' \
    "JSON without benchmarks is explained" -- \
    $C $D/old.json $D/not_benchmarks.json
expect_exit 2 "a missing file exits 2" -- $C $D/old.json $D/nonexistent.json
expect_exit 2 "one file only exits 2" -- $C $D/old.json
expect_exit 2 "three files exit 2" -- $C $D/old.json $D/old.json $D/old.json
expect_exit 2 "a bad threshold exits 2" -- \
    $C --threshold ten $D/old.json $D/old.json
expect_exit 2 "a negative threshold exits 2" -- \
    $C --threshold -5 $D/old.json $D/old.json
expect_exit 2 "an unknown option exits 2" -- $C --frob $D/old.json $D/old.json
expect_exit 0 "--help exits 0" -- $C --help

expect_exit 0 "the committed baseline is a valid gate input" -- \
    $C results/baseline/bench.json results/baseline/bench.json
