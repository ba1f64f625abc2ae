# scenario_validate.sh - `handset validate` and `handset list scenarios` on
# scenario files: the shipped scenarios pass; each malformed fixture
# under tests/data/scenario/ fails with exit 2 naming its position and
# key; the listing shows every shipped scenario.
. tests/e2e/lib.sh

expect_exit 0 "validate scenarios/*.json exits 0" -- $HS validate scenarios/*.json
for s in incoming-call-secret email-sync standby-24h covert-wakelock \
    covert-radio baseband-mic-attack download-store-display sms-at-work \
    outgoing-call; do
    expect_match "^scenarios/$s\\.json: ok \\(handset-scenario/1, $s\\)\$" \
        "validate reports $s ok" -- $HS validate "scenarios/$s.json"
done
expect_exit 0 "the fixtures' base file is valid" -- \
    $HS validate tests/data/scenario/good.json

D=tests/data/scenario
# fixture|expected position, key and message
while IFS='|' read -r f re; do
    [ -n "$f" ] || continue
    expect_exit 2 "$f exits 2" -- $HS validate "$D/$f"
    expect_match "^$D/$f:$re" "$f names position and key" -- $HS validate "$D/$f"
done <<'LIST'
bad-json.json|7:13: invalid JSON: string or '}' expected near ','$
unknown-key.json|6:3: duraton: unknown key \(did you mean "duration"\?\)$
wrong-type.json|7:11: seed: expected an integer$
unknown-approach.json|46:55: approaches\[3\]: unknown approach "hyp-pvv" \(did you mean "hyp-pv"\?\)$
unknown-app.json|22:17: domains\[1\]\.apps\[0\]\.app: unknown app "vioce" \(did you mean "voice"\?\)$
negative-duration.json|6:15: duration: invalid duration "-3m": durations cannot be negative$
event-after-end.json|43:12: events\[2\]\.at: 4m is not before the end of the scenario \(3m\)$
unknown-domain.json|42:88: events\[1\]\.params\.domain: unknown domain "unclas" \(did you mean "unclass"\?\)$
overlapping-ambient.json|29:14: ambient\[1\]\.from: overlaps ambient\[0\] \(0 to 1m\)$
expect-unknown-approach.json|49:56: expect\[0\]\.approach: unknown approach "hyp-mil" \(did you mean "hyp-mils"\?\)$
expect-approach-not-run.json|49:56: expect\[0\]\.approach: approach "trustzone" is not among
every-zero.json|42:28: events\[1\]\.every: must be greater than 0$
jitter-too-long.json|42:44: events\[1\]\.jitter: must be shorter than every$
bad-set-key.json|47:26: set\.virt\.\.slice: a key is section\.name or section\.name\.sub
unknown-param.json|23:89: domains\[1\]\.apps\[1\]\.params\.symbol: unknown key \(did you mean "symbols"\?\)$
covert-unpaired.json|23:9: domains\[1\]\.apps\[1\]: no covert-tx in another domain on channel "wakelock"
unknown-level.json|20:16: domains\[1\]\.level: unknown level "restricted"
duplicate-domain.json|19:15: domains\[1\]\.name: duplicate domain name "secret"
missing-call-policy.json|1:1: call_policy: missing
app-needs-voice.json|41:67: events\[0\]\.params\.domain: domain "secret" runs no voice app$
relative-star.json|50:58: expect\[1\]\.approach: a comparison with "than" needs one approach
unknown-soc.json|5:10: soc: no shipped SoC named "ref-2031"
hang-up-without-call.json|41:29: events\[0\]\.action: hang-up needs an incoming-call or dial event
bad-variant.json|48:85: variants\[1\]\.mic_wiring: unknown microphone wiring "bluetooth"
bad-dist.json|33:73: user\.answer_delay\.mean: unknown key \(did you mean "median"\?\)$
value-and-than.json|51:14: expect\[1\]\.than: give either "value" or "than", not both$
LIST

# A bad scenario among good ones: every file is checked, the exit is 2.
expect_exit 2 "a bad scenario among good ones exits 2" -- \
    $HS validate scenarios/email-sync.json $D/wrong-type.json soc_models/ref-2013.json
expect_match '^soc_models/ref-2013\.json: ok' "files after a bad scenario are still checked" -- \
    $HS validate scenarios/email-sync.json $D/wrong-type.json soc_models/ref-2013.json

# A scenario naming its SoC by path, relative to where handset runs.
sed 's|"soc": "ref-2013"|"soc": "soc_models/ref-2024.json"|' $D/good.json >"$E2E_TMP/bypath.json"
expect_exit 0 "a SoC given as a path is loaded" -- $HS validate "$E2E_TMP/bypath.json"
sed 's|"soc": "ref-2013"|"soc": "nowhere/x.json"|' $D/good.json >"$E2E_TMP/nosoc.json"
expect_match ':5:10: soc: SoC "nowhere/x\.json" does not load: nowhere/x\.json: cannot open' \
    "a SoC path that does not exist is named" -- $HS validate "$E2E_TMP/nosoc.json"

expect_exit 0 "list scenarios exits 0" -- $HS list scenarios
n=$($HS list scenarios 2>/dev/null | wc -l)
want=$(ls scenarios/*.json | wc -l)
if [ "$n" -eq "$want" ]; then
    echo "ok - list scenarios shows every shipped scenario ($want)"
else
    echo "not ok - list scenarios shows every shipped scenario ($n lines, $want files)"
fi
for s in incoming-call-secret email-sync standby-24h covert-wakelock \
    covert-radio baseband-mic-attack download-store-display sms-at-work \
    outgoing-call; do
    expect_match "^$s +[A-Z].*\\?\$" "list scenarios shows $s with its question" -- \
        $HS list scenarios
done
mkdir -p "$E2E_TMP/data/scenarios" "$E2E_TMP/data/soc_models"
cp soc_models/ref-2013.json "$E2E_TMP/data/soc_models/"
cp scenarios/covert-wakelock.json "$E2E_TMP/data/scenarios/"
n=$(HANDSET_DATA="$E2E_TMP/data" $HS list scenarios 2>/dev/null | wc -l)
if [ "$n" -eq 1 ]; then
    echo "ok - list scenarios honours HANDSET_DATA"
else
    echo "not ok - list scenarios honours HANDSET_DATA ($n lines)"
fi
cp $D/wrong-type.json "$E2E_TMP/data/scenarios/"
expect_exit 2 "a broken shipped scenario makes list exit 2" -- \
    env HANDSET_DATA="$E2E_TMP/data" $HS list scenarios
expect_match 'wrong-type\.json:7:11: seed: expected an integer' \
    "a broken shipped scenario is named" -- env HANDSET_DATA="$E2E_TMP/data" $HS list scenarios
