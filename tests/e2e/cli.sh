# cli.sh - the command line's contract: help, version, usage errors.
. tests/e2e/lib.sh

expect_exit 0 "--help exits 0" -- $HS --help
for c in run compare check validate list guest; do
    expect_match "^  $c " "--help lists $c" -- $HS --help
    expect_exit 0 "help $c exits 0" -- $HS help $c
    expect_match "Usage: handset $c" "$c --help shows its usage" -- $HS $c --help
done
expect_match '^handset [0-9]+\.[0-9]+\.[0-9]+ \(Unicorn [0-9]+\.[0-9]+\.[0-9]+\)$' "--version prints a version and the Unicorn in use" -- $HS --version
expect_exit 2 "unknown command exits 2" -- $HS frobnicate
expect_match "unknown command 'frobnicate'" "unknown command is named" -- $HS frobnicate
expect_exit 2 "no command exits 2" -- $HS
expect_exit 2 "help for an unknown command exits 2" -- $HS help frobnicate
expect_match "^  sweep " "--help lists sweep" -- $HS --help
expect_exit 0 "help sweep exits 0" -- $HS help sweep
expect_exit 0 "help help exits 0" -- $HS help help
expect_match "Usage: handset help" "help help explains help" -- $HS help help

# getopt_long: --opt=value, -jN, -- and names of shipped files.
S=tests/data/sweep/call-short.json
expect_exit 0 "--seed=3 -j2 --approach=native --output=DIR -- SCENARIO" -- \
    $HS run --seed=3 -j2 --approach=native --no-trace --no-pcap -q \
    --output="$E2E_TMP/eq" -- $S
expect_match '"seed": 3,' "--seed=3 reached results.json" -- cat "$E2E_TMP/eq/native/results.json"
expect_exit 0 "a shipped scenario and SoC by name" -- \
    $HS run covert-wakelock --soc ref-2024 -a native -o "$E2E_TMP/names" -q --no-trace --no-pcap
expect_match '"soc": "ref-2024"' "the SoC by name reached the run" -- \
    cat "$E2E_TMP/names/native/results.json"
expect_exit 2 "an unknown scenario name is refused" -- $HS run no-such-scenario -o "$E2E_TMP/x"
expect_match "handset list scenarios" "and says where names come from" -- \
    $HS run no-such-scenario -o "$E2E_TMP/x"
expect_exit 2 "an unknown SoC name is refused" -- $HS run covert-wakelock --soc ref-1999 -o "$E2E_TMP/x"
expect_exit 2 "an unknown option is refused" -- $HS run covert-wakelock --frobnicate
expect_match "unknown option '--frobnicate'" "and named" -- $HS run covert-wakelock --frobnicate
expect_exit 2 "a missing value is refused" -- $HS run covert-wakelock --seed
expect_match "did you mean \"hyp-mils\"" "-a hyp-mil gets a suggestion" -- \
    $HS run covert-wakelock -a hyp-mil -o "$E2E_TMP/x"
expect_match 'virt.hyp-mils.slice: unknown key \(did you mean "virt.hyp-mils.slice_ms"\?\)' \
    "an unknown --set key is reported as such before its value" -- \
    $HS run covert-wakelock --set virt.hyp-mils.slice=50ms -o "$E2E_TMP/x"
expect_exit 2 "--seed on sweep (it takes --seeds) is refused" -- \
    $HS sweep covert-wakelock --seed 3 -o "$E2E_TMP/x"

# list params: every --set key with default, unit and source.
expect_match '^virt\.hyp-mils\.slice_ms +10 ms +[a-z]' "list params: key, default, unit, source" -- \
    $HS list params
expect_match '^machine\.quantum_us ' "list params has the machine's keys" -- $HS list params
expect_exit 0 "list --json params is JSON with a source per key" -- \
    sh -c '"$1" list --json params | jq -e "length > 20 and all(.[]; (.source | length) > 0 and (.unit | length) > 0)"' _ "$HS"
for w in approaches scenarios socs; do
    expect_exit 0 "list --json $w is a JSON array of names" -- \
        sh -c '"$1" list --json "$2" | jq -e "length > 1 and all(.[]; .name | length > 0)"' _ "$HS" "$w"
done

# check: another scenario's results refused; --json; --junit.
C=$E2E_TMP/chk
$HS run covert-wakelock -a selinux-mls,hyp-mils,hyp-pv -o "$C" -q --no-trace --no-pcap
expect_exit 2 "check refuses results of another scenario" -- $HS check "$C" --expect email-sync
expect_match "results of scenario 'covert-wakelock', not of 'email-sync'" "and says whose they are" -- \
    $HS check "$C" --expect email-sync
expect_exit 2 "and a baseline of another scenario" -- $HS check "$C" --baseline "$E2E_TMP/eq"
expect_exit 0 "check --json --junit" -- $HS check "$C" --expect covert-wakelock --json --junit "$C/junit.xml"
expect_exit 0 "--json is one object with each check's outcome" -- \
    sh -c '"$1" check "$2" --expect covert-wakelock --json | jq -e ".failed == 0 and .passed == (.checks | length) and .passed > 0 and all(.checks[]; .outcome == \"pass\")"' _ "$HS" "$C"
expect_exit 0 "the JUnit XML is well-formed (xmllint)" -- xmllint --noout "$C/junit.xml"
expect_match '<testsuite name="handset check" tests="5" failures="0"' \
    "JUnit: one testsuite with a testcase per check" -- cat "$C/junit.xml"
expect_exit 1 "a failing check exits 1" -- \
    sh -c '"$1" check "$2" --expect "$3" --junit "$2/fail.xml"' _ "$HS" "$C" tests/data/sweep/covert-strict.json
expect_match '<failure message=' "and its JUnit XML has a failure" -- cat "$C/fail.xml"
