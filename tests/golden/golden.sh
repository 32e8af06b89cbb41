#!/usr/bin/env bash
# Golden outputs: every shipped scenario at 60 and 365 ticks with two seeds, the special cases of
# bench/compare_outputs.sh (expected mode, tiny noise, weights, blocks), a sweep, and the
# `chansim validate` table, hashed file by file. A refactor must leave them byte-identical; a
# change of results is blessed on purpose (`record`) and explained in its commit.
#
#   tests/golden/golden.sh check  [CHANSIM]   rerun and compare with tests/golden/golden.sha256
#   tests/golden/golden.sh record [CHANSIM]   rerun and overwrite tests/golden/golden.sha256
#   tests/golden/golden.sh quick  [CHANSIM]   check only the 60-tick runs and the special cases
#
# CHANSIM defaults to build/chansim. The outputs stay in outputs/golden/ (git-ignored) so that a
# difference can be inspected with diff. manifest.json (timings, paths) is not compared.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mode=${1:-check}
chansim=$(realpath "${2:-$root/build/chansim}")
list=$root/tests/golden/golden.sha256
work=$root/outputs/golden
threads=${CHAN_GOLDEN_THREADS:-2}
cd "$root" || exit 2
case $mode in check | record | quick) ;; *) sed -n 2,12p "$0" >&2; exit 2 ;; esac
[ -x "$chansim" ] || { echo "error: no chansim binary at $chansim (build first)" >&2; exit 2; }
rm -rf "$work"
mkdir -p "$work"

# name | scenario | extra arguments
cases=(
  "flagship_expected|scenarios/flagship.yaml|--ticks 20 --set consumers.mode=expected"
  "flagship_nosubst|scenarios/flagship.yaml|--ticks 20 --set consumers.substitution=false"
  "flagship_blocks64|scenarios/flagship.yaml|--ticks 10 --set block_size=64 --set consumers.count=20000"
  "flagship_tiny_noise|scenarios/flagship.yaml|--ticks 10 --set consumers.count=20000 --set consumers.segments[0].noise=0.0005"
  "flagship_weight|scenarios/flagship.yaml|--ticks 20 --set consumers.count=30000 --set consumers.weight=3.7"
  "retail_K10|scenarios/bench/retail_choice.yaml|--ticks 30"
  "retail_K50|scenarios/bench/retail_choice.yaml|--ticks 20 --set consumers.count=5000 --set members[1].count=50 --set consumers.choice_set.nearest=50"
  "retail_expected|scenarios/bench/retail_choice.yaml|--ticks 10 --set consumers.mode=expected"
  "retail_tiny_noise_outside|scenarios/bench/retail_choice.yaml|--ticks 20 --set consumers.segments[0].noise=0.002 --set consumers.segments[0].outside_option=true --set consumers.segments[0].purchase_probability=0.3"
  "scale_small|scenarios/bench/scale.yaml|--ticks 20 --set consumers.count=50000 --set members[3].count=100"
)
for f in scenarios/*.yaml; do
  name=$(basename "$f" .yaml)
  for seed in 1 2; do
    cases+=("${name}_t60_s$seed|$f|--ticks 60 --seed $seed")
    [ "$mode" = quick ] || cases+=("${name}_t365_s$seed|$f|--ticks 365 --seed $seed")
  done
done

fail=0
for c in "${cases[@]}"; do
  IFS='|' read -r name scen args <<<"$c"
  # shellcheck disable=SC2086
  "$chansim" run "$scen" --quiet --threads "$threads" --out "$work/$name" $args >/dev/null 2>"$work/$name.err" ||
    { echo "FAIL  $name: run failed: $(head -c 300 "$work/$name.err")"; fail=1; }
done
if [ "$mode" != quick ]; then
  "$chansim" sweep scenarios/sweeps/markup_sweep.yaml --quiet --threads "$threads" --out "$work/sweep_markup" \
    >/dev/null 2>&1 || { echo "FAIL  sweep markup_sweep"; fail=1; }
  mkdir -p "$work/validate"
  "$chansim" validate --json >"$work/validate/table.json" 2>/dev/null || { echo "FAIL  validate"; fail=1; }
fi
rm -f "$work"/*.err

current=$(cd "$work" && find . -type f ! -name manifest.json ! -name '*.err' ! -path './*/runs/*/manifest.json' \
  ! -name 'sweep_manifest.json' ! -name 'report.html' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
if [ "$mode" = record ]; then
  printf '%s\n' "$current" >"$list"
  echo "recorded $(wc -l <"$list") golden files in ${list#"$root"/}"
  exit $fail
fi
expected=$(cat "$list")
[ "$mode" = quick ] && expected=$(grep -v -E '_t365_s[0-9]/|^[0-9a-f]+  \./(sweep_|validate)' <<<"$expected")
differences=$(diff <(printf '%s\n' "$expected") <(printf '%s\n' "$current"))
if [ -n "$differences" ]; then
  echo "golden outputs differ (< recorded, > now):"
  printf '%s\n' "$differences" | grep -E '^[<>]' | head -60
  fail=1
else
  echo "golden outputs identical: $(printf '%s\n' "$current" | wc -l) files"
fi
exit $fail
