#!/bin/sh
# idle_windows.sh - hyp-mils's idle slice boundaries booked at once
# (machine_idle_windows) give the results of booking them one by one: a
# run with a trace sees every boundary, so it books them one by one, and
# its results.json must equal the run's without a trace. Two hours of the
# standby scenario, with the default slices and two others.
. tests/e2e/lib.sh

S=$E2E_TMP/standby-2h.json
sed 's/"duration": "24h"/"duration": "2h"/' scenarios/standby-24h.json >"$S"
for set in virt.hyp-mils.slice_ms=10 virt.hyp-mils.slice_ms=7 \
    virt.hyp-mils.slice_ms=33; do
    a=$E2E_TMP/traced
    b=$E2E_TMP/bulk
    if ! $HS run "$S" -a hyp-mils --set "$set" -o "$a" --force -q \
        --no-pcap --no-frames --trace-max 1000 >/dev/null 2>&1 </dev/null ||
        ! $HS run "$S" -a hyp-mils --set "$set" -o "$b" --force -q \
            --no-trace --no-pcap --no-frames >/dev/null 2>&1 </dev/null; then
        echo "not ok - idle windows: $set runs"
        continue
    fi
    if cmp -s "$a/hyp-mils/results.json" "$b/hyp-mils/results.json"; then
        echo "ok - idle windows: $set booked at once = one by one"
    else
        echo "not ok - idle windows: $set results differ with a trace"
    fi
done
