# hostile.sh - no guest can fail the host. The hostile test guest
# (tests/guest/hostile.c) runs in every domain of tests/fuzz/boundary.json
# with its compiled-in script, the socket flood: connect every socket and
# write 0xffffffff to HS_SOCK_TUN_DONE on every call. Under every
# approach the run exits 0 and writes its results; where the domain's
# VPN app is on the path (no crypto VM), the tun queue overflows and the
# drops are counted. The flood breaks no rule of the socket device (a
# TUN_DONE with nothing in the app is ignored, as guest mistakes are), so
# no domain faults.
. tests/e2e/lib.sh

img=build/tests/guest/hostile.elf
out=$E2E_TMP/flood
if [ ! -f "$img" ]; then
    echo "not ok - socket flood: $img is not built (make check builds it)"
    exit 0
fi
HANDSET_GUEST_IMAGE=$img $HS run tests/fuzz/boundary.json -a all -o "$out" \
    >"$E2E_TMP/flood.out" 2>&1 </dev/null
rc=$?
if [ "$rc" -eq 0 ]; then
    echo "ok - socket flood under every approach: exit 0"
else
    echo "not ok - socket flood under every approach: exit $rc"
    sed 's/^/#   /' "$E2E_TMP/flood.out" | head -n 20
fi
for a in native selinux-mls hyp-mils hyp-pv trustzone containers; do
    r=$out/$a/results.json
    case $a in
    hyp-*) want='(.counts.dropped["vpn.queue"] // 0) == 0' ;; # crypto VM
    *) want='.counts.dropped["vpn.queue"] > 0' ;;
    esac
    if [ -f "$r" ] && jq -e "$want and .faults == []" "$r" >/dev/null; then
        echo "ok - socket flood, $a: results written, $want, no fault"
    else
        echo "not ok - socket flood, $a: results written, $want, no fault"
        [ -f "$r" ] && jq -c '.counts, .faults' "$r" | sed 's/^/#   /'
    fi
done
