#!/bin/sh
# soc_devices.sh - the devices' figures come from the SoC file: a copy of
# ref-2013 whose microphone tone differs makes a call whose uplink (in
# radio.pcap) differs, while a copy that changes only the description
# does not; a bad figure stops the run with FILE:LINE:COLUMN, key, exit 2.
. tests/e2e/lib.sh

S=soc_models/ref-2013.json
sed 's/"description": "/"description": "copy: /' "$S" >"$E2E_TMP/same.json"
sed 's/"tone_hz": 440/"tone_hz": 1000/' "$S" >"$E2E_TMP/tone.json"
if cmp -s "$S" "$E2E_TMP/tone.json"; then
    echo "not ok - the copy changes the mic tone (no \"tone_hz\": 440 in $S)"
fi

pcap() { # SOC NAME: the call's radio.pcap under native
    $HS run incoming-call-secret -a native --variant baseband-direct \
        --soc "$1" -o "$E2E_TMP/$2" -q --no-trace >"$E2E_TMP/$2.log" 2>&1 \
        </dev/null &&
        sha256sum <"$E2E_TMP/$2/baseband-direct/native/radio.pcap"
}
a=$(pcap "$S" shipped)
b=$(pcap "$E2E_TMP/same.json" same)
c=$(pcap "$E2E_TMP/tone.json" tone)
if [ -n "$a" ] && [ "$a" = "$b" ]; then
    echo "ok - a SoC copy with the same figures gives the same uplink"
else
    echo "not ok - a SoC copy with the same figures gives the same uplink"
fi
if [ -n "$c" ] && [ "$a" != "$c" ]; then
    echo "ok - devices.mic.tone_hz from the SoC file reaches the uplink"
else
    echo "not ok - devices.mic.tone_hz from the SoC file reaches the uplink"
fi

B=tests/data/soc/bad-mic-tone.json
expect_exit 2 "a run on a SoC with a bad mic tone exits 2" -- \
    $HS run incoming-call-secret -a native --variant baseband-direct \
    --soc "$B" -o "$E2E_TMP/bad" -q
expect_match "^((baseband-direct/)?native: )?$B:161:18: devices\.mic\.tone_hz: must be at most 7999$" \
    "the bad mic tone is reported at its position with its key" -- \
    $HS run incoming-call-secret -a native --variant baseband-direct \
    --soc "$B" -o "$E2E_TMP/bad2" -q
