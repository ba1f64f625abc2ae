# pcap.sh - radio.pcap as Wireshark sees it: tshark 4 decodes the call's
# SIP and RTP and the mail sync's IMAP from captures written by
# build/tests/pcapgen, with every checksum good, an in-order TCP flow,
# timestamps equal to the simulated times and byte-identical reruns.
# Corrupted and gapped copies show the checks can fail.
. tests/e2e/lib.sh

GEN=build/tests/pcapgen
T=$E2E_TMP
CK="-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE"

# check NAME CONDITION-COMMAND...: one TAP line from a shell test.
check() {
    name=$1; shift
    if "$@"; then echo "ok - $name"; else echo "not ok - $name"; fi
}

if ! command -v tshark >/dev/null 2>&1; then
    echo "not ok - tshark is not installed (apt-get install tshark); the capture checks need it"
    exit 0
fi
ts() { tshark "$@" 2>/dev/null; }

expect_exit 0 "pcapgen writes a call capture" -- $GEN call "$T/call.pcap" 7
$GEN call "$T/call.pcap" 7 >"$T/call.times" 2>"$T/err"
$GEN imap "$T/imap.pcap" 7 >"$T/imap.times" 2>>"$T/err"
check "pcapgen writes a mail-sync capture" test -s "$T/imap.pcap"
check "no temporary file is left behind" test ! -e "$T/call.pcap.tmp"

# File header: nanosecond magic 0xa1b23c4d (host order), LINKTYPE_RAW.
magic=$(od -An -tx4 -N4 "$T/call.pcap" | tr -d ' ')
link=$(od -An -tu4 -j20 -N4 "$T/call.pcap" | tr -d ' ')
check "header has the nanosecond magic ($magic)" test "$magic" = a1b23c4d
check "link type is LINKTYPE_RAW ($link)" test "$link" = 101

# SIP: the call's messages in order.
ts -r "$T/call.pcap" -Y sip -T fields -e sip.Method -e sip.Status-Code |
    tr -d '\t' | tr '\n' ' ' >"$T/sip"
check "tshark -Y sip lists INVITE 100 180 200 ACK BYE 200 in order" \
    test "$(cat "$T/sip")" = "INVITE 100 180 200 ACK BYE 200 "
offer_ok() {
    ts -r "$T/call.pcap" -Y 'sip.Method == "INVITE" && sdp.mime.type == "G722" && sdp.mime.type == "AMR-WB"' | grep -q INVITE &&
        ts -r "$T/call.pcap" -Y 'sip.Status-Code == 200 && sdp.mime.type == "G722" && !(sdp.mime.type == "AMR-WB")' | grep -q 'INVITE'
}
check "INVITE offers G.722 and AMR-WB; the 200 OK answers G.722" offer_ok

# RTP: per direction PT 9, sequence +1 and timestamp +160 per packet.
ts -r "$T/call.pcap" -d udp.port==49152,rtp -Y rtp -T fields \
    -e rtp.ssrc -e rtp.p_type -e rtp.seq -e rtp.timestamp >"$T/rtp"
rtp_ok() {
    awk -F'\t' '
        $2 != 9 { bad = "payload type " $2; exit }
        ($1 in seq) {
            if (($3 - seq[$1] + 65536) % 65536 != 1) { bad = "seq"; exit }
            if (($4 - ts[$1] + 4294967296) % 4294967296 != 160) {
                bad = "timestamp step"; exit }
        }
        { seq[$1] = $3; ts[$1] = $4; n[$1]++ }
        END {
            if (bad != "") { print bad; exit 1 }
            k = 0; for (s in n) { k++; if (n[s] != 100) exit 1 }
            exit k != 2
        }' "$T/rtp"
}
check "RTP: two streams of 100 packets, PT 9, seq +1, timestamp +160" rtp_ok

