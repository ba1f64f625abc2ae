# fuzz.sh - a smoke run of every fuzz target (tests/fuzz): a few seconds
# each from its seed corpus, so a change that makes a loader or the guest
# boundary crash at once is caught here. `make fuzz` is the long run.
secs=${FUZZ_SMOKE_SECONDS:-3}
sh tests/fuzz/run "$secs"
