# limits.sh - extreme and hostile input through the command line: a cost
# parameter at 2^64-1 costs more than the default, never less (time and
# cycle arithmetic saturates); a control character in a scenario stays
# escaped on one line of the error; a 16-byte guest image names its cause.
. tests/e2e/lib.sh

energy() {
    rm -rf "$E2E_TMP/hc"
    $HS run tests/fuzz/boundary.json -a hyp-pv \
        --set "virt.hyp-pv.hypercall_cycles=$1" -o "$E2E_TMP/hc" \
        >/dev/null 2>&1 </dev/null &&
        jq '.energy.total_mj' "$E2E_TMP/hc/hyp-pv/results.json"
}
e_def=$(energy 376)
e_max=$(energy 18446744073709551615)
if [ -n "$e_def" ] && [ -n "$e_max" ] &&
   awk -v a="$e_def" -v b="$e_max" 'BEGIN { exit !(b > a) }'; then
    echo "ok - hypercall_cycles=2^64-1 costs more energy than 376 ($e_max > $e_def mJ)"
else
    echo "not ok - hypercall_cycles=2^64-1 costs more energy than 376 ('$e_max' vs '$e_def')"
fi

# a key with a newline and an escape sequence: one line, escaped
printf '{"format": "handset-scenario/1", "name": "x",\n "bad\\ntests/x.json:1:1: forged\\u001b[2J": 1}\n' \
    >"$E2E_TMP/ctl.json"
$HS validate "$E2E_TMP/ctl.json" >"$E2E_TMP/ctl.out" 2>&1 </dev/null
rc=$?
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$E2E_TMP/ctl.out")" -eq 1 ] &&
   grep -q 'bad\\ntests/x.json:1:1: forged\\x1b\[2J' "$E2E_TMP/ctl.out" &&
   ! grep -q "$(printf '\033')" "$E2E_TMP/ctl.out"; then
    echo "ok - control characters in a scenario are escaped in the error"
else
    echo "not ok - control characters in a scenario are escaped in the error (exit $rc)"
    od -c "$E2E_TMP/ctl.out" | head -n 8 | sed 's/^/#   /'
fi

# a 16-byte image: the cause, not libelf's "no error"
printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000' >"$E2E_TMP/short.elf"
HANDSET_GUEST_IMAGE=$E2E_TMP/short.elf \
    expect_match 'short.elf: truncated: 16 bytes, shorter than an ELF header \(64\)' \
    "a 16-byte guest image names its cause" -- $HS guest crypto --n 1
if grep -q 'no error' "$E2E_TMP/out"; then
    echo "not ok - a 16-byte guest image does not say 'no error'"
else
    echo "ok - a 16-byte guest image does not say 'no error'"
fi
