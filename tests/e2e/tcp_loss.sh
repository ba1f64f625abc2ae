# tcp_loss.sh - a TCP that survives loss: a download and both domains'
# mail syncs start at the same instant (tests/data/run/three-transfers.json)
# and complete under every approach; on a lossy link
# (--set machine.net_loss_ppm) they still complete, counts.dropped shows
# what the link lost and counts.retransmits what the ends sent again, and
# a rerun is byte-identical; with more at once the radio's downlink queue
# fills and drops (tests/data/run/radio-queue-full.json) and the
# transfers still complete.
. tests/e2e/lib.sh

SC=tests/data/run/three-transfers.json
OUT=$E2E_TMP/tt

check() {
    name=$1; shift
    if "$@"; then echo "ok - $name"; else echo "not ok - $name"; fi
}

expect_exit 0 "three transfers at once run under every approach" -- \
    $HS compare $SC -o "$OUT" -q --no-trace --no-pcap
expect_exit 0 "three transfers: every transfer completes" -- \
    $HS check "$OUT" --expect $SC

LOSSY=$E2E_TMP/lossy
expect_exit 0 "three transfers on a 2 % lossy link run under every approach" -- \
    $HS compare $SC -o "$LOSSY" -q --no-trace --no-pcap \
    --set machine.net_loss_ppm=20000
expect_exit 0 "lossy link: every transfer still completes" -- \
    $HS check "$LOSSY" --expect $SC
for a in native selinux-mls hyp-mils hyp-pv trustzone containers; do
    R=$LOSSY/$a/results.json
    check "$a: the lossy link lost packets (counts.dropped.net.loss)" \
        test "$(jq '.counts.dropped["net.loss"] // 0' "$R" 2>/dev/null)" -gt 0
    check "$a: the peers retransmitted (counts.retransmits.tcp.peers)" \
        test "$(jq '.counts.retransmits["tcp.peers"] // 0' "$R" 2>/dev/null)" -gt 0
    check "$a: loss-free link: nothing retransmitted" \
        test "$(jq '.counts.retransmits // {} | length' \
            "$OUT/$a/results.json" 2>/dev/null)" = 0
done

# loss costs time: the download is slower than on the loss-free link
check "native: the download takes longer on the lossy link" \
    test "$(jq -n --slurpfile a "$LOSSY/native/results.json" \
        --slurpfile b "$OUT/native/results.json" \
        '$a[0].latency.download.p50_ms > $b[0].latency.download.p50_ms')" = true

# deterministic: the same seed and loss rate give the same results
AGAIN=$E2E_TMP/again
expect_exit 0 "lossy link: hyp-mils again" -- \
    $HS run $SC -a hyp-mils -o "$AGAIN" -q --no-trace --no-pcap \
    --set machine.net_loss_ppm=20000
check "lossy link: a rerun is byte-identical" \
    cmp -s "$AGAIN/hyp-mils/results.json" "$LOSSY/hyp-mils/results.json"
# another seed draws other losses
OTHER=$E2E_TMP/other
expect_exit 0 "lossy link: hyp-mils with another seed" -- \
    $HS run $SC -a hyp-mils --seed 7 -o "$OTHER" -q --no-trace --no-pcap \
    --set machine.net_loss_ppm=20000
check "lossy link: another seed loses other packets" \
    test "$(jq '.counts.dropped["net.loss"]' "$OTHER/hyp-mils/results.json")" != \
    "$(jq '.counts.dropped["net.loss"]' "$LOSSY/hyp-mils/results.json")"

expect_match "machine.net_loss_ppm" "the loss rate is a listed parameter" -- \
    $HS list params
expect_exit 2 "a loss rate that is not a number is bad input" -- \
    $HS run $SC -a native -o "$E2E_TMP/bad" -q --set machine.net_loss_ppm=x
expect_exit 2 "a loss rate above 1000000 ppm is bad input" -- \
    $HS run $SC -a native -o "$E2E_TMP/bad" -q \
    --set machine.net_loss_ppm=1000001
expect_match "3 a run failed for a reason" "help run documents exit 3" -- \
    $HS help run

# a finite queue: three 8 MiB downloads and two syncs at once overfill
# the radio's downlink queue; it drops, the peers retransmit, and every
# transfer completes under every approach
FULL=tests/data/run/radio-queue-full.json
RQ=$E2E_TMP/rq
expect_exit 0 "radio queue full: runs under every approach" -- \
    $HS compare $FULL -o "$RQ" -q --no-trace --no-pcap
expect_exit 0 "radio queue full: every transfer completes" -- \
    $HS check "$RQ" --expect $FULL
# (not hyp-mils: there the phone's ACKs wait for its partition's window
# and those of six VMs' turns, so the peers' windows grow too slowly to
# fill the queue; its transfers completing is checked above)
for a in native selinux-mls hyp-pv trustzone containers; do
    R=$RQ/$a/results.json
    check "$a: the radio's full queue dropped (counts.dropped.radio.downlink)" \
        test "$(jq '.counts.dropped["radio.downlink"] // 0' "$R" 2>/dev/null)" -gt 0
    check "$a: the peers sent the dropped segments again" \
        test "$(jq '.counts.retransmits["tcp.peers"] // 0' "$R" 2>/dev/null)" -gt 0
done
