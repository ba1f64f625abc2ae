# readme.sh - every example command in README.md and scenarios/README.md
# runs as written: the lines starting with "build/handset" in their ```sh
# blocks, in order, from a fresh directory that looks like the top of the
# tree (build/, scenarios/, soc_models/ linked), each exiting 0. The JSON
# example of a scenario's "set" is applied to a scenario and run.
. tests/e2e/lib.sh

ROOT=$(pwd)
W=$E2E_TMP/tree
mkdir -p "$W"
for d in build scenarios soc_models; do ln -s "$ROOT/$d" "$W/$d"; done

# commands FILE: the build/handset lines of FILE's ```sh blocks.
commands() {
    awk '/^```sh$/ { on = 1; next } /^```/ { on = 0 }
         on && /^build\/handset / { print }' "$1"
}

for doc in README.md scenarios/README.md; do
    n=0
    commands "$doc" >"$E2E_TMP/cmds"
    while IFS= read -r cmd; do
        n=$((n + 1))
        (cd "$W" && sh -c "$cmd") >"$E2E_TMP/out" 2>&1 </dev/null
        rc=$?
        if [ "$rc" -eq 0 ]; then
            echo "ok - $doc: $cmd"
        else
            echo "not ok - $doc: $cmd (exit $rc)"
            sed 's/^/#   /' "$E2E_TMP/out" | tail -n 15
        fi
    done <"$E2E_TMP/cmds"
    if [ "$n" -ge 5 ]; then
        echo "ok - $doc has $n example commands"
    else
        echo "not ok - $doc has only $n example commands (the extraction broke?)"
    fi
done

# The "set" example of scenarios/README.md, applied to a short scenario.
set_json=$(awk '/^```json$/ { on = 1; next } /^```/ { on = 0 }
                on && /^"set": / { print }' scenarios/README.md)
jq "{$set_json} + ." tests/data/sweep/call-short.json >"$E2E_TMP/set.json"
expect_exit 0 "the \"set\" example of scenarios/README.md validates" -- \
    $HS validate "$E2E_TMP/set.json"
expect_exit 0 "and runs" -- \
    $HS run "$E2E_TMP/set.json" -a hyp-mils,hyp-pv -o "$E2E_TMP/setrun" -q --no-trace --no-pcap
expect_match '"virt.hyp-mils.slice_ms": "10"' "with its settings applied" -- \
    cat "$E2E_TMP/setrun/hyp-mils/results.json"
