# bench_run.sh - the benchmark program runs every benchmark without error
# and writes JSON the regression gate reads. A smoke run: each benchmark
# runs for about a millisecond and no figure is judged.
. tests/e2e/lib.sh

B=${HS_BENCH:-build/bench/handset-bench}
# Whole-scenario benchmarks take minutes; the smoke run keeps one short one.
export HANDSET_BENCH_SCENARIOS=quick
OUT=$E2E_TMP/bench.json
smoke="--benchmark_min_time=0.001 --benchmark_repetitions=2
       --benchmark_report_aggregates_only=true --benchmark_out_format=json"

# shellcheck disable=SC2086
expect_exit 0 "every benchmark runs without error" -- \
    $B $smoke --benchmark_out=$OUT
for bm in sim/hold/pending:10000 sim/call_at/pending:10000 \
    sim/churn/pending:10000 sim/exponential \
    guest/crypto guest/voice guest/mail guest/ui guest/mix \
    guest_bare/crypto guest_bare/voice guest_bare/mail guest_bare/ui \
    guest_bare/mix \
    trap/mmio_write trap/mmio_read trap/hvc trap/hvc_block trap/event \
    scenario/covert-wakelock/native/min_time:0.001/real_time; do
    expect_match "^$bm\$" "$bm is registered" -- \
        $B --benchmark_list_tests
    expect_match '^[1-9]' "$bm reports items per second" -- \
        jq -r --arg n "$bm" '.benchmarks[]
            | select(.run_name == $n and .aggregate_name == "median")
            | .items_per_second' "$OUT"
done
for wl in crypto voice mail ui mix; do
    expect_match '^[1-9]' "native/$wl is registered and timed" -- \
        jq -r --arg n "native/$wl" '.benchmarks[]
            | select(.run_name == $n and .aggregate_name == "median")
            | .cpu_time' "$OUT"
    expect_match '^[1-9]' "guest_vs_native/$wl reports the ratio" -- \
        jq -r --arg n "guest_vs_native/$wl" '.benchmarks[]
            | select((.run_name | split("/min_time")[0]) == $n
                     and .aggregate_name == "median")
            | .guest_over_native' "$OUT"
done
expect_match '^0$' "no benchmark reported an error" -- \
    jq '[.benchmarks[] | select(.error_occurred == true)] | length' "$OUT"
expect_match '^(off|on)$' "the build's sanitizer setting is recorded" -- \
    jq -r '.context.handset_sanitizers' "$OUT"
# A huge threshold makes this a check of names and errors, not of speed:
# every benchmark in the committed baseline must still exist and run. The
# whole-scenario entries (minutes each) are not in the smoke run: they
# must still be registered.
jq '.benchmarks |= map(select(.run_name
        | test("^(scenario|stress)/|^compare_all") | not))' \
    results/baseline/bench.json >"$E2E_TMP/baseline-quick.json"
expect_exit 0 "every baseline benchmark but the whole scenarios still runs" -- \
    bench/compare --threshold 100000000 "$E2E_TMP/baseline-quick.json" "$OUT"
jq -r '.benchmarks[].run_name' results/baseline/bench.json | sort -u \
    >"$E2E_TMP/baseline-names"
env -u HANDSET_BENCH_SCENARIOS $B --benchmark_list_tests | sort -u \
    >"$E2E_TMP/registered"
expect_match '^0$' "every whole-scenario benchmark of the baseline is registered" -- \
    sh -c "comm -23 '$E2E_TMP/baseline-names' '$E2E_TMP/registered' | wc -l"
expect_exit 2 "an unknown flag exits 2" -- $B --no-such-flag
expect_exit 2 "a filter matching nothing exits 2" -- \
    $B --benchmark_filter=no-such-benchmark
# Without the guest image the guest benchmarks fail with a message, not
# a crash, and the others still run.
# shellcheck disable=SC2086
expect_exit 1 "a missing guest image is an error" -- \
    env HANDSET_GUEST_IMAGE=/nonexistent/domain.elf $B $smoke \
    --benchmark_filter='^(guest/crypto|trap/hvc)$'
# shellcheck disable=SC2086
expect_match 'no guest image \(/nonexistent/domain.elf\)' \
    "a missing guest image is named" -- \
    env HANDSET_GUEST_IMAGE=/nonexistent/domain.elf $B $smoke \
    --benchmark_filter='^guest/crypto$'