# Checksums: tshark verifies every one and finds none bad.
# Every packet: IP status good (1) and its UDP or TCP status good.
all_good() {
    f=$1
    ts -r "$f" $CK -T fields -e ip.checksum.status -e udp.checksum.status \
        -e tcp.checksum.status >"$T/status"
    [ -s "$T/status" ] &&
        awk -F'\t' '$1 != 1 || ($2 != 1 && $3 != 1) { exit 1 }' "$T/status" &&
        ! ts -r "$f" $CK -q -z expert | grep -qi 'bad checksum'
}
check "every IP and UDP checksum in the call is good" all_good "$T/call.pcap"
check "every IP and TCP checksum in the mail sync is good" all_good "$T/imap.pcap"

# Negative control: one flipped byte in the first packet's SIP text.
cp "$T/call.pcap" "$T/bad.pcap"
printf 'X' | dd of="$T/bad.pcap" bs=1 seek=100 conv=notrunc 2>/dev/null
check "a flipped byte is reported as a bad UDP checksum" sh -c \
    "tshark -r '$T/bad.pcap' $CK -q -z expert 2>/dev/null | grep -qi 'bad checksum'"
check "all_good rejects the corrupted copy" eval '! all_good "$T/bad.pcap"'

# Timestamps: what tshark reads back equals the simulated times.
ts -r "$T/call.pcap" -T fields -e frame.time_epoch >"$T/call.epoch"
ts -r "$T/imap.pcap" -T fields -e frame.time_epoch >"$T/imap.epoch"
check "call timestamps equal the simulated times" cmp -s "$T/call.times" "$T/call.epoch"
check "mail timestamps equal the simulated times" cmp -s "$T/imap.times" "$T/imap.epoch"
check "the first packet is at 1.000000000 s" test "$(head -n 1 "$T/call.epoch")" = 1.000000000

# IMAP: the exchange, the FETCH literals and the MIME messages in them.
ts -r "$T/imap.pcap" -Y 'imap.request' -T fields -e imap.request.command |
    tr '\n' ' ' >"$T/cmds"
check "tshark -Y imap shows CAPABILITY LOGIN SELECT FETCH LOGOUT" \
    test "$(tr 'a-z' 'A-Z' <"$T/cmds")" = "CAPABILITY LOGIN SELECT FETCH LOGOUT "
n=$(ts -r "$T/imap.pcap" -Y 'imap.line matches "^\\* [0-9]+ FETCH \\(.*BODY\\[\\] \\{[0-9]+\\}"' | wc -l)
check "three FETCH responses carry a literal ($n)" test "$n" -eq 3
n=$(ts -r "$T/imap.pcap" -Y 'imf.from contains "example.org"' | wc -l)
check "each literal decodes as a mail message ($n)" test "$n" -eq 3
check "greeting and tagged OKs are decoded" sh -c \
    "tshark -r '$T/imap.pcap' -Y 'imap.response.status == \"OK\"' 2>/dev/null | grep -q LOGOUT"

# TCP: an in-order flow has no analysis flags; a gap is noticed.
n=$(ts -r "$T/imap.pcap" -Y 'tcp.analysis.flags' | wc -l)
check "no TCP analysis flags on the in-order flow ($n)" test "$n" -eq 0
$GEN imap "$T/gap.pcap" 7 15 >/dev/null 2>&1
n=$(ts -r "$T/gap.pcap" -Y 'tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment' | wc -l)
check "a missing segment is flagged by tshark ($n)" test "$n" -gt 0

# Determinism.
$GEN call "$T/call2.pcap" 7 >/dev/null 2>&1
$GEN imap "$T/imap2.pcap" 7 >/dev/null 2>&1
$GEN call "$T/call8.pcap" 8 >/dev/null 2>&1
check "same seed, byte-identical call capture" cmp -s "$T/call.pcap" "$T/call2.pcap"
check "same seed, byte-identical mail capture" cmp -s "$T/imap.pcap" "$T/imap2.pcap"
check "another seed gives another capture" eval '! cmp -s "$T/call.pcap" "$T/call8.pcap"'

expect_exit 1 "an unwritable path fails" -- $GEN call /nonexistent/dir/x.pcap
expect_match 'nonexistent' "the failure names the path" -- $GEN call /nonexistent/dir/x.pcap
