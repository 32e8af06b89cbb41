#!/usr/bin/env bash
# Runs two chansim binaries on the same scenarios and compares their outputs byte for byte
# (every file of the run directory but manifest.json, which holds timings). Used to check that a performance change leaves results identical,
# at 1 and 2 threads.
#
#   bench/compare_outputs.sh REFERENCE_CHANSIM CANDIDATE_CHANSIM [SCENARIO_ROOT]
#
# SCENARIO_ROOT defaults to the repository root (the scenarios/ folder beside bench/).
set -uo pipefail
ref=${1:?reference chansim binary}
new=${2:?candidate chansim binary}
root=${3:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/chan_compare.XXXXXX)
trap 'rm -rf "$work"' EXIT

# name | scenario | extra arguments
cases=(
  "flagship|scenarios/flagship.yaml|--ticks 40"
  "flagship_expected|scenarios/flagship.yaml|--ticks 20 --set consumers.mode=expected"
  "flagship_nosubst|scenarios/flagship.yaml|--ticks 20 --set consumers.substitution=false"
  "flagship_blocks64|scenarios/flagship.yaml|--ticks 10 --set block_size=64 --set consumers.count=20000"
  "flagship_tiny_noise|scenarios/flagship.yaml|--ticks 10 --set consumers.count=20000 --set consumers.segments[0].noise=0.0005"
  "flagship_tiny_noise_expected|scenarios/flagship.yaml|--ticks 10 --set consumers.count=20000 --set consumers.segments[0].noise=0.0005 --set consumers.mode=expected"
  "flagship_weight|scenarios/flagship.yaml|--ticks 20 --set consumers.count=30000 --set consumers.weight=3.7"
  "retail_K10|scenarios/bench/retail_choice.yaml|"
  "retail_K50|scenarios/bench/retail_choice.yaml|--ticks 50 --set consumers.count=5000 --set members[1].count=50 --set consumers.choice_set.nearest=50"
  "retail_expected|scenarios/bench/retail_choice.yaml|--ticks 30 --set consumers.mode=expected"
  "retail_tiny_noise|scenarios/bench/retail_choice.yaml|--ticks 30 --set consumers.segments[0].noise=0.002"
  "retail_tiny_noise_outside|scenarios/bench/retail_choice.yaml|--ticks 30 --set consumers.segments[0].noise=0.002 --set consumers.segments[0].outside_option=true --set consumers.segments[0].purchase_probability=0.3"
  "retail_tiny_noise_outside_expected|scenarios/bench/retail_choice.yaml|--ticks 10 --set consumers.segments[0].noise=0.002 --set consumers.segments[0].outside_option=true --set consumers.mode=expected"
  "scale_small|scenarios/bench/scale.yaml|--ticks 30 --set consumers.count=50000 --set members[3].count=100"
  "scale_small_expected|scenarios/bench/scale.yaml|--ticks 15 --set consumers.count=50000 --set members[3].count=100 --set consumers.mode=expected"
)
for f in "$root"/scenarios/*.yaml; do  # scenarios/validation/ holds case files (chansim validate)
  [ -e "$f" ] || continue
  [ "$(basename "$f")" = flagship.yaml ] && continue
  cases+=("$(basename "$f" .yaml)|${f#"$root"/}|--ticks 60")
done

fail=0
for c in "${cases[@]}"; do
  IFS='|' read -r name scen args <<<"$c"
  for threads in 1 2; do
    # shellcheck disable=SC2086
    (cd "$root" && "$ref" run "$scen" --quiet --threads 1 --out "$work/ref_$name" $args) || { echo "FAIL  $name: reference run failed"; fail=1; continue; }
    # shellcheck disable=SC2086
    (cd "$root" && "$new" run "$scen" --quiet --threads "$threads" --out "$work/new_${name}_$threads" $args) || { echo "FAIL  $name: candidate run failed"; fail=1; continue; }
    same=1
    files=$(cd "$work/ref_$name" && ls | grep -v '^manifest.json$')
    [ "$files" = "$(cd "$work/new_${name}_$threads" && ls | grep -v '^manifest.json$')" ] ||
      { echo "DIFF  $name threads=$threads: different files"; same=0; fail=1; }
    for f in $files; do
      if ! cmp -s "$work/ref_$name/$f" "$work/new_${name}_$threads/$f"; then
        echo "DIFF  $name threads=$threads: $f"
        same=0
        fail=1
      fi
    done
    [ $same = 1 ] && echo "same  $name threads=$threads"
  done
done
exit $fail
