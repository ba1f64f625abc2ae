# run_display.sh - the display part of a run: a user types in the secret
# domain and opens a stored document under native and hyp-mils. Frames
# and the document reach the panel through guest code and the approach's
# path (the kernel, or a hypercall, switch and copy into the gfx VM per
# frame); display, GPU and storage energy are metered; two runs with the
# same seed write the same results; a download is stored through the
# same storage.
. tests/e2e/lib.sh

SC=tests/data/run/display.json
A=$E2E_TMP/a
B=$E2E_TMP/b

expect_exit 0 "the display scenario runs under native and hyp-mils" -- \
    $HS run $SC -a native,hyp-mils -o $A -q --no-trace --no-pcap
expect_exit 0 "its expectations hold (frames, document, switches, energy)" -- \
    $HS check $A --expect $SC
expect_match '^secret>linux>panel$' "native frames go through the one kernel" -- \
    jq -r '.flows.explicit[0].path' $A/native/results.json
expect_match '^secret>secret-vm>gfx-vm>panel$' "hyp-mils frames go through the domain VM's kernel and the gfx VM" -- \
    jq -r '.flows.explicit[0].path' $A/hyp-mils/results.json
# the 1 MiB document is read in two 512 KiB commands, each a request down
# to the storage VM and its bytes back up: four hypercalls
expect_match '^true$' "one hypercall into the gfx VM per frame shown, four into the storage VM for the document" -- \
    jq '.counts.hypercalls == .latency["display.frame"].count + 4' \
    $A/hyp-mils/results.json
expect_match '^0$' "no guest fault" -- \
    jq '.faults | length' $A/native/results.json

expect_exit 0 "the same scenario again" -- \
    $HS run $SC -a native,hyp-mils -o $B -q --no-trace --no-pcap
for a in native hyp-mils; do
    expect_exit 0 "$a: two runs write byte-identical results.json" -- \
        cmp $A/$a/results.json $B/$a/results.json
done

jq '.events = [{"at": "1s", "action": "download",
                "params": {"domain": "secret", "bytes": 4096}}]
    | .network = {"peers": [{"name": "web", "kind": "web-server",
                  "rtt": "70ms", "down_kbps": 10000, "up_kbps": 5000}]}
    | del(.expect)' $SC >$E2E_TMP/download.json
expect_exit 0 "a download runs and is stored" -- \
    $HS run $E2E_TMP/download.json -a native -o $E2E_TMP/c -q --no-trace
expect_match '^1$' "its store step is timed" -- \
    jq '.latency["download.store"].count' $E2E_TMP/c/native/results.json
