# stress.sh - the short variant of the scale scenario
# (bench/scenarios/stress-8x24h.json: eight domains of two or three apps,
# the day cut to 10 minutes here; `make bench` runs the whole day as
# stress/<approach> with its peak memory): every approach runs it, exit
# 0, within 256 MB of memory (host.json's peak_rss_kib).
. tests/e2e/lib.sh

short=$E2E_TMP/stress-short.json
# (rules whose first occurrence is past the cut are left out)
jq '.duration = "10m" | .events |= map(select(
        .at | if endswith("m") then rtrimstr("m") | tonumber < 10
              else true end))' bench/scenarios/stress-8x24h.json >"$short"
for a in native selinux-mls hyp-mils hyp-pv trustzone containers; do
    rm -rf "$E2E_TMP/out"
    $HS run "$short" -a "$a" -o "$E2E_TMP/out" --no-trace --no-pcap \
        >"$E2E_TMP/log" 2>&1 </dev/null
    rc=$?
    h=$E2E_TMP/out/$a/host.json
    kib=$(jq '.peak_rss_kib' "$h" 2>/dev/null)
    if [ "$rc" -eq 0 ] && [ -n "$kib" ] && [ "$kib" -le 262144 ] &&
       jq -e '.latency["mail.sync"].count > 0' "$E2E_TMP/out/$a/results.json" >/dev/null; then
        echo "ok - stress (8 domains, 10 min), $a: exit 0, mail synced, peak $((kib / 1024)) MB <= 256 MB"
    else
        echo "not ok - stress (8 domains, 10 min), $a: exit $rc, peak '${kib}' KiB"
        sed 's/^/#   /' "$E2E_TMP/log" | head -n 10
    fi
done
