# email_sync.sh - the shipped email-sync scenario as shipped: both domains
# sync mail for 2 h, the secret domain through its crypto app (its VPN
# on the one-kernel approaches and trustzone, the crypto VM on the
# hypervisor ones). Every approach runs, its expects pass, no secret
# cleartext reaches the network, the domain's app is in the TCB where it
# seals, and a rerun is byte-identical.
. tests/e2e/lib.sh

SC=scenarios/email-sync.json
OUT=$E2E_TMP/es

check() {
    name=$1; shift
    if "$@"; then echo "ok - $name"; else echo "not ok - $name"; fi
}

expect_exit 0 "email-sync runs under every approach" -- \
    $HS compare $SC -o "$OUT" -q --no-trace
expect_exit 0 "email-sync's expects pass" -- $HS check "$OUT" --expect $SC

for a in native selinux-mls hyp-mils hyp-pv trustzone containers; do
    R=$OUT/$a/results.json
    check "$a: no flow violation" \
        test "$(jq '.flows.violations' "$R" 2>/dev/null)" = 0
    check "$a: 16 syncs timed" \
        test "$(jq '.latency["mail.sync"].count' "$R" 2>/dev/null)" = 16
    app=$(jq '[.tcb[] | select(. == "crypto app (secret)")] | length' "$R" 2>/dev/null)
    case $a in
    hyp-*) want=0 ;; # the crypto VM seals; the app is not on the path
    *) want=1 ;;
    esac
    check "$a: crypto app (secret) in the TCB: $want" test "$app" = "$want"
done

# where the app seals, its flows say so
check "selinux-mls: the secret domain's packets leave through its app" \
    test "$(jq -r '.flows.explicit[] | select(.from == "secret") | .path' \
        "$OUT/selinux-mls/results.json" 2>/dev/null)" = \
    "secret>crypto app>linux+selinux-mls>baseband>network"

$HS compare $SC -o "$E2E_TMP/es2" -q --no-trace >/dev/null 2>&1
check "a rerun gives byte-identical results" \
    cmp -s "$OUT/selinux-mls/results.json" "$E2E_TMP/es2/selinux-mls/results.json"
