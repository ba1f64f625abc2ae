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
