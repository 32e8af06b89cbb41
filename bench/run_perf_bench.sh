#!/usr/bin/env bash
# Performance benchmark of issue 16, in one run on one machine:
#  1. the retail-choice kernel (../shared/bench/RETAIL_SPEC.md, scenarios/bench/retail_choice.yaml)
#     beside the hand-written limit (../shared/bench/limit/retail_limit.cpp, built here from that
#     directory and run as a separate program: a measuring stick, never part of chansim), with
#     the ratio chansim / limit;
#  2. the scale and national benchmarks (scenarios/bench/scale.yaml, national.yaml): wall time
#     and peak RSS of `chansim run --timing`, its set-up, ticks and end-of-run summary times (the
#     summary's integrated-channel optimum is ~48 expected-mode passes over every consumer) and
#     the ticks split by engine stage;
#  3. memory per consumer and per member: the difference of the peak RSS of two one-tick runs
#     that differ only in the number of consumers (or of stores), divided by that difference.
# Prints a markdown table (the README's performance section shows one).
#
#   bench/run_perf_bench.sh [--no-build] [--repeat R] [--quick] [--no-national] [--national-ticks N]
#                           [--limit-dir DIR] [--build-dir DIR]
#
#   --repeat R   runs per retail case; the median is reported (default 3)
#   --quick      retail cases only (no scale / national year, no memory probes)
#   --no-national  everything but the national year
#   --national-ticks N  run national.yaml for N ticks instead of its year (a loaded 2-core
#                machine needs far more than the 10 minutes a command may take for the year)
#   --limit-dir  where retail_limit.cpp is (default: ../shared/bench/limit next to the checkout,
#                or $CHAN_LIMIT_DIR)
#   --build-dir  chansim build with -DCHAN_BUILD_BENCH=ON (default build-bench/)
#
# Consumer-steps/s counts the ticks only (set-up excluded), as RETAIL_SPEC defines it: chansim's
# figure comes from bench/chan_phase_timer (same engine and scenario as `chansim run`), the
# limit's from its own report; the median of R runs, and chansim's best run beside it (a shared
# virtual machine slows some runs by up to 2x). The machine's load average is printed with each
# row: other work slows both programs of a row alike, so the ratio is the steadier figure.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build="$root/build-bench"
limit_dir=${CHAN_LIMIT_DIR:-}
do_build=1 repeat=3 quick=0 national=1 national_ticks=
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) do_build=0 ;;
    --repeat) repeat=$2; shift ;;
    --quick) quick=1 ;;
    --no-national) national=0 ;;
    --national-ticks) national_ticks=$2; shift ;;
    --limit-dir) limit_dir=$2; shift ;;
    --build-dir) build=$(cd "$2" && pwd); shift ;;
    -h | --help) sed -n 2,31p "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$limit_dir" ]; then
  for d in "$root/../shared/bench/limit" "$root/../../shared/bench/limit" /work/shared/bench/limit; do
    [ -f "$d/retail_limit.cpp" ] && { limit_dir=$d; break; }
  done
fi
[ -f "${limit_dir:-/nonexistent}/retail_limit.cpp" ] || { echo "no retail_limit.cpp (use --limit-dir)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time (GNU time) is required: apt-get install time" >&2; exit 1; }

