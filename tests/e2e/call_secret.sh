# call_secret.sh - a call to the secret domain carries audio wherever its
# policy lets it, and reports audio latencies only for audio that flowed
# (issue 15). The room is secret and the called domain is cleared for
# secret, so no microphone check has a reason to stop a frame: under
# ap-codec every approach delivers uplink frames with mouth-to-ear
# samples and no violation; under baseband-direct the baseband (cleared
# for nothing) reads the secret room, which shows as violations whatever
# the approach. Every number here comes out of the run.
. tests/e2e/lib.sh

SC=tests/data/scenario/call-to-secret.json
OUT=$E2E_TMP/out-dir
expect_exit 0 "the call to the secret domain runs under every approach" -- \
    "$HS" compare "$SC" -o "$OUT" -q --no-trace --no-pcap --no-frames -j 2

# get VARIANT APPROACH JQ: one value of a run's results.json.
get() { jq -r "$3" "$OUT/$1/$2/results.json" 2>/dev/null || echo none; }

for a in native selinux-mls hyp-mils hyp-pv trustzone containers; do
    for v in ap-mute ap-allow; do
        up=$(get $v $a '.counts.voice_up_frames')
        m2e=$(get $v $a '.latency["call.mouth_to_ear"].count // 0')
        vio=$(get $v $a '.flows.violations')
        if [ "$up" -gt 0 ] 2>/dev/null && [ "$m2e" -gt 0 ] && [ "$vio" -eq 0 ]; then
            echo "ok - $v/$a: uplink frames $up, mouth-to-ear samples $m2e, no violation"
        else
            echo "not ok - $v/$a: uplink $up, mouth-to-ear samples $m2e, violations $vio"
        fi
    done
    vio=$(get bb $a '.flows.violations')
    if [ "$vio" -gt 0 ] 2>/dev/null; then
        echo "ok - bb/$a: the baseband reads the secret room ($vio violations)"
    else
        echo "not ok - bb/$a: violations $vio under baseband-direct"
    fi
done
