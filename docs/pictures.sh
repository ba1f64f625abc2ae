#!/bin/sh
# docs/pictures.sh - regenerates the pictures README.md shows (make
# pictures): the viewer at the moment the first call's ring card reaches
# the panel of a hyp-mils run of incoming-call-secret, and the report's
# power-over-time plot of the same compare (native and hyp-mils), drawn
# from the report's own data and gnuplot script as a PNG.
set -eu
cd "$(dirname "$0")/.."
HS=${HS:-build/handset}
OUT=build/pictures
rm -rf "$OUT"
$HS compare scenarios/incoming-call-secret.json -a native,hyp-mils -o "$OUT" -q
RING=$($HS view "$OUT/hyp-mils" --frames | awk '$5 ~ /call.notify/ {print $1; exit}')
SDL_VIDEODRIVER=offscreen $HS view "$OUT/hyp-mils" --screenshot "$RING" docs/viewer.png
$HS report "$OUT" >/dev/null
sed -e "s/^set terminal svg .*/set terminal pngcairo size 860,380 noenhanced font 'sans,10' background rgb 'white'/" \
    -e "s/^set output .*/set output 'power.png'/" "$OUT/report/power.gp" >"$OUT/report/power-png.gp"
(cd "$OUT/report" && gnuplot power-png.gp)
cp "$OUT/report/power.png" docs/report-power.png
echo "docs/viewer.png (at $RING), docs/report-power.png"
