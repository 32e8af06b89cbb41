#!/usr/bin/env bash
# CLI benchmarks: builds chansim (Release) and runs it on the RETAIL_SPEC sizes and the
# 1M-consumer scale scenario, recording wall time, consumer-steps/s and peak RSS into
#   bench/results/<machine>/cli.csv        (<machine>: CPU model slug and core count, or $CHAN_BENCH_MACHINE)
# and printing a markdown table.
#
#   bench/run_cli_benchmarks.sh [--no-build] [--quick] [--no-phases] [--build-dir DIR]
#                               [--only REGEX] [--label TEXT]
#
#   --quick      RETAIL_SPEC sizes only up to N = 100k (skips N = 1M and the scale year)
#   --no-phases  skip the set-up / run / summary split (chan_phase_timer)
#   --build-dir  use (and with --no-build, do not rebuild) the binaries there
#   --only       run only the cases whose name matches REGEX (grep -E)
#   --label      text for the CSV's label column (e.g. "baseline"; default: none)
#
# Two measurements per case:
#   cli:    `/usr/bin/time -v chansim run ... --quiet --out /tmp/...`: wall time and "Maximum
#           resident set size" of the whole process; manifest.json's wall_seconds (set-up + ticks
#           + summary, without start-up and output writing). cli steps/s = N * S / wall_seconds.
#   phases: bench/chan_phase_timer (same engine, same scenario): set-up, run and summary
#           seconds separately; run steps/s = N * S / run seconds, as RETAIL_SPEC defines
#           consumer-steps/s (set-up excluded).
# The retail rows also give the sum of final outlet prices (RETAIL_SPEC sanity figure:
# about 12-16 for K = 10, 67-77 for K = 50).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build="$root/build-bench"
do_build=1 quick=0 phases=1 only="" label=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) do_build=0 ;;
    --quick) quick=1 ;;
    --no-phases) phases=0 ;;
    --build-dir) build=$(cd "$2" && pwd); shift ;;
    --only) only=$2; shift ;;
    --label) label=$2; shift ;;
    -h|--help) sed -n 2,28p "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

