# dial.sh - outgoing calls and CANCEL on the air: scenarios/outgoing-call
# runs under every approach, its expect entries hold (dial_to_ring and
# dial_to_audio measured only for calls that got there, baseband-cpu
# energy from the firmware's runs), and tshark finds in radio.pcap the
# INVITE from the phone, the caller's CANCEL answered 200 and 487 by the
# phone, and the phone's own CANCEL answered 487 by the network. The
# loader refuses a bad dial with its position and key.
. tests/e2e/lib.sh

T=$E2E_TMP
SC=scenarios/outgoing-call.json
PHONE=192.0.2.10
IMS=198.51.100.10

check() {
    name=$1; shift
    if "$@"; then echo "ok - $name"; else echo "not ok - $name"; fi
}

expect_exit 0 "outgoing-call runs under every approach" -- \
    "$HS" run "$SC" -a all -o "$T/run" --no-trace --no-frames -q
expect_exit 0 "outgoing-call's expect entries hold under every approach" -- \
    "$HS" check "$T/run" --expect "$SC"

# Only what happened is measured: two dials rang, one was answered.
count() { # APPROACH METRIC
    python3 -c "import json,sys; d=json.load(open('$T/run/$1/results.json')); print(d['latency']['$2']['count'])"
}
check "native: two dial_to_ring samples, one dial_to_audio" \
    test "$(count native call.dial_to_ring) $(count native call.dial_to_audio)" = "2 1"
check "native: the cancelled incoming call has no answer_to_audio" \
    test "$(count native call.answer_to_audio)" = 0
# The outcomes themselves, in counts.phone: two dials placed, one given
# up by the user; one incoming call that rang and was never answered
# (its caller cancelled, so no ring timeout either); all three ended.
phone() { # APPROACH
    jq -r '.counts.phone | "\(.dials) \(.dials_given_up) \(.calls) \(.rings) \(.answers) \(.timeouts) \(.ended)"' \
        "$T/run/$1/results.json" 2>/dev/null
}
for a in native hyp-mils; do
    check "$a: counts.phone dials 2, given up 1, calls 1, rang 1, answered 0, timed out 0, ended 3 ($(phone $a))" \
        test "$(phone $a)" = "2 1 1 1 0 0 3"
done

# Changing the far end's answer changes what is measured: never
# answered, no dial_to_audio at all.
sed 's/"answer_after": "6s"/"answer_after": "0s"/' "$SC" >"$T/noanswer.json"
expect_exit 0 "a dial nobody answers runs" -- \
    "$HS" run "$T/noanswer.json" -a native -o "$T/na" --no-trace --no-frames -q
check "... and has no dial_to_audio sample" \
    test "$(python3 -c "import json; print(json.load(open('$T/na/native/results.json'))['latency']['call.dial_to_audio']['count'])")" = 0

if ! command -v tshark >/dev/null 2>&1; then
    echo "# SKIP radio.pcap checks: tshark is not installed (./configure --install-deps installs it)"
else
    PC="$T/run/native/radio.pcap"
    tshark -r "$PC" -Y sip -T fields -e ip.src -e sip.Method -e sip.Status-Code \
        2>/dev/null | tr '\t' ' ' >"$T/sip"
    sed 's/^/#   /' "$T/sip"
    has() { grep -Eq "^$1\$" "$T/sip"; }
    check "tshark -Y sip: INVITE from the phone" has "$PHONE INVITE ?"
    check "tshark -Y sip: CANCEL from the caller" has "$IMS CANCEL ?"
    check "tshark -Y sip: 487 from the phone" has "$PHONE  ?487"
    check "tshark -Y sip: CANCEL from the phone" has "$PHONE CANCEL ?"
    check "tshark -Y sip: 487 from the network" has "$IMS  ?487"
    tr -s ' ' <"$T/sip" | cut -d' ' -f2- | tr -d ' ' | tr '\n' ' ' >"$T/seq"
    check "the three calls' SIP in order" test "$(cat "$T/seq")" = \
"INVITE 100 180 200 ACK BYE 200 INVITE 100 180 CANCEL 200 487 ACK INVITE 100 180 CANCEL 200 487 ACK "
    check "tshark finds no malformed SIP" \
        test -z "$(tshark -r "$PC" -Y '_ws.malformed' 2>/dev/null)"
fi

# The far end hangs up a dialled call: its BYE in the dialog, the
# phone's 200.
python3 - "$SC" "$T/remote.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["events"] = [d["events"][0]]
del d["events"][0]["params"]["talk"]
d["events"].append({"at": "30s", "action": "hang-up",
                    "params": {"by": "remote"}})
d["expect"] = []
json.dump(d, open(sys.argv[2], "w"))
PY
expect_exit 0 "a dialled call the far end hangs up runs" -- \
    "$HS" run "$T/remote.json" -a native -o "$T/rb" --no-trace --no-frames -q
if command -v tshark >/dev/null 2>&1; then
    tshark -r "$T/rb/native/radio.pcap" -Y sip -T fields -e ip.src \
        -e sip.Method -e sip.Status-Code 2>/dev/null | tr '\t' ' ' >"$T/rsip"
    check "tshark -Y sip: BYE from the network, 200 from the phone" \
        test "$(tail -n 2 "$T/rsip" | tr '\n' '|')" = "$IMS BYE |$PHONE  200|"
fi

# Loader: a bad number and a missing answer_after are refused with
# file:line:column, exit 2.
sed 's/"callee": "+15555550100"/"callee": "5550100"/' "$SC" >"$T/bad.json"
expect_exit 2 "a callee without + is refused (exit 2)" -- "$HS" validate "$T/bad.json"
expect_match 'bad.json:[0-9]+:[0-9]+: events\[0\]\.params\.callee' \
    "... with its position and key" -- "$HS" validate "$T/bad.json"
sed 's/"answer_after": "6s", //' "$SC" >"$T/bad2.json"
expect_match 'bad2.json:[0-9]+:[0-9]+: .*answer_after: missing' \
    "a dial without answer_after is refused with its position" -- \
    "$HS" validate "$T/bad2.json"
