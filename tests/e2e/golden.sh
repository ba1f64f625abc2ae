#!/bin/sh
# golden.sh - every shipped scenario under every approach and variant gives
# the results.json whose SHA-256 is recorded in tests/data/golden/.
#
#   tests/e2e/golden.sh            check: one TAP line per scenario, and a
#                                  "changed:" line per run whose hash moved
#   tests/e2e/golden.sh --update   rewrite the recorded hashes (say in the
#                                  commit message why each one changed)
#
# One file per scenario, tests/data/golden/SCENARIO.sha256, in sha256sum's
# format with paths relative to the compare directory (APPROACH/results.json
# or VARIANT/APPROACH/results.json). Runs use the scenario's own seed and
# SoC, no trace and no capture (they do not change results.json).
. tests/e2e/lib.sh

G=tests/data/golden
update=0
[ "${1:-}" = --update ] && update=1
jobs=${GOLDEN_JOBS:-2}

for f in scenarios/*.json; do
    s=$(basename "$f" .json)
    out=$E2E_TMP/$s
    if ! $HS compare "$f" -o "$out" -q --no-trace --no-pcap -j "$jobs" \
        >"$E2E_TMP/log" 2>&1 </dev/null; then
        echo "not ok - golden: $s runs"
        sed 's/^/#   /' "$E2E_TMP/log" | head -n 20
        continue
    fi
    sums=$E2E_TMP/$s.sha256
    (cd "$out" && find . -name results.json | sed 's|^\./||' | LC_ALL=C sort |
        xargs sha256sum) >"$sums"
    if [ "$update" = 1 ]; then
        cp "$sums" "$G/$s.sha256"
        echo "ok - golden: $s recorded ($(wc -l <"$sums") runs)"
    elif [ ! -f "$G/$s.sha256" ]; then
        echo "not ok - golden: $s has no recorded hashes (run $0 --update)"
    elif cmp -s "$sums" "$G/$s.sha256"; then
        echo "ok - golden: $s byte-identical ($(wc -l <"$sums") runs)"
    else
        echo "not ok - golden: $s results.json changed"
        join -j 2 -o 1.1,2.1,0 "$G/$s.sha256" "$sums" 2>/dev/null |
            awk '$1 != $2 { print "#   changed: '"$s"'/" $3 }'
        join -v 1 -j 2 "$G/$s.sha256" "$sums" | awk '{ print "#   gone: '"$s"'/" $1 }'
        join -v 2 -j 2 "$G/$s.sha256" "$sums" | awk '{ print "#   new: '"$s"'/" $1 }'
    fi
done
