# switch.sh - switching domains is the approach's mechanism: the user's
# switch takes the approach's hops (the gfx VM's window under hyp-mils),
# then the new foreground draws and its frame takes the display path.
# latency.switch.focus (to the end of the hops) therefore grows with the
# separation kernel's slice, and latency.switch (to that frame on the
# panel) moves with it; a switch to the domain already in front, or
# to a domain without ui, is refused when the scenario is loaded; and
# switch-and-answer answers only after the called domain's first frame.
. tests/e2e/lib.sh

check() {
    name=$1; shift
    if "$@"; then echo "ok - $name"; else echo "not ok - $name"; fi
}

# mail-across-domains' first two switches, without the syncs (whose work
# in the same windows would blur the switch).
SHORT=$E2E_TMP/short.json
jq '.duration = "9s" | .events = [.events[0], .events[2]] | del(.expect)' \
    scenarios/mail-across-domains.json >"$SHORT"
expect_exit 0 "two switches run under native and hyp-mils" -- \
    $HS run "$SHORT" -a native,hyp-mils -o "$E2E_TMP/base" -q --no-trace \
    --no-pcap --no-frames
for s in 5 40; do
    expect_exit 0 "hyp-mils runs with slice_ms $s" -- \
        $HS run "$SHORT" -a hyp-mils --set "virt.hyp-mils.slice_ms=$s" \
        -o "$E2E_TMP/s$s" -q --no-trace --no-pcap --no-frames
done
lat() { # lat DIR APPROACH FIELD: latency.switch.FIELD
    jq ".latency.switch.$3" "$1/$2/results.json"
}
gt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 > b + 0) }'; }
check "two switches measured under native" \
    test "$(lat "$E2E_TMP/base" native count)" = 2
check "two switches measured under hyp-mils" \
    test "$(lat "$E2E_TMP/base" hyp-mils count)" = 2
check "hyp-mils switch p50 > native's" \
    gt "$(lat "$E2E_TMP/base" hyp-mils p50_ms)" \
    "$(lat "$E2E_TMP/base" native p50_ms)"
focus() { jq '.latency["switch.focus"].p50_ms' "$1/hyp-mils/results.json"; }
check "hyp-mils switch.focus (the gfx VM's window, then the new VM's) with slice 40 ms > with slice 5 ms" \
    gt "$(focus "$E2E_TMP/s40")" "$(focus "$E2E_TMP/s5")"
check "hyp-mils latency.switch moves with slice_ms (5 vs 40)" \
    test "$(lat "$E2E_TMP/s40" hyp-mils p50_ms)" != \
    "$(lat "$E2E_TMP/s5" hyp-mils p50_ms)"
check "switch.focus is part of latency.switch" \
    gt "$(lat "$E2E_TMP/s40" hyp-mils p50_ms)" "$(focus "$E2E_TMP/s40")"
check "a switch is at least one vsync (the new domain's frame is shown)" \
    gt "$(lat "$E2E_TMP/base" native p50_ms)" 16

# Static errors: the domain already in front, a domain without ui.
FRONT=$E2E_TMP/front.json
jq '.events[0].params.to = "ts"' scenarios/mail-across-domains.json >"$FRONT"
expect_match 'events\[0\]\.params\.to.*already in front' \
    "a switch to the domain in front is refused with its key" -- \
    $HS validate "$FRONT"
expect_exit 2 "... exit 2" -- $HS validate "$FRONT"
NOUI=$E2E_TMP/noui.json
jq '.domains[0].apps = [.domains[0].apps[1]] | .events[1].params.show = false' \
    scenarios/mail-across-domains.json >"$NOUI"
expect_match 'events\[0\]\.params\.to.*runs no ui app' \
    "a switch to a domain without ui is refused with its key" -- \
    $HS validate "$NOUI"

# switch-and-answer: the call domain comes to the front through the
# switch, and the answer follows it.
CALL=$E2E_TMP/call
expect_exit 0 "incoming-call-secret runs under hyp-mils" -- \
    $HS run scenarios/incoming-call-secret.json -a hyp-mils \
    --variant baseband-direct -o "$CALL" -q \
    --no-trace --no-pcap --no-frames
check "the call's switch is measured" \
    test "$(lat "$CALL/baseband-direct" hyp-mils count)" = 1
check "the call is answered after the switch" \
    test "$(jq '.latency["call.answer_to_audio"].count > 0' \
        "$CALL/baseband-direct/hyp-mils/results.json")" = true
