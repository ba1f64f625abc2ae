# gl.sh - the 3D app (guest/apps/gl.c). Where the approach shares the GPU
# (native, selinux-mls) each domain's frames are GPU work attributed to
# it and its vCPU only builds the command list; where the platform gives
# a domain no 3D (a background phone under containers, whose GPU
# registers read 0) the same guest code draws on the vCPU, many times the
# instructions. Under hyp-mils the gfx VM owns the GPU and every VM draws
# in software; under hyp-pv each command list crosses to the gfx VM
# first. Under trustzone the secure domain draws in software to the
# secure display path's overlay, which never passes the normal world.
# Same seed, same results.
. tests/e2e/lib.sh

SC=tests/data/run/gl.json
A=$E2E_TMP/a

expect_exit 0 "the 3D scenario runs under native, selinux-mls and containers" -- \
    $HS run $SC -a native,selinux-mls,containers -o $A -q --no-trace --no-pcap
for a in native selinux-mls; do
    R=$A/$a/results.json
    expect_match '^true$' "$a: both domains' frames reach the panel" -- \
        jq '.latency["gl.frame"].count >= 16' $R
    expect_match '^0$' "$a: no guest fault, no device error" -- \
        jq '.faults | length' $R
    expect_match '^true$' "$a: both domains' frames are GPU work of their own" -- \
        jq '.counts.gpu_units.secret > 1000000 and
            .counts.gpu_units.unclass > 1000000' $R
done
R=$A/containers/results.json
expect_match '^true$' \
    "containers: the phone behind draws in software, many times the instructions" -- \
    jq '.counts.instructions.unclass > 10 * .counts.instructions.secret' $R
expect_match '^null$' "containers: and submits no GPU work" -- \
    jq '.counts.gpu_units.unclass' $R
expect_match '^true$' \
    "native: both domains draw on the GPU, about the same instructions" -- \
    jq '.counts.instructions.unclass < 2 * .counts.instructions.secret' \
    $A/native/results.json

# hyp-mils: the gfx VM owns the GPU. The VMs read no 3D and draw on their
# vCPUs in their partition windows: for each frame shown they execute
# many times native's instructions, and their frames wait longer.
# (1.5 s: a software frame spans several of a VM's windows)
jq '.duration = "1500ms"' $SC >$E2E_TMP/gl-long.json
M=$E2E_TMP/m
expect_exit 0 "hyp-mils runs the 3D scenario" -- \
    $HS run $E2E_TMP/gl-long.json -a native,hyp-mils,hyp-pv -o $M -q \
    --no-trace --no-pcap
R=$M/hyp-mils/results.json
# per frame shown: the domains' instructions over latency.gl.frame.count
expect_match '^true$' "hyp-mils: the VMs draw in software, many times native's instructions a frame" -- \
    jq --slurpfile n $M/native/results.json \
    'def per(r): (r.counts.instructions.secret + r.counts.instructions.unclass)
                 / r.latency["gl.frame"].count;
     per(.) > 10 * per($n[0])' $R
expect_match '^true$' "hyp-mils: the gfx VM composes the frames it received" -- \
    jq '.counts.instructions["gfx-vm"] > 0' $R
expect_match '^0$' "hyp-mils: no guest fault" -- jq '.faults | length' $R
expect_match '^true$' "hyp-mils: frames reach the panel, later than native's" -- \
    jq --slurpfile n $M/native/results.json \
    '.latency["gl.frame"].count > 0 and
     .latency["gl.frame"].p95_ms > $n[0].latency["gl.frame"].p95_ms' $R

# hyp-pv: each command list crosses to the gfx VM (a request through its
# vCPU) before the GPU runs it: the domains' frames are GPU work of their
# own, and per frame shown hyp-pv's instructions (the domains' and the gfx
# VM's: the domains build the same lists as native's, the crossing is the
# gfx VM's work) and frame time lie between native's and hyp-mils'.
P=$M/hyp-pv/results.json
expect_match '^true$' "hyp-pv: both domains' frames are GPU work of their own" -- \
    jq '.counts.gpu_units.secret > 1000000 and
        .counts.gpu_units.unclass > 1000000 and (.faults | length) == 0' $P
expect_match '^true$' "hyp-pv: the gfx VM's vCPU carries the command lists" -- \
    jq '.counts.instructions["gfx-vm"] > 0' $P
# The driver sleeps on the GPU's completion interrupt (HS_PC_WAIT_IRQ)
# instead of polling RING_HEAD through trapped MMIO: a frame costs a
# handful of traps (ring tail, head, status, caps), not thousands (with
# polling: ~20000 a frame in scenarios/gpu-3d.json).
expect_match '^true$' "hyp-pv: the GPU wait does not poll (< 50 MMIO traps a frame)" -- \
    jq '.counts.mmio_traps / .latency["gl.frame"].count < 50' $P
