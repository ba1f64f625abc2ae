# approaches.sh - `handset list approaches`: every approach is listed with
# its one-line description, and those whose mechanisms are not built say
# so.
. tests/e2e/lib.sh

expect_exit 0 "list approaches exits 0" -- $HS list approaches
for a in native selinux-mls hyp-mils hyp-pv trustzone containers; do
    expect_match "^$a +[a-zA-Z]" "list approaches names $a" -- $HS list approaches
done
expect_match '^native +one OS, every domain a plain process' \
    "native has its description" -- $HS list approaches
expect_match '^trustzone .*\(not built yet\)$' \
    "trustzone is marked not built yet" -- $HS list approaches
expect_match '^containers .*\(not built yet\)$' \
    "containers is marked not built yet" -- $HS list approaches
n=$($HS list approaches 2>/dev/null | grep -c 'not built yet')
if [ "$n" -eq 2 ]; then
    echo "ok - only the two unbuilt approaches are marked"
else
    echo "not ok - only the two unbuilt approaches are marked ($n)"
fi
