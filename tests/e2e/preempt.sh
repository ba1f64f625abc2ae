# preempt.sh - an app in a long loop does not hold its domain: the
# covert-radio sender loops through ten 12 s symbols (10 s .. 130 s) in
# one call while the secret domain's VPN app must seal every packet it
# sends. The VPN app is another task of the domain's kernel, so the
# sealed packets leave during the loop (radio.pcap's timestamps are the
# simulated times) and the receiver decodes the channel under every
# approach; the kernel's task switches are counted.
. tests/e2e/lib.sh

SC=tests/data/run/covert-vpn.json
A=$E2E_TMP/a

check() {
    name=$1; shift
    if "$@"; then echo "ok - $name"; else echo "not ok - $name"; fi
}

expect_exit 0 "the covert sender with a VPN runs under every approach" -- \
    $HS run $SC -a all -o $A -q --no-trace
expect_exit 0 "its expectations hold (channel decoded, tasks switched)" -- \
    $HS check $A --expect $SC

if ! command -v tshark >/dev/null 2>&1; then
    echo "not ok - tshark is not installed (apt-get install tshark); the capture check needs it"
    exit 0
fi
# The secret domain's tunnel packets: UDP from the phone's tunnel port
# (NS_TUN_LOCAL + domain 0 = 39000) to the gateway.
for a in native selinux-mls trustzone; do
    tshark -r $A/$a/radio.pcap -Y 'udp.srcport == 39000' \
        -T fields -e frame.time_epoch 2>/dev/null >$E2E_TMP/$a.times
    during() {
        awk '$1 > 10 && $1 < 118 { n++ } END { exit !(n >= 3) }' \
            $E2E_TMP/$a.times
    }
    check "$a: the VPN app's sealed packets leave during the sender's loop" \
        during
done

expect_exit 0 "the same run again" -- \
    $HS run $SC -a native -o $E2E_TMP/b -q --no-trace --no-pcap
expect_exit 0 "native: two runs write byte-identical results.json" -- \
    cmp $A/native/results.json $E2E_TMP/b/native/results.json
