#!/bin/sh
# include_order.sh - the include check of `make lint`: host code's
# #include "..." lines must point down the dependency order of
# docs/architecture.md, never up, and no two modules may include each
# other (directly or round a loop).
#
#   sh tests/include_order.sh [ROOT]     ROOT defaults to the repository
#
# A module is a source folder (emu/sim, soc_models/devices, baseband, ...).
# ORDER below lists them from the bottom up; a file may include headers of
# its own module and of modules listed before it. Headers shared by host
# and guest may be included from anywhere: guest/include (the guest/host
# ABI: platform.h, abi/*.h), baseband/firmware/bb_abi.h (the baseband's)
# and guest/lib (target-neutral code also built for the host). Every other
# guest or firmware header is the guest's own, and host code including one
# is an error. tests/ and bench/ sit above everything and are not checked.
# Prints one line per offending #include and exits 1; prints
# "include order: ok (N includes)" and exits 0 otherwise.
set -u
root=${1:-$(dirname "$0")/..}
cd "$root" || exit 2

# Bottom first. Keep docs/architecture.md's dependency order in step.
ORDER="emu/sim emu/power emu/flow emu/config emu/bus emu/cpu
soc_models/devices emu/net baseband emu/machine emu/virt emu/out emu/phone
emu/run viewer emu/cli"

files=$(find emu soc_models baseband viewer -name '*.[ch]' 2>/dev/null |
    grep -v '^baseband/firmware/' | LC_ALL=C sort)

edges=$(mktemp "${TMPDIR:-/tmp}/include-order.XXXXXX") || exit 2
trap 'rm -f "$edges"' EXIT INT TERM

# One line per quoted include: FILE LINE TARGET-PATH, resolved as the
# compiler does (the including file's folder, then -I. -Iemu
# -Iguest/include; "?" if not found).
known=$(find emu soc_models baseband guest viewer -name '*.h' 2>/dev/null)
# shellcheck disable=SC2086
grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' $files /dev/null |
    awk -v known="$known" '
    function norm(p,   n, i, out, parts, k) {
        n = split(p, parts, "/"); k = 0
        for (i = 1; i <= n; i++) {
            if (parts[i] == "." || parts[i] == "") continue
            if (parts[i] == ".." && k > 0) { k--; continue }
            out[++k] = parts[i]
        }
        p = ""
        for (i = 1; i <= k; i++) p = p (i > 1 ? "/" : "") out[i]
        return p
    }
    BEGIN { n = split(known, h, /\n/); for (i = 1; i <= n; i++) have[h[i]] = 1 }
    {
        split($0, a, ":"); f = a[1]; line = a[2]
        inc = $0; sub(/^[^"]*"/, "", inc); sub(/".*$/, "", inc)
        d = f; sub(/\/[^\/]*$/, "", d)
        t = "?" inc
        if (norm(d "/" inc) in have) t = norm(d "/" inc)
        else if (norm(inc) in have) t = norm(inc)
        else if (norm("emu/" inc) in have) t = norm("emu/" inc)
        else if (norm("guest/include/" inc) in have) t = norm("guest/include/" inc)
        print f, line, t
    }' >"$edges"

awk -v order="$ORDER" '
function module(path,   m) {
    m = path
    sub(/\/[^\/]*$/, "", m)
    return m
}
BEGIN {
    n = split(order, o, /[ \n]+/)
    order = ""
    for (i = 1; i <= n; i++) {
        rank[o[i]] = i
        order = order (i > 1 ? " < " : "") o[i]
    }
    bad = 0
}
{
    file = $1; line = $2; target = $3
    count++
    from = module(file)
    if (!(from in rank)) {
        printf "%s: module %s is not in the dependency order " \
               "(tests/include_order.sh ORDER)\n", file, from
        bad++
        next
    }
    if (target ~ /^\?/) next          # system-like or generated: not ours
    if (target ~ /^guest\/include\// || target ~ /^guest\/lib\// ||
        target == "baseband/firmware/bb_abi.h")
        next
    if (target ~ /^guest\// || target ~ /^baseband\/firmware\//) {
        printf "%s:%s: includes %s, a guest-only header (the guest/host " \
               "ABI is guest/include)\n", file, line, target
        bad++
        next
    }
    to = module(target)
    if (to == from) next
    if (!(to in rank)) {
        printf "%s:%s: includes %s from %s, which is not in the " \
               "dependency order\n", file, line, target, to
        bad++
        next
    }
    if (rank[to] > rank[from]) {
        printf "%s:%s: includes %s: %s may not depend on %s, which is " \
               "above it\n", file, line, target, from, to
        bad++
    }
    print from, to > "/dev/stderr"
}
END {
    if (bad) {
        printf "include order: %d bad include(s); the order, bottom " \
               "up: %s\n", bad, order
        exit 1
    }
    printf "include order: ok (%d includes)\n", count
}' "$edges" 2>"$edges.pairs"
rc=$?
# A loop between modules (only possible if the order above were not a
# total order; tsort reports it independently of the ranks).
if sort -u "$edges.pairs" | tsort >/dev/null 2>"$edges.loop"; then
    :
else
    echo "include order: modules include each other round a loop:"
    sed -n 's/^tsort: -: input contains a loop:$//; t; s/^tsort: /  /p' \
        "$edges.loop"
    rc=1
fi
rm -f "$edges.pairs" "$edges.loop"
exit $rc
