# view.sh - what a run lets people see: the trace's hypervisor, VM and
# flow tracks (counted against results.json), trace.json.gz and the trace
# limit; `handset view --screenshot` checked pixel by pixel against the
# recorded frames; `handset report` opened in headless Chromium.
#
# One compare of incoming-call-secret shortened to its first call (40 s,
# the same phone, user and network) under native and hyp-mils serves
# every check, so the script takes seconds.
. tests/e2e/lib.sh

check() {
    name=$1; shift
    if "$@" >"$E2E_TMP/check.out" 2>&1; then
        echo "ok - $name"
    else
        echo "not ok - $name"
        sed 's/^/#   /' "$E2E_TMP/check.out" | head -n 10
    fi
}

SC=$E2E_TMP/incoming-call-secret.json
jq '.duration = "40s" | .events[0].count = 1 | .ambient[0].to = "40s"' \
    scenarios/incoming-call-secret.json >"$SC"
R=$E2E_TMP/cmp
expect_exit 0 "a short incoming-call-secret compare (native, hyp-mils)" -- \
    $HS compare "$SC" -a native,hyp-mils -o "$R" -q
M=$R/hyp-mils
T=$M/trace.json

# ---- the trace --------------------------------------------------------------
check "trace.json is JSON with slices, counters and track names" \
    jq -e '[.traceEvents[].ph] | (index("X") != null) and (index("C") != null) and (index("M") != null)' "$T"
check "hyp-mils: as many VM switch slices as counts.vm_switches" sh -c "
    n=\$(jq '[.traceEvents[] | select(.ph == \"X\" and .name == \"VM switch\")] | length' '$T')
    c=\$(jq '.counts.vm_switches' '$M/results.json')
    echo \"slices \$n, counts.vm_switches \$c\"; [ \"\$c\" -gt 0 ] && [ \"\$n\" -eq \"\$c\" ]"