expect_match '^true$' "hyp-pv: instructions a frame between native and hyp-mils" -- \
    jq --slurpfile n $M/native/results.json --slurpfile m $R \
    'def per(r): (r.counts.instructions.secret + r.counts.instructions.unclass
                  + (r.counts.instructions["gfx-vm"] // 0))
                 / r.latency["gl.frame"].count;
     per($n[0]) < per(.) and per(.) < per($m[0])' $P
expect_match '^true$' "hyp-pv: frame time p95 between native and hyp-mils" -- \
    jq --slurpfile n $M/native/results.json --slurpfile m $R \
    '.latency["gl.frame"].p95_ms > $n[0].latency["gl.frame"].p95_ms and
     .latency["gl.frame"].p95_ms < $m[0].latency["gl.frame"].p95_ms' $P

# hyp-mils with the GPU passed through to the unclass VM: that VM draws
# on the GPU (its own work, fewer instructions), secret still in
# software; a domain number past the scenario's is bad input.
PT=$E2E_TMP/pt
expect_exit 0 "hyp-mils with gpu_passthrough=2 runs" -- \
    $HS run $E2E_TMP/gl-long.json -a hyp-mils \
    --set virt.hyp-mils.gpu_passthrough=2 -o $PT -q --no-trace --no-pcap
R=$PT/hyp-mils/results.json
expect_match '^true$' "passthrough: the unclass VM's frames are its own GPU work" -- \
    jq '.counts.gpu_units.unclass > 1000000 and .counts.gpu_units.secret == null
        and (.faults | length) == 0' $R
expect_match '^true$' "passthrough: secret draws in software, more instructions" -- \
    jq '.counts.instructions.unclass < .counts.instructions.secret' $R
expect_exit 2 "gpu_passthrough past the last domain is refused" -- \
    $HS run $SC -a hyp-mils --set virt.hyp-mils.gpu_passthrough=3 \
    -o $E2E_TMP/pt3 -q --no-trace --no-pcap
expect_match 'gpu_passthrough: 3, but the scenario has 2 domains' \
    "and says why" -- $HS run $SC -a hyp-mils \
    --set virt.hyp-mils.gpu_passthrough=3 -o $E2E_TMP/pt4 -q --no-trace --no-pcap

# trustzone: secret is the secure world's domain. It has no GPU and draws
# on its vCPU; its frames go from the secure OS to the panel's protected
# overlay (no GPU job, no normal-world hop), so the normal-world kernel
# never carries secret pixels and is not in the TCB through them.
T=$E2E_TMP/tz
expect_exit 0 "trustzone runs the 3D scenario" -- \
    $HS run $SC -a trustzone -o $T -q --no-trace --no-pcap
R=$T/trustzone/results.json
expect_match '^true$' "trustzone: secret draws in software, unclass on the GPU" -- \
    jq '.counts.gpu_units.secret == null and .counts.gpu_units.unclass > 1000000
        and .counts.instructions.secret > 10 * .counts.instructions.unclass
        and (.faults | length) == 0' $R
expect_match '^"secret>secure-os>panel"$' \
    "trustzone: secret's frames reach the panel only through the secure OS" -- \
    jq '.flows.explicit[] | select(.from == "secret") | .path' $R
expect_match '^true$' "trustzone: and are shown" -- \
    jq '[.flows.explicit[] | select(.from == "secret")][0].transfers > 0' $R
expect_match '^0$' "trustzone: no normal-world component in the TCB" -- \
    jq '[.tcb[] | select(. == "linux")] | length' $R

expect_exit 0 "native again" -- \
    $HS run $SC -a native -o $E2E_TMP/b -q --no-trace --no-pcap
expect_exit 0 "two runs write byte-identical results.json" -- \
    cmp $A/native/results.json $E2E_TMP/b/native/results.json

jq '.domains[1].apps = [.domains[1].apps[1]]' $SC >$E2E_TMP/noui.json
expect_exit 2 "gl without ui in its domain is bad input" -- \
    $HS validate $E2E_TMP/noui.json
expect_match 'runs gl without ui' "and says why, with the place" -- \
    $HS validate $E2E_TMP/noui.json

# A phone that stores a download and shows nothing: the GPU exists (the
# storage is the display part's) but never runs a job and the AP sleeps
# between the events, so the GPU spends the run collapsed, not at its
# idle power (30 mW on ref-2013: 1800 mJ over the minute).
cat >$E2E_TMP/store.json <<'JSON'
{
  "format": "handset-scenario/1",
  "name": "store-only",
  "description": "a download stored, nothing shown",
  "soc": "ref-2013",
  "duration": "60s",
  "seed": 1,
  "quantum": "1ms",
  "domains": [{"name": "secret", "level": "secret", "apps": []}],
  "user": {"foreground": "secret"},
  "network": {"peers": [{"name": "web", "kind": "web-server",
                         "rtt": "70ms", "down_kbps": 10000,
                         "up_kbps": 5000}]},
  "events": [{"at": "1s", "action": "download",
              "params": {"domain": "secret", "bytes": 65536}}]
}
JSON
expect_exit 0 "a stored download with no screen runs" -- \
    $HS run $E2E_TMP/store.json -a native -o $E2E_TMP/s -q --no-trace --no-pcap
expect_match '^true$' "the GPU draws its collapsed power, not its idle power" -- \
    jq '.energy.by_component_mj.gpu < 1 and .energy.ap_awake_pct < 50' \
    $E2E_TMP/s/native/results.json
