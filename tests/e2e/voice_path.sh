# voice_path.sh - a call's audio follows the microphone wiring, and the
# microphone policy sits where the approach puts its check (issue 15).
#
# Under ap-codec the called domain's voice app encodes every uplink frame
# and decodes every downlink frame on its vCPU: its instructions grow with
# talk time at a codec's cost per frame (and by next to nothing per frame
# under baseband-direct, where the firmware codes). Under hyp-mils the
# frames wait for the audio VM's and the called partition's windows:
# mouth-to-ear exceeds native's and grows with slice_ms. mic_policy mute
# blocks the secret room's frames where a check exists and cannot where
# none does (native); consent turns them into declassifications after the
# prompt. Every number here comes out of the run; none is written in.
. tests/e2e/lib.sh

# scenario TALK POLICY FILE: one call for unclass in a secret room.
scenario() {
    consent=''
    [ "$2" = consent ] &&
        consent='"consent_delay": {"dist": "fixed", "value": "1s"},'
    cat >"$3" <<EOF
{
  "format": "handset-scenario/1",
  "name": "voice-path",
  "description": "One call for the unclassified domain in a secret room.",
  "soc": "ref-2013",
  "duration": "24s",
  "seed": 1,
  "quantum": "1ms",
  "domains": [
    {"name": "secret", "level": "secret", "apps": [{"app": "ui", "params": {"brightness": 0.5}}]},
    {"name": "unclass", "level": "unclassified",
     "apps": [{"app": "voice"}, {"app": "ui", "params": {"brightness": 0.5}}]}
  ],
  "ambient": [{"from": "0s", "to": "24s", "label": "secret", "source": "test"}],
  "user": {"foreground": "secret",
           "answer_delay": {"dist": "fixed", "value": "2s"}, $consent
           "source": "test"},
  "network": {"peers": [{"name": "ims", "kind": "ims",
    "rtt": {"dist": "fixed", "value": "70ms"},
    "down_kbps": {"dist": "fixed", "value": 12740},
    "up_kbps": {"dist": "fixed", "value": 5640}, "source": "test"}]},
  "events": [{"at": "2s", "action": "incoming-call",
    "params": {"domain": "unclass", "ring_timeout": "20s", "talk": "$1"},
    "source": "test"}],
  "call_policy": "switch-and-answer",
  "mic_policy": "$2",
  "variants": [{"name": "ap", "mic_wiring": "ap-codec"},
               {"name": "bb", "mic_wiring": "baseband-direct"}]
}
EOF
}

# get DIR VARIANT APPROACH PATH: one value of a run's results.json.
get() {
    python3 - "$1/$2/$3/results.json" "$4" <<'EOF'
import json, sys
v = json.load(open(sys.argv[1]))
keys = sys.argv[2].split(".")
if keys[0] == "latency":  # latency.<name with dots>.<statistic>
    keys = [keys[0], ".".join(keys[1:-1]), keys[-1]]
for k in keys:
    if k not in v:
        if k == "count":
            v = 0
            break
        print("none")
        sys.exit(0)
    v = v[k]
print(v)
EOF
}

# check NAME EXPR: a python expression over the values substituted in.
check() {
    if python3 -c "import sys; sys.exit(0 if ($2) else 1)" 2>/dev/null; then
        echo "ok - $1"
    else
        echo "not ok - $1 ($2)"
    fi
}

run() { # DIR FILE APPROACHES [--set ...]
    d=$1 f=$2 a=$3
    shift 3
    $HS run "$f" -a "$a" -o "$d" "$@" >/dev/null 2>"$E2E_TMP/run.err" ||
        { echo "not ok - run $f $a"; sed 's/^/#   /' "$E2E_TMP/run.err"; }
}

T=$E2E_TMP
scenario 4s allow "$T/s4.json"
scenario 8s allow "$T/s8.json"
run "$T/r4" "$T/s4.json" native,hyp-mils
run "$T/r8" "$T/s8.json" native,hyp-mils

# the encoder and decoder run per frame under ap-codec, not under
# baseband-direct
for v in ap bb; do
    i4=$(get "$T/r4" $v native counts.instructions.unclass)
    i8=$(get "$T/r8" $v native counts.instructions.unclass)
    u4=$(get "$T/r4" $v native counts.voice_up_frames)
    u8=$(get "$T/r8" $v native counts.voice_up_frames)
    d4=$(get "$T/r4" $v native counts.voice_down_frames)
    d8=$(get "$T/r8" $v native counts.voice_down_frames)
    eval "per_$v=\$(python3 -c 'print(($i8 - $i4) / max(1, $u8 + $d8 - $u4 - $d4))')"
    check "$v: 4 s more talk, about 400 frames more ($u4+$d4 -> $u8+$d8)" \
        "350 < $u8 + $d8 - $u4 - $d4 < 450"
done
echo "# unclass instructions per extra frame: ap-codec $per_ap, baseband-direct $per_bb"
check "ap-codec: the voice app's G.722 costs the called domain tens of thousands of instructions a frame" \
    "20000 < $per_ap < 300000"
check "baseband-direct: the AP is off the path (under 2,000 instructions a frame)" \
    "$per_bb < 2000"