check "hyp-mils: a named track per VM, each with its switches and windows" sh -c "
    jq -e '
      ([.traceEvents[] | select(.ph == \"M\" and .name == \"process_name\" and .pid >= 100)
        | {key: (.pid | tostring), value: .args.name}] | from_entries) as \$names
      | [.traceEvents[] | select(.ph == \"X\" and .name == \"VM switch\") | .pid | tostring]
        | unique | map(\$names[.]) as \$with
      | (\$with | index(\"kernel net-vm\") != null) and (\$with | index(\"kernel gfx-vm\") != null)
        and (\$with | length) >= 4' '$T' &&
    jq -e '[.traceEvents[] | select(.name == \"partition window\")] | length > 100' '$T'"
check "flow arrows: one start and one end per explicit transfer, ids paired" sh -c "
    s=\$(jq '[.traceEvents[] | select(.ph == \"s\")] | length' '$T')
    f=\$(jq '[.traceEvents[] | select(.ph == \"f\")] | length' '$T')
    x=\$(jq '[.flows.explicit[].transfers] | add' '$M/results.json')
    echo \"s \$s, f \$f, transfers \$x\"
    [ \"\$s\" -eq \"\$x\" ] && [ \"\$f\" -eq \"\$x\" ] &&
    jq -e '([.traceEvents[] | select(.ph == \"s\") | .id] | sort) ==
           ([.traceEvents[] | select(.ph == \"f\") | .id] | sort)' '$T'"
check "violations are named on the flow tracks" \
    jq -e '[.traceEvents[] | select(.cat == "flow" and .name == "violation")] | length > 0' "$T"
check "the RRC state is a counter track" \
    jq -e '[.traceEvents[] | select(.ph == "C" and .name == "RRC state")] | length > 2' "$T"

expect_exit 0 "--trace-gzip and a small --trace-max" -- \
    $HS run "$SC" -a native -o "$E2E_TMP/gz" --trace-gzip --trace-max 2000 \
    --no-frames --no-pcap -q
check "trace.json.gz is gzip of a complete trace" sh -c "
    test ! -e '$E2E_TMP/gz/native/trace.json' &&
    zcat '$E2E_TMP/gz/native/trace.json.gz' | jq -e '.traceEvents | length > 1000'"
check "the trace says what --trace-max dropped" \
    sh -c "zcat '$E2E_TMP/gz/native/trace.json.gz' | jq -e '[.traceEvents[] | select(.name == \"trace truncated\") | .args.dropped.slices] | .[0] > 0'"
check "and stderr says so too" grep -q "trace stopped at 2000 events" "$E2E_TMP/err"
check "observers never steer: the same results.json without trace or frames" sh -c "
    $HS run '$SC' -a native -o '$E2E_TMP/bare' -q --no-trace --no-frames --no-pcap &&
    cmp '$E2E_TMP/bare/native/results.json' '$R/native/results.json' &&
    cmp '$E2E_TMP/gz/native/results.json' '$R/native/results.json'"

# ---- the viewer -------------------------------------------------------------
export SDL_VIDEODRIVER=offscreen
# Sanitizer builds only: SDL's own leaks are suppressed by module
# (tests/lsan.supp), which needs the slow unwinder to see SDL's frames.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0
F=$M/frames.hsf
check "the run recorded its frames" test -s "$F"
RING=$($HS view "$M" --frames | awk '$5 ~ /call.notify/ {print $1; exit}')
LAST=$($HS view "$M" --frames | tail -n 1 | awk '{print $1}')
check "a frame completed call.notify (the ring card) at $RING" test -n "$RING"
ps_of() { # "20.766666665836s" -> picoseconds
    echo "$1" | awk '{sub(/s$/, ""); split($0, p, "."); f = p[2] "000000000000";
        printf "%s%s\n", (p[1] == "0" ? "" : p[1]), substr(f, 1, 12)}' | sed 's/^0*//'
}
expect_exit 0 "view --screenshot at the ring card" -- \
    $HS view "$M" --screenshot "$RING" "$E2E_TMP/ring.png"
L=$(cat "$E2E_TMP/out")
geom() { echo "$L" | sed -n 's/.*panel at \([0-9]*\),\([0-9]*\) size \([0-9]*\)x\([0-9]*\) scale \([0-9]*\).*/\1 \2 \3 \4 \5/p'; }
TOP=$(echo "$L" | sed -n 's/.*timelines from y=\([0-9]*\).*/\1/p')
CX=$(echo "$L" | sed -n 's/.*cursor at x=\([0-9]*\).*/\1/p')
# shellcheck disable=SC2046
check "its panel region is the recorded frames' panel, pixel for pixel" \
    python3 tests/e2e/view_check.py panel "$F" "$E2E_TMP/ring.png" \
    "$(ps_of "$RING")" $(geom)
check "and the timelines are drawn below it, with the cursor" \
    python3 tests/e2e/view_check.py timeline "$E2E_TMP/ring.png" "$TOP" "$CX"
expect_exit 0 "view --screenshot at the last frame" -- \
    $HS view "$M" --screenshot "$LAST" "$E2E_TMP/last.png"
# shellcheck disable=SC2046
check "the two screenshots differ exactly where the panel changed" \
    python3 tests/e2e/view_check.py changed "$F" "$E2E_TMP/ring.png" \
    "$(ps_of "$RING")" "$E2E_TMP/last.png" "$(ps_of "$LAST")" $(geom)
expect_exit 124 "the interactive viewer runs its loop (offscreen, stopped after 3 s)" -- \
    timeout 3 $HS view "$M"
expect_exit 2 "a screenshot after the run's end is bad input" -- \
    $HS view "$M" --screenshot 1h "$E2E_TMP/x.png"
expect_exit 2 "a directory without a run is bad input" -- \
    $HS view "$E2E_TMP" --screenshot 1s "$E2E_TMP/x.png"
expect_match "live view is not built yet" "run --view says it is not built" -- \
    $HS run "$SC" -a native --view

# ---- the report -------------------------------------------------------------
expect_exit 0 "handset report on the compare directory" -- $HS report "$R"
H=$R/report.html
check "every SVG beside the report parses (xmllint)" sh -c "
    ls '$R'/report/*.svg >/dev/null && for f in '$R'/report/*.svg; do xmllint --noout \"\$f\" || exit 1; done"
check "each plot keeps its data and gnuplot script" sh -c "
    for f in '$R'/report/*.svg; do b=\${f%.svg}; test -s \"\$b.gp\" && test -s \"\$b.dat\" || exit 1; done"
check "power, latency CDF and energy plots are in the page" sh -c "
    grep -q 'id=\"power\"' '$H' && grep -q 'id=\"latency_call_ring\"' '$H' &&
    grep -q 'id=\"energy_component\"' '$H' && grep -q 'id=\"energy_domain\"' '$H'"
check "every inline SVG parses as XML" python3 -c "
import re, sys, xml.etree.ElementTree as ET
page = open('$H').read()
svgs = re.findall(r'<svg.*?</svg>', page, re.S)
assert len(svgs) >= 6, len(svgs)
for s in svgs: ET.fromstring(s)
"
check "no http(s) URL in the page, and a policy that forbids fetching" sh -c "
    ! grep -Eq 'https?://' '$H' && grep -q \"default-src 'none'\" '$H'"
check "the flows table names the violations" grep -q 'class="violation"' "$H"

# A sweep directory: summary.json (handset-summary/1) gives CI bars.
S=$E2E_TMP/sweep
mkdir -p "$S"
jq -n '{format: "handset-summary/1", scenario: "incoming-call-secret", confidence: 0.95,
  groups: [range(0; 4) as $i | {variant: "default",
    approach: (if $i % 2 == 0 then "native" else "hyp-mils" end),
    setpoint: (if $i < 2 then "virt.hyp-mils.slice_ms=5" else "virt.hyp-mils.slice_ms=10" end),
    set: {}, seeds: ["1", "2", "3"],
    metrics: [{metric: "latency.call.ring.p95_ms", unit: "ms", n: 3,
      mean: (100 + 50 * $i), sd: 10, ci95_lo: (80 + 50 * $i), ci95_hi: (120 + 50 * $i)}]}]}' \
    >"$S/summary.json"
expect_exit 0 "handset report on a sweep's summary.json" -- $HS report "$S"
check "the sweep plot has both approaches with error bars" sh -c "
    grep -q 'id=\"sweep_latency_call_ring_p95_ms\"' '$S/report.html' &&
    grep -q '^\"virt.hyp-mils.slice_ms=5\" 100 80 120 3 150 130 170 3' '$S/report/sweep_latency_call_ring_p95_ms.dat' &&
    xmllint --noout '$S/report/sweep_latency_call_ring_p95_ms.svg'"
expect_exit 2 "report on a directory with no run is bad input" -- \
    $HS report "$E2E_TMP/gz/native/nothing-here"

# Headless Chromium opens the page and screenshots it; any fetch it tried
# would be refused by the policy and logged.
if command -v chromium >/dev/null 2>&1; then
    UD=$(mktemp -d "$E2E_TMP/chromium.XXXXXX")
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --user-data-dir="$UD" --enable-logging=stderr --v=0 \
        --window-size=1100,2400 --screenshot="$E2E_TMP/report.png" \
        "file://$(cd "$R" && pwd)/report.html" >"$E2E_TMP/chromium.log" 2>&1
    check "Chromium renders report.html to a screenshot" \
        python3 -c "
import sys; sys.path.insert(0, 'tests/e2e'); import view_check as v
w, h, rows = v.read_png('$E2E_TMP/report.png')
assert (w, h) == (1100, 2400), (w, h)
assert len(set(p for r in rows[:1200] for p in r)) > 20, 'a blank page'
"
    check "and it refused or requested nothing" sh -c "
        ! grep -Eiq 'Refused to|net::ERR|Failed to load resource' '$E2E_TMP/chromium.log'"
else
    echo "ok - Chromium renders report.html # SKIP chromium is not installed (./configure --install-deps installs it)"
fi
