# provenance.sh - results.json names its inputs by content: the same run
# from two working directories, with the SoC given by a relative and by
# an absolute path, gives byte-identical results.json; host.json names
# the build.
. tests/e2e/lib.sh

S=tests/data/sweep/call-short.json
ROOT=$(pwd)
abs_hs=$(cd "$(dirname "$HS")" && pwd)/$(basename "$HS")

check() {
    name=$1; shift
    if "$@" >/dev/null 2>&1; then echo "ok - $name"; else echo "not ok - $name"; fi
}

mkdir -p "$E2E_TMP/a/deeper" "$E2E_TMP/b"
cp "$S" "$E2E_TMP/a/deeper/call.json"
cp "$S" "$E2E_TMP/b/call.json"
expect_exit 0 "a run from one directory, SoC by a relative path" -- \
    sh -c 'cd "$1/a/deeper" && exec "$2" run call.json -a hyp-pv \
        --soc "$3" --set virt.hyp-pv.hypercall_cycles=400 -o out -q' \
    _ "$E2E_TMP" "$abs_hs" "$(realpath --relative-to="$E2E_TMP/a/deeper" "$ROOT/soc_models/ref-2024.json")"
expect_exit 0 "the same from another, SoC by an absolute path" -- \
    sh -c 'cd "$1/b" && exec "$2" run "$1/b/call.json" -a hyp-pv \
        --soc "$3" --set virt.hyp-pv.hypercall_cycles=400 -o "$1/b/out" -q' \
    _ "$E2E_TMP" "$abs_hs" "$ROOT/soc_models/ref-2024.json"
A=$E2E_TMP/a/deeper/out/hyp-pv/results.json
B=$E2E_TMP/b/out/hyp-pv/results.json
check "give byte-identical results.json" cmp "$A" "$B"
check "and by shipped name too" sh -c '
    cd "$1/b" && "$2" run call.json -a hyp-pv --soc ref-2024 \
        --set virt.hyp-pv.hypercall_cycles=400 -o byname -q &&
    cmp byname/hyp-pv/results.json "$3"' _ "$E2E_TMP" "$abs_hs" "$A"
check "no path of this machine is in it" sh -c '! grep -q -e "$1" -e "$2" "$3"' \
    _ "$E2E_TMP" "$ROOT" "$A"
check "inputs.scenario.sha256 is the scenario file's SHA-256" \
    test "$(jq -r .inputs.scenario.sha256 "$A")" = "$(sha256sum "$S" | cut -d' ' -f1)"
check "inputs.soc is the SoC file's SHA-256 and its own name" \
    jq -e --arg h "$(sha256sum soc_models/ref-2024.json | cut -d' ' -f1)" \
    '.inputs.soc == {"sha256": $h, "name": "ref-2024"} and .soc == "ref-2024"' "$A"
check "inputs.images are the guest image's, firmware's and (hyp-pv's VMs) service image's SHA-256" \
    jq -e --arg d "$(sha256sum build/guest/domain.elf | cut -d' ' -f1)" \
    --arg b "$(sha256sum build/baseband/firmware.elf | cut -d' ' -f1)" \
    --arg s "$(sha256sum build/guest/service.elf | cut -d' ' -f1)" \
    '.inputs.images == {"domain": {"sha256": $d}, "baseband": {"sha256": $b}, "service": {"sha256": $s}}' "$A"
check "inputs.set holds the --set override as applied" \
    jq -e '.inputs.set == {"virt.hyp-pv.hypercall_cycles": "400"}' "$A"
check "inputs.handset_version is the build's" \
    jq -e --arg v "$($HS --version | cut -d' ' -f2)" '.inputs.handset_version == $v' "$A"
H=$E2E_TMP/b/out/hyp-pv/host.json
check "host.json names the Unicorn version and handset's" \
    jq -e '(.unicorn | test("^2\\.[1-9]")) and (.handset_version | length > 0)' "$H"
if git rev-parse HEAD >/dev/null 2>&1; then
    check "host.json names the source commit" \
        jq -e --arg c "$(git rev-parse HEAD)" '.commit | startswith($c)' "$H"
else
    check "host.json says the commit is unknown outside git" jq -e '.commit == null' "$H"
fi