work=$(mktemp -d /tmp/chan_perf_bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ $do_build = 1 ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCHAN_BUILD_BENCH=ON -DCHAN_BUILD_TESTS=OFF >/dev/null
  ninja -C "$build" chansim chan_phase_timer >/dev/null
fi
# the limit's portable build, as its README gives it
g++ -O2 -fno-math-errno -std=c++20 -pthread "$limit_dir/retail_limit.cpp" -o "$work/limit_portable"
chansim="$build/chansim"
timer="$build/bench/chan_phase_timer"
[ -x "$chansim" ] && [ -x "$timer" ] || { echo "no chansim / chan_phase_timer in $build" >&2; exit 1; }

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mega() { awk -v r="$1" 'BEGIN { printf "%.1f M", r / 1e6 }'; }
load() { cut -d' ' -f1 /proc/loadavg; }
cd "$root"

# ---- 1. retail kernel beside the limit ------------------------------------------------------
retail="scenarios/bench/retail_choice.yaml"
steps=200
echo "| case | chansim consumer-steps/s | chansim best | limit static | limit literal | chansim / static | chansim / literal | load |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for c in "100000 10 1" "100000 10 2" "10000 50 2"; do
  read -r n k t <<<"$c"
  ours=() stat=() lit=()
  for _ in $(seq "$repeat"); do
    line=$("$timer" "$retail" --threads "$t" --ticks "$steps" --no-summary --set "consumers.count=$n" \
      --set "members[1].count=$k" --set "consumers.choice_set.nearest=$k" | tail -1)
    ours+=("$(cut -d, -f9 <<<"$line")")
    for v in static literal; do
      r=$("$work/limit_portable" --variant $v --threads "$t" --N "$n" --K "$k" --steps "$steps" |
        sed -n 's/.*consumer-steps\/s=\([0-9.e+]*\).*/\1/p')
      if [ $v = static ]; then stat+=("$r"); else lit+=("$r"); fi
    done
  done
  o=$(printf '%s\n' "${ours[@]}" | median) s=$(printf '%s\n' "${stat[@]}" | median)
  l=$(printf '%s\n' "${lit[@]}" | median) best=$(printf '%s\n' "${ours[@]}" | sort -g | tail -1)
  printf '| N=%s K=%s threads=%s | %s | %s | %s | %s | %.0f%% | %.0f%% | %s |\n' "$n" "$k" "$t" "$(mega "$o")" "$(mega "$best")" "$(mega "$s")" \
    "$(mega "$l")" "$(awk -v a="$o" -v b="$s" 'BEGIN { print 100 * a / b }')" \
    "$(awk -v a="$o" -v b="$l" 'BEGIN { print 100 * a / b }')" "$(load)"
done
[ $quick = 1 ] && exit 0

# ---- 2. scale and national years -----------------------------------------------------------
# wall s and peak RSS from GNU time around `chansim run --timing`, whose own report gives the
# set-up, ticks and summary seconds and the ticks by engine stage
run_timed() {  # name scenario args... -> "wall_s rss_mb"; the run's --timing report in $work/name.timing
  local name=$1 scen=$2
  shift 2
  /usr/bin/time -f "%e %M" -o "$work/$name.time" "$chansim" run "$scen" --quiet --timing --out "$work/$name" "$@" \
    >"$work/$name.timing"
  awk '{ printf "%s %.0f", $1, $2 / 1024 }' "$work/$name.time"
  rm -rf "${work:?}/$name"
}
echo
echo "| benchmark | command | threads | set-up s | ticks s | summary s | wall s | peak RSS MB | load |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
years=("scale|scenarios/bench/scale.yaml|")
[ $national = 1 ] && years+=("national|scenarios/bench/national.yaml|${national_ticks:+--ticks $national_ticks}")
stages=()
for y in "${years[@]}"; do
  IFS='|' read -r name scen extra <<<"$y"
  # shellcheck disable=SC2086
  read -r wall rss <<<"$(run_timed "$name" "$scen" --threads 2 $extra)"
  # "timing: set-up S s, T ticks S s, summary S s, outputs S s"
  read -r setup ticks summary <<<"$(sed -n 's/^timing: set-up \([0-9.]*\) s, [0-9]* ticks \([0-9.]*\) s, summary \([0-9.]*\) s.*/\1 \2 \3/p' "$work/$name.timing")"
  printf '| %s | `chansim run %s --threads 2%s` | 2 | %s | %s | %s | %s | %s | %s |\n' "$name" "$scen" "${extra:+ $extra}" \
    "$setup" "$ticks" "$summary" "$wall" "$rss" "$(load)"
  stages+=("$name ticks by stage (s):$(sed -n 's/^ *ticks by stage://p' "$work/$name.timing")")
done
echo
printf '%s\n' "${stages[@]}"

# ---- 3. memory per consumer and per member -------------------------------------------------
probe() { run_timed probe scenarios/bench/scale.yaml --ticks 1 --threads 2 "$@" | cut -d' ' -f2; }
a=$(probe --set consumers.count=1000000) b=$(probe --set consumers.count=2000000)
perConsumer=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.0f", (b - a) * 1048576 / 1e6 }')
a=$(probe --set consumers.count=100000 --set 'members[3].count=100000')
b=$(probe --set consumers.count=100000 --set 'members[3].count=200000')
perMember=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.0f", (b - a) * 1048576 / 1e5 }')
echo
echo "memory: $perConsumer bytes per consumer (scale.yaml, 1M -> 2M consumers, 6 nearest stores + online outlets each);" \
  "$perMember bytes per member (100k -> 200k stores, 100k consumers); peak RSS of one-tick runs"
