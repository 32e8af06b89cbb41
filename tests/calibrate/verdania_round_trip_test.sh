#!/usr/bin/env bash
# Round trip on imported geography (README "Import"): chansim run scenarios/verdania.yaml (members,
# territories and consumers from scenarios/data/) -> its members.csv and timeseries.csv as the
# observed data -> chansim calibrate with scenarios/calibration/verdania_calibration.yaml (four
# weeks instead of eight, to keep the test short) -> the scenario's own values; then the
# calibrated scenario, written to another folder, runs and names the imported files from there.
#   verdania_round_trip_test.sh CHANSIM SOURCE_DIR
set -euo pipefail
chansim=$(realpath "$1")
src=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/chansim-verdania.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$chansim" run "$src/scenarios/verdania.yaml" --ticks 28 --set consumers.mode=expected \
  --set 'members[2].replenishment={rule: none, initial_stock: 100000}' --out "$work/truth" --quiet
# the shipped calibration file, with the scenario and observed files where this test put them
sed -e "s|^scenario: .*|scenario: $src/scenarios/verdania.yaml|" -e "s|ticks=56|ticks=28|" \
    -e "s|../../outputs/verdania_truth/|truth/|" -e "s|from_tick: 43|from_tick: 22|" \
    "$src/scenarios/calibration/verdania_calibration.yaml" >"$work/cal.yaml"
"$chansim" calibrate "$work/cal.yaml" --out "$work/fit" --quiet >"$work/out" 2>"$work/err" || { cat "$work/err"; fail "calibrate failed"; }
# estimates within 1e-6 (relative) of verdania.yaml's 0.25, 0.5, 0.02
awk -F, 'NR > 1 { want["price_sensitivity"] = 0.25; want["online_preference"] = 0.5; want["purchase_probability"] = 0.02;
  d = $3 - want[$1]; if (d < 0) d = -d; if (d > 1e-6 * want[$1]) { print "FAIL: " $1 " = " $3; bad = 1 } }
  END { exit bad }' "$work/fit/estimates.csv"
grep -q '"held_out_moments": [1-9]' "$work/fit/calibration.json" || fail "no holdout moments"
# calibrated.yaml names the imported files relative to its folder and reruns the observed sales
grep -q 'from_csv: \.\./' "$work/fit/calibrated.yaml" || fail "calibrated.yaml: imported files not relative to its folder"
(cd / && "$chansim" run "$work/fit/calibrated.yaml" --out "$work/again" --quiet) || fail "calibrated.yaml does not run"
awk -F, 'NR == FNR { a[FNR] = $8; next } FNR > 1 { d = $8 - a[FNR]; if (d < 0) d = -d; if (d > 1e-6 * (a[FNR] + 1)) { print "FAIL: member " $1; exit 1 } }' \
  "$work/truth/members.csv" "$work/again/members.csv"
# the run's scenario.resolved.yaml reruns from anywhere, to the same bytes
(cd / && "$chansim" run "$work/truth/scenario.resolved.yaml" --out "$work/rerun" --quiet) || fail "scenario.resolved.yaml does not run"
cmp "$work/truth/members.csv" "$work/rerun/members.csv" || fail "the resolved scenario gave other sales"
echo "ok: verdania round trip recovered price sensitivity, online preference and purchase probability"
