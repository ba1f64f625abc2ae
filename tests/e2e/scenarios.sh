# scenarios.sh - every shipped scenario runs under every approach through
# the runner, and its own `expect` assertions hold on the results; the
# main job's results are byte-identical when rerun; the captures decode
# in tshark; a doctored baseline fails the gate.
. tests/e2e/lib.sh

check() {
    name=$1; shift
    if "$@" >/dev/null 2>&1; then echo "ok - $name"; else echo "not ok - $name"; fi
}

R=$E2E_TMP/runs
for f in scenarios/*.json; do
    s=$(basename "$f" .json)
    case $s in
        # its trace and capture are read below
        incoming-call-secret) opts="" ;;
        # the capture is read by tshark below
        email-sync) opts="--no-trace" ;;
        *) opts="--no-trace --no-pcap" ;;
    esac
    # shellcheck disable=SC2086
    expect_exit 0 "$s runs under every approach" -- \
        $HS compare "$f" -o "$R/$s" -q $opts
    expect_exit 0 "$s: its expect assertions hold" -- \
        $HS check "$R/$s" --expect "$f"
done

# The main job again (two of its variants: the SoC's wiring and the AP's
# voice path with the consent prompt), into another directory, one run at
# a time: byte-identical results.
V=baseband-direct,ap-consent
expect_exit 0 "incoming-call-secret reruns" -- \
    $HS compare scenarios/incoming-call-secret.json -j 1 --variant $V \
    -o "$E2E_TMP/again" -q --no-trace --no-pcap
diffs=""
for v in baseband-direct ap-consent; do
    for d in "$R"/incoming-call-secret/$v/*/; do
        a=$v/$(basename "$d")
        cmp -s "$d/results.json" "$E2E_TMP/again/$a/results.json" ||
            diffs="$diffs $a"
    done
done
check "a serial rerun gives byte-identical results.json for every approach" \
    test -z "$diffs"

# The main job's trace: a JSON document with slices per core and vCPU,
# power and battery counters, the radio's states and the flow instants.
T=$R/incoming-call-secret/baseband-direct/hyp-mils/trace.json
check "trace.json parses with complete slices, counters and metadata" \
    jq -e '[.traceEvents[].ph] | (index("X") != null) and (index("C") != null) and (index("M") != null)' "$T"
check "and instants for the secret room audio reaching the baseband" \
    jq -e '[.traceEvents[] | select(.cat == "flow" and .name == "violation")] | length > 0' "$T"
check "and the radio's RRC states" \
    jq -e '[.traceEvents[] | select(.cat == "rrc")] | length > 0' "$T"

# The air interface capture decodes as SIP and IMAP.
P=$R/incoming-call-secret/baseband-direct/native/radio.pcap
check "tshark lists the call's INVITE, 180, 200, ACK and BYE" sh -c "
    tshark -r '$P' -Y sip -T fields -e sip.Method -e sip.Status-Code 2>/dev/null \
        | tr '\t' '\n' | sort -u | tr '\n' ' ' \
        | grep -q '180 200 ACK BYE INVITE'"
P=$R/email-sync/native/radio.pcap
check "tshark decodes the mail sync as IMAP" sh -c "
    tshark -r '$P' -Y imap 2>/dev/null | grep -q IMAP"

# The CI gate: a run checked against itself passes, a doctored copy fails.
B=$E2E_TMP/baseline
cp -r "$R/covert-wakelock" "$B"
expect_exit 0 "a run matches itself as a baseline" -- \
    $HS check "$R/covert-wakelock" --baseline "$B"
jq '.energy.total_mj *= 1.5' "$R/covert-wakelock/hyp-mils/results.json" \
    >"$B/hyp-mils/results.json"
expect_exit 1 "a doctored baseline fails the gate" -- \
    $HS check "$R/covert-wakelock" --baseline "$B"
