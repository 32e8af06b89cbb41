#!/usr/bin/env bash
# Checks chansim's installation the way a user meets it (README "Install"):
#   1. `cmake --install BUILD --prefix FRESH`: the installed program runs an installed scenario
#      and finds the installed validation cases from an unrelated folder;
#   2. a stranger's CMake project (tests/install/consumer) builds with find_package(chansim)
#      against that prefix, links chansim::io and runs a scenario;
#   3. `cpack -G DEB` builds the .deb, which holds the program, the Python module where
#      /usr/bin/python3 looks, the CMake package and the scenarios;
#   4. as root (CI), the .deb is installed into the system with dpkg: `chansim run` on an installed
#      scenario and `python3 -c 'import chansim'` work from / without PYTHONPATH; the package is
#      removed again. Not root (or chansim already installed): step 4 is reported as skipped
#      (exit 77, CTest's SKIP_RETURN_CODE) after steps 1-3 passed.
#
#   tests/install/check_install.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: check_install.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
system_installed=0
cleanup() {
  if ((system_installed)); then dpkg -r chansim >/dev/null || echo "warning: dpkg -r chansim failed" >&2; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { printf '==> %s\n' "$*"; }

# a summary.json with a positive sales.units: the run really simulated something
check_summary() {
  /usr/bin/python3 - "$1" <<'EOF'
import json, sys
units = json.load(open(sys.argv[1]))["sales"]["units"]
assert units > 0, f"sales.units = {units}"
print(f"   sales.units = {units:g}")
EOF
}

step "cmake --install into a fresh prefix"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
[[ -x $prefix/bin/chansim ]] || fail "no bin/chansim"
[[ -f $prefix/share/chansim/scenarios/flagship.yaml ]] || fail "no share/chansim/scenarios"
[[ -f $prefix/share/chansim/notebooks/quickstart.ipynb ]] || fail "no share/chansim/notebooks"
ls "$prefix"/lib/python3.*/dist-packages/chansim.*.so >/dev/null || fail "no Python module under lib/python3.X/dist-packages"
"$prefix/bin/chansim" run "$prefix/share/chansim/scenarios/flagship.yaml" --ticks 5 --out "$work/run" --quiet
check_summary "$work/run/summary.json"
# validate's default cases come from the installed share/chansim, not the source tree: with one
# case file left there, an unrelated folder's `chansim validate` runs that case alone
find "$prefix/share/chansim/scenarios/validation" -name '*.yaml' ! -name competing_resellers.yaml -delete
(cd "$work" && "$prefix/bin/chansim" validate --json >"$work/validate.json")
/usr/bin/python3 - "$work/validate.json" <<'EOF'
import json, sys
rows = json.load(open(sys.argv[1]))
cases = {row["case"] for row in rows}
assert cases == {"competing_resellers"}, cases
assert all(row["pass"] for row in rows)
print(f"   validate: {len(rows)} rows of the installed competing_resellers case, all pass")
EOF

step "a CMake project using find_package(chansim)"
cmake -S "$here/consumer" -B "$work/consumer" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/consumer" >/dev/null
"$work/consumer/consumer" "$prefix/share/chansim/scenarios/flagship.yaml" | tee "$work/consumer.out"
grep -Eq '^sales\.units [1-9]' "$work/consumer.out" || fail "the consumer project sold nothing"

step "cpack -G DEB"
(cd "$build" && cpack -G DEB -B "$work/package" >/dev/null)
deb=$(ls "$work"/package/chansim_*.deb)
dpkg-deb --contents "$deb" >"$work/contents"
for path in ./usr/bin/chansim ./usr/share/chansim/scenarios/flagship.yaml ./usr/lib/cmake/chansim/chansimConfig.cmake; do
  grep -q " $path\$" "$work/contents" || fail "$deb lacks $path"
done
grep -Eq ' \./usr/lib/python3/dist-packages/chansim\.cpython-[0-9]+-[^ ]*\.so$' "$work/contents" ||
  fail "$deb lacks the Python module under /usr/lib/python3/dist-packages"
echo "   $(basename "$deb"): $(dpkg-deb --field "$deb" Depends)"

if [[ $(id -u) -ne 0 ]] || dpkg-query -W chansim >/dev/null 2>&1 || [[ -e /usr/bin/chansim ]]; then
  echo "SKIPPED: installing the .deb into the system needs root and no chansim installed already"
  exit 77
fi
step "dpkg -i (the system), then chansim and import chansim from / without PYTHONPATH"
dpkg -i "$deb" >/dev/null
system_installed=1
(
  cd /
  unset PYTHONPATH
  [[ $(command -v chansim) == /usr/bin/chansim ]] || fail "chansim is not on PATH as /usr/bin/chansim"
  chansim run /usr/share/chansim/scenarios/flagship.yaml --ticks 5 --out "$work/system-run" --quiet
  check_summary "$work/system-run/summary.json"
  /usr/bin/python3 -c '
import chansim
run = chansim.run("/usr/share/chansim/scenarios/flagship.yaml", overrides=["ticks=5"])
units = run.summary["sales.units"]
assert units > 0, units
print(f"   import chansim: {chansim.__file__}, sales.units = {units:g}")
'
)
step "installation checks passed"
