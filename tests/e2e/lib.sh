# lib.sh - helpers for end-to-end scripts: each check prints one TAP line.
# Source it; then `expect_exit CODE NAME -- CMD...`, `expect_match REGEX
# NAME -- CMD...`. Scripts run from the repository root.
HS=${HS:-build/handset}
E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/handset-e2e.XXXXXX")
trap 'rm -rf "$E2E_TMP"' EXIT INT TERM

# expect_exit CODE NAME -- CMD...: CMD must exit with CODE.
expect_exit() {
    code=$1; name=$2; shift 3
    "$@" >"$E2E_TMP/out" 2>"$E2E_TMP/err" </dev/null
    rc=$?
    if [ "$rc" -eq "$code" ]; then
        echo "ok - $name"
    else
        echo "not ok - $name (exit $rc, wanted $code)"
        sed 's/^/#   /' "$E2E_TMP/err" | head -n 20
    fi
}

# expect_match REGEX NAME -- CMD...: CMD's stdout+stderr must match REGEX
# (grep -E), whatever its exit code.
expect_match() {
    re=$1; name=$2; shift 3
    "$@" >"$E2E_TMP/out" 2>&1 </dev/null
    if grep -Eq -- "$re" "$E2E_TMP/out"; then
        echo "ok - $name"
    else
        echo "not ok - $name (no match for /$re/)"
        sed 's/^/#   /' "$E2E_TMP/out" | head -n 20
    fi
}
