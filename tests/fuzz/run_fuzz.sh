#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz for a bounded time each (README "Fuzzing").
#
#   tests/fuzz/run_fuzz.sh [SECONDS] [TARGET...]   (default 60 s; targets scenario override sweep validation)
#
# CHAN_JOBS targets run at once (default 2). Needs the fuzz build (cmake --preset fuzz &&
# cmake --build --preset fuzz). New coverage goes to build-fuzz/corpus/<target>/ (the committed
# seeds in tests/fuzz/corpus/<target>/ are read, not written); a crash, hang (-timeout) or memory
# blow-up (-rss_limit_mb, -malloc_limit_mb) is saved to build-fuzz/artifacts/ and fails the
# script. Reproduce one with  build-fuzz/tests/fuzz/fuzz_<target> build-fuzz/artifacts/crash-...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(scenario override sweep validation)
jobs=${CHAN_JOBS:-2}
mkdir -p build-fuzz/artifacts

fuzz_one() {  # fuzz_one TARGET: runs it, leaving its log and exit status in build-fuzz/artifacts/
  local t=$1 rc=0
  mkdir -p "build-fuzz/corpus/$t"
  # -timeout: one input may take 10 s (the slowest seed takes ~1 s under the sanitizers);
  # -rss_limit_mb / -malloc_limit_mb: an input that makes a loader allocate 2 GB is a finding
  "build-fuzz/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
    -max_len=8192 -dict=tests/fuzz/yaml.dict -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$t-" \
    "build-fuzz/corpus/$t" "tests/fuzz/corpus/$t" >"build-fuzz/artifacts/$t.log" 2>&1 || rc=$?
  echo "$rc" >"build-fuzz/artifacts/$t.rc"
}

echo "fuzzing ${targets[*]} for $seconds s each, $jobs at a time"
running=0
for t in "${targets[@]}"; do
  if ((running >= jobs)); then
    wait -n || true
    running=$((running - 1))
  fi
  fuzz_one "$t" &
  running=$((running + 1))
done
wait

failed=0
for t in "${targets[@]}"; do
  log=build-fuzz/artifacts/$t.log
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
  rc=$(cat "build-fuzz/artifacts/$t.rc")
  echo "fuzz_$t: ${runs:-?} executions in $seconds s, peak RSS ${rss:-?} MB, exit $rc"
  if ((rc != 0)); then
    grep -E -A3 'SUMMARY|what\(\)|ERROR' "$log" | head -40 >&2 || true
    echo "error: fuzz_$t found a problem (log $log; input build-fuzz/artifacts/$t-*)" >&2
    failed=1
  fi
done
exit "$failed"
