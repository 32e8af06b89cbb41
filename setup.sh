#!/usr/bin/env bash
# chansim: install what the build needs, build, and run the flagship scenario or the tests.
#
#   ./setup.sh        install missing apt packages, build Release into build/,
#                     run scenarios/flagship.yaml (summary on screen, files in outputs/flagship/)
#   ./setup.sh test   install missing apt packages, build Release and run every CTest test in
#                     build/ (unit, CLI, validation, ...), then build the unit-test programs
#                     and the libFuzzer targets with clang's ASan+UBSan into build-fuzz/, run
#                     each test program once, replay the fuzz corpus and fuzz each target for
#                     CHAN_FUZZ_SECONDS (default 20)
#
# Exits non-zero on the first failure. Builds are incremental: a second call rebuilds only
# what changed. CHAN_JOBS sets the parallel build and test jobs (default 2).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

JOBS=${CHAN_JOBS:-2}
# ccache (CMakeLists.txt uses it when installed) keys files by their path relative to the
# repository, so another checkout or clone of the same sources reuses its compilations
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}

# Debian 12 packages the project uses (C++ build, libraries, tests, benchmarks; MPI and the
# Python stack for the sweep runner and the notebooks).
PACKAGES=(
  cmake g++ ninja-build pkg-config ccache
  libboost-graph-dev libeigen3-dev libtbb-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
  catch2 libbenchmark-dev
  libopenmpi-dev openmpi-bin
  libnlopt-cxx-dev
  python3-pandas python3-matplotlib python3-nbconvert jupyter-nbconvert python3-nbclient python3-ipykernel
  python3-munkres
  clang-14 libclang-rt-14-dev
  python3-dev pybind11-dev python3-numpy graphviz chromium fonts-dejavu-core
  libcpp-httplib-dev python3-websocket
  dpkg-dev file
)

step() { printf '\n==> %s\n' "$*"; }

usage() {
  sed -n '4,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    [[ $(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) == installed ]] || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    echo "all ${#PACKAGES[@]} apt packages are installed"
    return
  fi
  step "installing ${missing[*]}"
  local sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    -o DPkg::Lock::Timeout=600 "${missing[@]}"
}

# configure one preset (cheap when nothing changed): configure PRESET DIR
configure() {
  local preset=$1 dir=$2
  if [[ -f $dir/CMakeCache.txt ]] && ! grep -qx 'CMAKE_GENERATOR:INTERNAL=Ninja' "$dir/CMakeCache.txt"; then
    echo "error: $dir/ was configured with another generator; remove it (rm -rf $dir) and rerun" >&2
    exit 1
  fi
  cmake --preset "$preset" >/dev/null
}

# configure and build one preset: build PRESET DIR [TARGET...] (no target: everything)
build() {
  local preset=$1 dir=$2
  shift 2
  step "configuring and building $preset in $dir/"
  configure "$preset" "$dir"
  if [[ $# -gt 0 ]]; then
    cmake --build --preset "$preset" --parallel "$JOBS" --target "$@"
  else
    cmake --build --preset "$preset" --parallel "$JOBS"
  fi
}

# run_sanitized PROGRAM: one Catch2 test program, all its test cases but the hidden ones ([.]) and
# those that run the real program ([program]); its output is shown only when it fails
run_sanitized() {
  local program=$1 log=$1.log
  if "$program" --warn NoTests '~[program]~[.]' >"$log" 2>&1; then
    echo "$program: $(grep -E '^(All tests passed|test cases:)' "$log" | tail -n 1)"
  else
    cat "$log"
    echo "error: $program failed (log: $log)" >&2
    return 1
  fi
}

timed() {  # timed LABEL CMD...: runs CMD and reports how long it took
  local label=$1 start=$SECONDS
  shift
  "$@"
  echo "$label: $((SECONDS - start)) s"
}

mode=${1:-run}
case $mode in
  run)
    step "checking apt packages"
    install_packages
    timed "release build" build release build
    step "running scenarios/flagship.yaml"
    build/chansim run scenarios/flagship.yaml
    ;;
  test)
    step "checking apt packages"
    install_packages
    timed "release build" build release build
    step "release tests (unit, CLI, validation)"
    timed "release tests" ctest --preset release --parallel "$JOBS"
    # one sanitizer build (clang++-14, ASan+UBSan, libFuzzer's coverage on the loaders)
    # serves the Catch2 test programs (tests/**/chan_*tests, not the CLI: the few test cases that
    # run the real program are tagged [program] and run in release above) and the libFuzzer
    # programs: the libraries are compiled once for both
    configure fuzz build-fuzz
    mapfile -t test_targets < <(ninja -C build-fuzz -t targets all | sed -n 's/^\(chan_[a-z_]*tests\): phony$/\1/p')
    timed "sanitizer build" build fuzz build-fuzz "${test_targets[@]}" fuzz_scenario fuzz_override fuzz_sweep fuzz_validation
    # each program once, all its test cases in one process, so a test that CTest's discovery
    # misses still runs; --warn NoTests fails if nothing ran; CHAN_JOBS programs at a time
    step "unit tests under ASan+UBSan (build-fuzz/)"
    start=$SECONDS
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1  # as the asan test preset
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    programs=$(find build-fuzz/tests -type f -executable -name 'chan_*tests' | LC_ALL=C sort)
    [[ -n $programs ]] || { echo "error: no test programs in build-fuzz/tests" >&2; exit 1; }
    export -f run_sanitized
    xargs -P "$JOBS" -n 1 bash -c 'run_sanitized "$0"' <<<"$programs"
    echo "sanitized tests: $((SECONDS - start)) s"
    # coverage-guided fuzzing of the loaders (tests/fuzz, README "Fuzzing")
    step "fuzz corpus replay and ${CHAN_FUZZ_SECONDS:-20} s per fuzz target (build-fuzz/)"
    timed "fuzz corpus" ctest --preset fuzz
    timed "fuzzing" tests/fuzz/run_fuzz.sh "${CHAN_FUZZ_SECONDS:-20}"
    step "all tests passed in $SECONDS s"
    ;;
  -h | --help | help)
    usage
    ;;
  *)
    usage >&2
    exit 2
    ;;
esac
