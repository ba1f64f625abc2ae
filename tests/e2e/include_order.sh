# include_order.sh - `make lint`'s include check (tests/include_order.sh):
# the tree passes; a copy with an include that points up the dependency
# order, one with host code including a guest-only header, and one with a
# new folder nobody placed in the order each fail, naming the line.
. tests/e2e/lib.sh

expect_match '^include order: ok' "include order: the tree keeps it" -- \
    sh tests/include_order.sh

copy=$E2E_TMP/tree
mkdir -p "$copy"
cp -R emu soc_models baseband guest tests "$copy"/

echo '#include "phone/modem.h"' >>"$copy/emu/net/ip.c"
expect_exit 1 "include order: an upward include fails" -- \
    sh tests/include_order.sh "$copy"
expect_match '^emu/net/ip.c:[0-9]+: includes emu/phone/modem.h: emu/net may not depend on emu/phone' \
    "include order: the upward include is named" -- \
    sh tests/include_order.sh "$copy"
cp emu/net/ip.c "$copy/emu/net/ip.c"

echo '#include "guest/apps/apps.h"' >>"$copy/emu/phone/covert.c"
expect_match 'emu/phone/covert.c:[0-9]+: includes guest/apps/apps.h, a guest-only header' \
    "include order: host code including a guest-only header fails" -- \
    sh tests/include_order.sh "$copy"
cp emu/phone/covert.c "$copy/emu/phone/covert.c"

mkdir -p "$copy/emu/stray"
printf '#include "sim/sim.h"\n' >"$copy/emu/stray/stray.c"
expect_match 'module emu/stray is not in the dependency order' \
    "include order: a folder outside the order fails" -- \
    sh tests/include_order.sh "$copy"