# mouth-to-ear: the AP's path under hyp-mils waits for windows
m_nat=$(get "$T/r8" ap native latency.call.mouth_to_ear.p50_ms)
m_mils=$(get "$T/r8" ap hyp-mils latency.call.mouth_to_ear.p50_ms)
b_nat=$(get "$T/r8" bb native latency.call.mouth_to_ear.p50_ms)
b_mils=$(get "$T/r8" bb hyp-mils latency.call.mouth_to_ear.p50_ms)
echo "# mouth-to-ear p50: ap-codec native $m_nat, hyp-mils $m_mils; baseband-direct native $b_nat, hyp-mils $b_mils"
check "ap-codec: mouth-to-ear under hyp-mils exceeds native's" "$m_mils > $m_nat"
check "baseband-direct: mouth-to-ear is the same under hyp-mils and native (within 10 us)" \
    "abs($b_mils - $b_nat) < 0.01"
run "$T/r8s5" "$T/s8.json" hyp-mils --variant ap --set virt.hyp-mils.slice_ms=5
run "$T/r8s40" "$T/s8.json" hyp-mils --variant ap --set virt.hyp-mils.slice_ms=40
s5=$(get "$T/r8s5" ap hyp-mils latency.call.mouth_to_ear.p50_ms)
s40=$(get "$T/r8s40" ap hyp-mils latency.call.mouth_to_ear.p50_ms)
echo "# hyp-mils mouth-to-ear p50: slice 5 ms $s5, 40 ms $s40"
check "ap-codec: hyp-mils mouth-to-ear rises with slice_ms" "$s40 > $s5"

# mute: blocked where the approach checks, not under native
scenario 4s mute "$T/mute.json"
run "$T/mute" "$T/mute.json" native,selinux-mls,hyp-mils,trustzone --variant ap,bb
for a in selinux-mls hyp-mils trustzone; do
    vi=$(get "$T/mute" ap $a flows.violations)
    bl=$(get "$T/mute" ap $a flows.blocked)
    up=$(get "$T/mute" ap $a counts.voice_up_frames)
    mc=$(get "$T/mute" ap $a latency.call.mouth_to_ear.count)
    check "mute, $a: no violation, frames blocked, no uplink, no mouth-to-ear ($vi, $bl, $up, $mc)" \
        "$vi == 0 and $bl > 100 and $up == 0 and $mc == 0"
    vb=$(get "$T/mute" ap $a counts.phone.voice_blocked)
    an=$(get "$T/mute" ap $a counts.phone.answers)
    to=$(get "$T/mute" ap $a counts.phone.timeouts)
    check "mute, $a: counts.phone has the blocked frames, the call answered, none timed out ($vb, $an, $to)" \
        "$vb == $bl and $an == 1 and $to == 0"
done
vb=$(get "$T/mute" ap native counts.phone.voice_blocked)
check "mute, native: no frame blocked in counts.phone either ($vb)" "$vb == 0"
vi=$(get "$T/mute" ap native flows.violations)
bl=$(get "$T/mute" ap native flows.blocked)
check "mute, native: no check to enforce it, the frames are violations ($vi, $bl)" \
    "$vi > 100 and $bl == 0"
for a in native selinux-mls; do
    vi=$(get "$T/mute" bb $a flows.violations)
    check "mute, baseband-direct, $a: the AP's policy cannot reach the mic ($vi)" \
        "$vi > 100"
done

# consent: declassified after the prompt, its latency reported
scenario 4s consent "$T/consent.json"
run "$T/consent" "$T/consent.json" selinux-mls --variant ap
vi=$(get "$T/consent" ap selinux-mls flows.violations)
de=$(get "$T/consent" ap selinux-mls flows.declassified)
bl=$(get "$T/consent" ap selinux-mls flows.blocked)
cc=$(get "$T/consent" ap selinux-mls latency.call.consent.count)
cp=$(get "$T/consent" ap selinux-mls latency.call.consent.p50_ms)
check "consent, selinux-mls: declassified, no violation, one prompt of about 1 s ($vi, $de, $bl, $cc, $cp)" \
    "$vi == 0 and $de > 100 and $bl > 10 and $cc == 1 and 1000 <= $cp < 1200"
cn=$(get "$T/consent" ap selinux-mls counts.phone.consents)
vb=$(get "$T/consent" ap selinux-mls counts.phone.voice_blocked)
check "consent, selinux-mls: counts.phone has the one prompt confirmed and the frames blocked before it ($cn, $vb)" \
    "$cn == 1 and $vb == $bl"

# validation
sed 's/"mic_policy": "allow"/"mic_policy": "loud"/' "$T/s4.json" >"$T/bad.json"
expect_exit 2 "an unknown mic_policy is refused" -- $HS validate "$T/bad.json"
expect_match 'bad.json:[0-9]+:[0-9]+: mic_policy' "... with its file:line:column" \
    -- $HS validate "$T/bad.json"
sed 's/"mic_policy": "allow"/"mic_policy": "consent"/' "$T/s4.json" >"$T/bad2.json"
expect_exit 2 "consent without user.consent_delay is refused" -- $HS validate "$T/bad2.json"
sed 's/{"name": "ap", "mic_wiring": "ap-codec"}/{"name": "ap", "mic_wiring": "ap-codec", "mic_policy": "consent"}/' \
    "$T/s4.json" >"$T/bad3.json"
expect_match 'bad3.json:[0-9]+:[0-9]+: variants\[0\]\.mic_policy' \
    "a consent variant without user.consent_delay is refused with its place" \
    -- $HS validate "$T/bad3.json"
