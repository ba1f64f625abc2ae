# approaches.sh - `handset list approaches`: every approach is listed with
# its one-line description; an approach whose mechanisms were not built
# would be marked "(not built yet)", and today none is.
. tests/e2e/lib.sh

expect_exit 0 "list approaches exits 0" -- $HS list approaches
for a in native selinux-mls hyp-mils hyp-pv trustzone containers; do
    expect_match "^$a +[a-zA-Z]" "list approaches names $a" -- $HS list approaches
done
expect_match '^native +one OS, every domain a plain process' \
    "native has its description" -- $HS list approaches
n=$($HS list approaches 2>/dev/null | grep -c 'not built yet')
if [ "$n" -eq 0 ]; then
    echo "ok - no approach is marked not built"
else
    echo "not ok - no approach is marked not built ($n)"
fi
