# baseband.sh - an incoming call through the baseband firmware, as
# Wireshark sees it: build/tests/bbcall runs the IMS peer, the ARMv7
# firmware and a stand-in AP answering over the baseband-direct wiring, and
# writes radio.pcap. tshark must list the SIP exchange, count about 50
# RTP packets per second in each direction, and find every checksum good;
# reruns are byte-identical.
. tests/e2e/lib.sh

GEN=build/tests/bbcall
T=$E2E_TMP
CK="-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE"
RTP="-d udp.port==49152,rtp -d udp.port==49170,rtp"

check() {
    name=$1; shift
    if "$@"; then echo "ok - $name"; else echo "not ok - $name"; fi
}

if ! command -v tshark >/dev/null 2>&1; then
    echo "not ok - tshark is not installed (apt-get install tshark); the capture checks need it"
    exit 0
fi
ts() { tshark "$@" 2>/dev/null; }

expect_exit 0 "bbcall writes the capture of a 10 s call" -- $GEN "$T/radio.pcap" 10
$GEN "$T/radio.pcap" 10 >"$T/facts" 2>"$T/err"
check "the AP was rung once" grep -qx 'rings 1' "$T/facts"
check "the baseband is alive at the end" grep -qx 'baseband_dead 0' "$T/facts"

ts -r "$T/radio.pcap" -Y sip -T fields -e sip.Method -e sip.Status-Code |
    tr -d '\t' | tr '\n' ' ' >"$T/sip"
check "tshark -Y sip lists INVITE 100 180 200 ACK BYE 200 ($(cat "$T/sip"))" \
    test "$(cat "$T/sip")" = "INVITE 100 180 200 ACK BYE 200 "
check "the phone's 200 OK answers G.722" sh -c \
    "tshark -r '$T/radio.pcap' -Y 'sip.Status-Code == 200 && sdp.mime.type == \"G722\"' 2>/dev/null | grep -q INVITE"

active=$(sed -n 's/^active_s //p' "$T/facts")
rate_ok() { # rate_ok SRC: RTP packets from SRC per second of call, +-2 %
    n=$(ts -r "$T/radio.pcap" $RTP -Y "rtp && ip.src == $1" | wc -l)
    awk -v n="$n" -v s="$active" 'BEGIN {
        r = n / s; printf "# %s: %d RTP packets in %.3f s = %.2f/s\n", ARGV[1], n, s, r
        exit !(r >= 49 && r <= 51) }' "$1"
}
check "RTP from the phone: 50 packets per second (+-2 %)" rate_ok 192.0.2.10
check "RTP to the phone: 50 packets per second (+-2 %)" rate_ok 198.51.100.20
pt_ok() {
    ts -r "$T/radio.pcap" $RTP -Y rtp -T fields -e rtp.p_type | sort -u |
        tr '\n' ' ' | grep -qx '9 '
}
check "every RTP packet carries G.722 (payload type 9)" pt_ok
sizes_ok() {
    ts -r "$T/radio.pcap" $RTP -Y rtp -T fields -e udp.length | sort -u |
        tr '\n' ' ' | grep -qx '180 '
}
check "every RTP datagram is 12 + 160 bytes of G.722" sizes_ok

all_good() { # every packet: IP status good (1) and UDP status good (1)
    ts -r "$1" $CK -T fields -e ip.checksum.status -e udp.checksum.status \
        >"$T/status"
    [ -s "$T/status" ] && awk -F'\t' '$1 != 1 || $2 != 1 { exit 1 }' "$T/status" &&
        ! ts -r "$1" $CK -q -z expert | grep -qi 'bad checksum'
}
check "every IP and UDP checksum is good" all_good "$T/radio.pcap"
# a flipped payload byte must be caught, or the check above proves nothing
cp "$T/radio.pcap" "$T/bad.pcap"
printf '\377' | dd of="$T/bad.pcap" bs=1 seek=200 conv=notrunc 2>/dev/null
check "a flipped byte is reported as a bad checksum" sh -c \
    "tshark -r '$T/bad.pcap' $CK -q -z expert 2>/dev/null | grep -qi 'bad checksum'"

$GEN "$T/again.pcap" 10 >/dev/null 2>&1
check "a rerun writes a byte-identical capture" cmp -s "$T/radio.pcap" "$T/again.pcap"
expect_exit 2 "bbcall refuses a bad hold time" -- $GEN "$T/x.pcap" 0
