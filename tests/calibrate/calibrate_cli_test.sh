#!/usr/bin/env bash
# Round trip as a user runs it: chansim run -> its members.csv and timeseries.csv as the
# observed data -> chansim calibrate from a start far off -> the original parameters.
#   calibrate_cli_test.sh CHANSIM SOURCE_DIR
set -euo pipefail
chansim=$1
src=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/chansim-calibrate.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$chansim" run "$src/scenarios/calibration/demo.yaml" --out "$work/truth" --quiet
cat >"$work/cal.yaml" <<YAML
scenario: $src/scenarios/calibration/demo.yaml
period_ticks: 7
parameters:
  - {path: "consumers.segments[0].price_sensitivity", name: alpha, low: 0.01, high: 2, start: 0.6}
  - {path: "consumers.segments[0].online_preference", name: online, low: -5, high: 5, start: 1}
  - {path: "consumers.segments[0].purchase_probability", name: buy, low: 0.001, high: 1, start: 0.2}
observed:
  - {file: truth/members.csv, format: members, match: [units, price]}
  - {file: truth/timeseries.csv, format: timeseries, match: [units, online_share]}
holdout: {from_tick: 43}
YAML
"$chansim" calibrate "$work/cal.yaml" --out "$work/fit" 2>"$work/err" >"$work/out" || { cat "$work/err"; fail "calibrate failed"; }
grep -q "calibrate: iteration 1 " "$work/err" || fail "no progress on stderr"
for f in calibrated.yaml estimates.csv fit.csv calibration.json; do [[ -s $work/fit/$f ]] || fail "$f missing"; done
# estimates within 1e-6 (relative) of the scenario's values 0.3, -0.4, 0.05
awk -F, 'NR > 1 { want[ "alpha" ] = 0.3; want[ "online" ] = -0.4; want[ "buy" ] = 0.05;
  d = $3 - want[$1]; if (d < 0) d = -d; if (d > 1e-6 * (want[$1] < 0 ? -want[$1] : want[$1])) { print "FAIL: " $1 " = " $3; bad = 1 } }
  END { exit bad }' "$work/fit/estimates.csv"
grep -q '"held_out_moments": [1-9]' "$work/fit/calibration.json" || fail "no holdout moments"
# the calibrated scenario runs and reproduces the observed run's sales
"$chansim" run "$work/fit/calibrated.yaml" --out "$work/again" --quiet
cmp <(cut -d, -f1-8 "$work/truth/members.csv") <(cut -d, -f1-8 "$work/again/members.csv") || \
  awk -F, 'NR == FNR { a[FNR] = $8; next } FNR > 1 { d = $8 - a[FNR]; if (d < 0) d = -d; if (d > 1e-6 * (a[FNR] + 1)) { print "FAIL: member " $1; exit 1 } }' \
    "$work/truth/members.csv" "$work/again/members.csv"
# chansim report shows the calibration section
"$chansim" report "$work/fit" >/dev/null
grep -q "Estimates" "$work/fit/report.html" || fail "report.html lacks the estimates"
grep -q "simulated against observed" "$work/fit/report.html" || fail "report.html lacks the fit chart"
# a bad observed file is exit 2 with file:line:col
printf 'period,group,units\n1,stores,x\n' >"$work/bad.csv"
sed "s|truth/members.csv, format: members, match: \[units, price\]|bad.csv|" "$work/cal.yaml" >"$work/bad.yaml"
code=0
"$chansim" calibrate "$work/bad.yaml" --out "$work/badfit" 2>"$work/err2" >/dev/null || code=$?
[[ $code -eq 2 ]] || fail "exit $code for a bad observed file"
grep -qF "bad.csv:2:10: units: expected a number" "$work/err2" || { cat "$work/err2"; fail "message lacks file:line:col"; }
echo "ok: round trip recovered alpha, online preference and purchase probability"
