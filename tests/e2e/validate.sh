# validate.sh - `handset validate` and `handset list`: the shipped SoC
# files pass; each corrupted copy fails with exit 2 naming its position
# and key; the listing shows the shipped SoCs.
. tests/e2e/lib.sh

expect_exit 0 "validate soc_models/*.json exits 0" -- $HS validate soc_models/*.json
expect_match '^soc_models/ref-2013\.json: ok \(handset-soc/1, ref-2013\)$' \
    "validate reports ref-2013 ok" -- $HS validate soc_models/ref-2013.json
expect_match '^soc_models/ref-2024\.json: ok \(handset-soc/1, ref-2024\)$' \
    "validate reports ref-2024 ok" -- $HS validate soc_models/ref-2024.json

D=tests/data/soc
# fixture|expected position and key
while IFS='|' read -r f re; do
    [ -n "$f" ] || continue
    expect_exit 2 "$f exits 2" -- $HS validate "$D/$f"
    expect_match "^$D/$f:$re" "$f names position and key" -- $HS validate "$D/$f"
done <<'LIST'
invalid-json.json|14:18: invalid JSON
duplicate-key.json|15:13: invalid JSON: duplicate object key
missing-key.json|5:14: battery\.capacity_mah: missing$
wrong-type.json|22:22: clusters\[0\]\.opps\[2\]\.freq_mhz: expected a number$
negative-power.json|55:19: cpu\.suspend\.power_ma: must not be negative$
unknown-key.json|6:5: battery\.capacity_mha: unknown key \(did you mean "capacity_mah"\?\)$
opps-not-increasing.json|26:22: clusters\[0\]\.opps\[4\]\.freq_mhz: must be greater
missing-source.json|92:14: display\.source: missing$
bad-format.json|2:13: format: unknown format "handset-soc/2"
bad-duration.json|127:26: radio\.lte\.tail\.long_drx_tail: invalid duration
bad-wiring.json|102:15: microphone\.wiring: expected one of
display-too-large.json|94:18: display\.height_px: 1080 x 4000 pixels do not fit
zero-frequency.json|18:22: clusters\[0\]\.opps\[0\]\.freq_mhz: must be greater than 0$
bad-mic-tone.json|161:18: devices\.mic\.tone_hz: must be at most 7999$
devices-missing-source.json|159:12: devices\.mic\.source: missing$
LIST

# One bad file among good ones: every file is checked, the exit is 2.
expect_exit 2 "a bad file among good ones exits 2" -- \
    $HS validate soc_models/ref-2013.json $D/missing-key.json soc_models/ref-2024.json
expect_match '^soc_models/ref-2024\.json: ok' "files after a bad one are still checked" -- \
    $HS validate soc_models/ref-2013.json $D/missing-key.json soc_models/ref-2024.json

# Scenario files: tests/e2e/scenario_validate.sh.
printf '{"name": "s"}\n' >"$E2E_TMP/noformat.json"
expect_match ':1:1: format: missing$' "a file without format names the key" -- \
    $HS validate "$E2E_TMP/noformat.json"
expect_exit 2 "a missing file exits 2" -- $HS validate "$E2E_TMP/absent.json"
expect_match 'absent\.json: cannot open' "a missing file is named" -- $HS validate "$E2E_TMP/absent.json"
expect_exit 2 "validate without a file is a usage error" -- $HS validate

expect_exit 0 "list socs exits 0" -- $HS list socs
expect_match '^ref-2013 +Nexus-5-class' "list socs shows ref-2013" -- $HS list socs
expect_match '^ref-2024 +2024 mid-range big.LITTLE' "list socs shows ref-2024" -- $HS list socs
mkdir -p "$E2E_TMP/data/soc_models"
cp soc_models/ref-2024.json "$E2E_TMP/data/soc_models/"
expect_match '^ref-2024 ' "list socs honours HANDSET_DATA" -- \
    env HANDSET_DATA="$E2E_TMP/data" $HS list socs
# Only the one file in HANDSET_DATA is listed, not the source tree's.
n=$(HANDSET_DATA="$E2E_TMP/data" $HS list socs 2>/dev/null | wc -l)
if [ "$n" -eq 1 ]; then
    echo "ok - HANDSET_DATA replaces the source tree"
else
    echo "not ok - HANDSET_DATA replaces the source tree ($n lines)"
fi
expect_exit 2 "HANDSET_DATA that is not a directory exits 2" -- \
    env HANDSET_DATA="$E2E_TMP/nowhere" $HS list socs
expect_exit 2 "an unknown list kind is a usage error" -- $HS list frobs
expect_match "unknown list 'frobs'" "an unknown list kind is named" -- $HS list frobs
expect_exit 2 "list without a kind is a usage error" -- $HS list