if [ $do_build = 1 ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCHAN_BUILD_BENCH=ON -DCHAN_BUILD_TESTS=OFF >/dev/null
  ninja -C "$build" chansim chan_phase_timer >/dev/null
fi
chansim="$build/chansim"
timer="$build/bench/chan_phase_timer"
[ -x "$chansim" ] || { echo "no chansim at $chansim" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time (GNU time) is required: apt-get install time" >&2; exit 1; }
[ $phases = 0 ] || [ -x "$timer" ] || { echo "no chan_phase_timer at $timer (build with -DCHAN_BUILD_BENCH=ON)" >&2; exit 1; }

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
cores=$(nproc)
machine=${CHAN_BENCH_MACHINE:-$(echo "$cpu" | tr 'A-Z' 'a-z' | sed 's/([^)]*)//g; s/[^a-z0-9]\{1,\}/-/g; s/^-//; s/-$//')-${cores}c}
outdir="$here/results/$machine"
mkdir -p "$outdir"
csv="$outdir/cli.csv"
commit=$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo "+dirty" || true)
stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
work=$(mktemp -d /tmp/chan_cli_bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

[ -s "$csv" ] || echo "date,commit,label,cpu_model,cores,case,scenario,consumers,outlets,ticks,threads,wall_s,manifest_wall_s,cli_steps_per_s,setup_s,run_s,summary_s,run_steps_per_s,peak_rss_mb,price_sum,load1,command" >"$csv"

retail="scenarios/bench/retail_choice.yaml"
# case | scenario | N | K (outlets, for retail) | S | threads
cases=(
  "retail_N1k_S100_K10|$retail|1000|10|100|2"
  "retail_N10k_S20_K10|$retail|10000|10|20|2"
  "retail_N100k_S5_K10|$retail|100000|10|5|2"
  "retail_N100k_S100_K10|$retail|100000|10|100|2"
  "retail_N100k_S100_K10_1thread|$retail|100000|10|100|1"
  "retail_N10k_S200_K50|$retail|10000|50|200|2"
  "retail_N10k_S1000_K10|$retail|10000|10|1000|2"
)
if [ $quick = 0 ]; then
  cases+=(
    "retail_N1M_S20_K10|$retail|1000000|10|20|2"
    "scale_1thread|scenarios/bench/scale.yaml|1000000|2002|365|1"
    "scale_2threads|scenarios/bench/scale.yaml|1000000|2002|365|2"
  )
fi

num() { sed -n "s/.*\"$1\": *\([0-9.eE+-]*\).*/\1/p" "$2" | head -1; }

rows=()
for c in "${cases[@]}"; do
  IFS='|' read -r name scen n k s threads <<<"$c"
  [ -z "$only" ] || echo "$name" | grep -Eq "$only" || continue
  args=(--ticks "$s" --threads "$threads")
  if [ "$scen" = "$retail" ]; then
    args+=(--set "consumers.count=$n" --set "members[1].count=$k" --set "consumers.choice_set.nearest=$k")
  fi
  out="$work/$name"
  load=$(cut -d' ' -f1 /proc/loadavg)  # other work on the machine skews wall times: recorded with each row
  cmd="chansim run $scen --quiet --out /tmp/... ${args[*]}"
  echo "running $name ..." >&2
  (cd "$root" && /usr/bin/time -v "$chansim" run "$scen" --quiet --out "$out" "${args[@]}") 2>"$work/time.txt" ||
    { cat "$work/time.txt" >&2; echo "$name failed" >&2; exit 1; }
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$work/time.txt")
  rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")
  rss=$(awk -v k="$rss_kb" 'BEGIN { printf "%.1f", k / 1024 }')
  mwall=$(num wall_seconds "$out/manifest.json")
  cli_rate=$(awk -v n="$n" -v s="$s" -v w="$mwall" 'BEGIN { printf "%.0f", n * s / w }')
  price_sum=""
  if [ "$scen" = "$retail" ]; then
    price_sum=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "price") p = i; if ($i == "kind") kd = i } next }
                         $kd == "offline_store" { s += $p } END { printf "%.3f", s }' "$out/members.csv")
  fi
  setup="" run="" summary="" run_rate=""
  if [ $phases = 1 ]; then
    line=$(cd "$root" && "$timer" "$scen" "${args[@]}" | tail -1)
    IFS=, read -r _ _ _ _ setup run summary _ run_rate _ <<<"$line"
  fi
  echo "$stamp,$commit$dirty,$label,\"$cpu\",$cores,$name,$scen,$n,$k,$s,$threads,$wall,$mwall,$cli_rate,$setup,$run,$summary,$run_rate,$rss,$price_sum,$load,\"$cmd\"" >>"$csv"
  rows+=("$name|$cmd|$threads|$wall|$setup|$run|$summary|$cli_rate|$run_rate|$rss|$price_sum|$load")
done

mega() { [ -n "$1" ] && awk -v r="$1" 'BEGIN { printf "%.1f M", r / 1e6 }' || true; }
echo
echo "CPU: $cpu ($cores cores), commit $commit$dirty${label:+ ($label)}, binaries in ${build}, $stamp; results appended to ${csv#"$root"/}"
echo
echo "| case | command | threads | wall s | set-up s | run s | summary s | steps/s (CLI total) | steps/s (run) | peak RSS MB | price sum | load |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for r in "${rows[@]}"; do
  IFS='|' read -r name cmd threads wall setup run summary cli_rate run_rate rss price_sum load <<<"$r"
  echo "| $name | \`$cmd\` | $threads | $wall | $setup | $run | $summary | $(mega "$cli_rate") | $(mega "$run_rate") | $rss | $price_sum | $load |"
done
