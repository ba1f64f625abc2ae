# guest.sh - `handset guest`: workloads run on a vCPU and match the host
# reference; JSON output; usage errors and a missing image exit 2.
. tests/e2e/lib.sh

json=$E2E_TMP/crypto.json
$HS guest crypto --n 8 --json >"$json" 2>"$E2E_TMP/json.err"
if jq -e '.instructions > 0 and .cycles > 0 and .sim_time_ps > 0
          and .check == .reference_check and .check_ok == true
          and (.check | test("^0x[0-9a-f]{16}$"))' "$json" >/dev/null; then
    echo "ok - guest crypto --json: instructions > 0, check == reference"
else
    echo "not ok - guest crypto --json: instructions > 0, check == reference"
    sed 's/^/#   /' "$json" "$E2E_TMP/json.err" | head -n 20
fi

# deterministic fields are identical run to run; host timings are apart
$HS guest crypto --n 8 --json >"$E2E_TMP/again.json" 2>/dev/null
if [ "$(jq -S 'del(.host)' "$json")" = "$(jq -S 'del(.host)' "$E2E_TMP/again.json")" ] &&
   jq -e '.host.wall_s >= 0 and .host.guest_mips >= 0' "$json" >/dev/null; then
    echo "ok - guest --json is deterministic outside its host object"
else
    echo "not ok - guest --json is deterministic outside its host object"
fi

# a faster clock gives the same instructions in less simulated time
a=$($HS guest voice --n 2 --core big --json | jq '.instructions, .sim_time_ps')
b=$($HS guest voice --n 2 --core big --mhz 4000 --json | jq '.instructions, .sim_time_ps')
ia=$(echo "$a" | sed -n 1p); ta=$(echo "$a" | sed -n 2p)
ib=$(echo "$b" | sed -n 1p); tb=$(echo "$b" | sed -n 2p)
# (big: CPI 0.8 at 2000 MHz is exactly 400 ps per instruction)
if [ -n "$ia" ] && [ "$ia" = "$ib" ] && [ "$((ta / 2))" -eq "$tb" ] &&
   [ "$ta" -eq "$((ia * 400))" ]; then
    echo "ok - guest --mhz: double the clock, half the time"
else
    echo "not ok - guest --mhz: double the clock, half the time ($a / $b)"
fi

for w in crypto voice mail ui gl; do
    expect_match "^check +0x[0-9a-f]{16} \(host reference 0x[0-9a-f]{16}: match\)" \
        "guest $w matches the host reference" -- $HS guest $w --n 1
done
expect_match "guest MIPS \(host-side" "guest labels host-side figures" -- $HS guest mail --n 1

expect_exit 2 "guest without a workload exits 2" -- $HS guest
expect_exit 2 "guest with an unknown workload exits 2" -- $HS guest frobnicate
expect_match "unknown workload 'frobnicate'" "unknown workload is named" -- $HS guest frobnicate
expect_exit 2 "guest --n 0 exits 2" -- $HS guest crypto --n 0
expect_exit 2 "guest --n abc exits 2" -- $HS guest crypto --n abc
expect_exit 2 "guest --core medium exits 2" -- $HS guest crypto --core medium
expect_exit 2 "guest --mhz -5 exits 2" -- $HS guest crypto --mhz -5
expect_exit 2 "guest --mhz without a value exits 2" -- $HS guest crypto --mhz
expect_exit 2 "guest --bogus exits 2" -- $HS guest crypto --bogus
expect_exit 2 "guest with a missing image exits 2" -- \
    env HANDSET_GUEST_IMAGE=/nonexistent/domain.elf $HS guest crypto
expect_match "cannot open" "a missing image is named" -- \
    env HANDSET_GUEST_IMAGE=/nonexistent/domain.elf $HS guest crypto
printf 'not an elf' >"$E2E_TMP/bad.elf"
expect_exit 2 "guest with a corrupt image exits 2" -- \
    env HANDSET_GUEST_IMAGE="$E2E_TMP/bad.elf" $HS guest crypto
expect_match "not an ELF file" "a corrupt image is explained" -- \
    env HANDSET_GUEST_IMAGE="$E2E_TMP/bad.elf" $HS guest crypto

# A guest that reads address 0 while booting: reported as a domain fault
# with its PC and address, exit 1, no crash.
cc_guest=$(sed -n 's/^GUEST_CC = //p' config.mk 2>/dev/null)
ld_guest=$(sed -n 's/^GUEST_LD = //p' config.mk 2>/dev/null)
cat >"$E2E_TMP/fault.S" <<'ASM'
    .text
    .globl hs_entry
hs_entry:
    mov x1, #0x20
    ldr x0, [x1]
    ret
ASM
if ${cc_guest:-clang} --target=aarch64-none-elf -c "$E2E_TMP/fault.S" \
        -o "$E2E_TMP/fault.o" 2>/dev/null &&
   ${ld_guest:-ld.lld} -N -Ttext=0x40000000 -e hs_entry \
        -o "$E2E_TMP/fault.elf" "$E2E_TMP/fault.o" 2>/dev/null; then
    expect_exit 1 "a faulting guest exits 1" -- \
        env HANDSET_GUEST_IMAGE="$E2E_TMP/fault.elf" $HS guest crypto
    expect_match "boot: domain 0 vcpu 0 fault: unmapped-read of 8 bytes at address 0x20, pc 0x40000004," \
        "a faulting guest is reported with its PC and address" -- \
        env HANDSET_GUEST_IMAGE="$E2E_TMP/fault.elf" $HS guest crypto
else
    echo "ok - a faulting guest exits 1 # SKIP no AArch64 toolchain"
fi

# HANDSET_VCPU_PROFILE: one line per vCPU on stderr, what it cost the host;
# the simulation's own output does not change
env HANDSET_VCPU_PROFILE=1 $HS guest crypto --n 8 --json \
    >"$E2E_TMP/prof.json" 2>"$E2E_TMP/prof.err"
pi=$(sed -n 's/^vcpu-profile: domain 0 vcpu 0 core little: \([0-9]*\) instructions, \([0-9]*\) blocks .* engine starts, [0-9.]* s CPU in the engine, [0-9]* MIPS$/\1 \2/p' \
    "$E2E_TMP/prof.err")
ji=$(jq '.instructions' "$E2E_TMP/prof.json")
if [ "$(grep -c '^vcpu-profile:' "$E2E_TMP/prof.err")" -eq 1 ] &&
   [ -n "$pi" ] && [ "${pi% *}" -ge "$ji" ] && [ "${pi#* }" -gt 0 ] &&
   [ "$(jq -S 'del(.host)' "$json")" = "$(jq -S 'del(.host)' "$E2E_TMP/prof.json")" ] &&
   ! grep -q '^vcpu-profile:' "$E2E_TMP/json.err"; then
    echo "ok - HANDSET_VCPU_PROFILE prints one vCPU's host cost, output unchanged"
else
    echo "not ok - HANDSET_VCPU_PROFILE prints one vCPU's host cost, output unchanged"
    sed 's/^/#   /' "$E2E_TMP/prof.err" | head -n 5
fi
