#!/usr/bin/env bash
# Browser test of report.html: Debian's chromium, headless, renders the report of a short
# flagship run (and of a small sweep) to PNG, and the page must load without script, console
# or network errors, with every section in its DOM.
#   browser_test.sh CHANSIM SOURCE_DIR WORK_DIR        exit 77 (CTest skip): no chromium
set -euo pipefail
chansim=$1 src=$2 work=$3

browser=
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null; then browser=$candidate; break; fi
done
if [[ -z $browser ]]; then
  echo "SKIP: chromium is not installed (sudo apt-get install chromium)"
  exit 77
fi

fail() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

# a short flagship run (100,000 consumers, 30 days) and a small grid sweep
"$chansim" run "$src/scenarios/flagship.yaml" --ticks 30 --out "$work/run" --quiet
"$chansim" report "$work/run" --out "$work/report.html" --quiet
cat > "$work/sweep.yaml" <<YAML
scenario: $src/scenarios/sweeps/small_channel.yaml
axes:
  members[3].pricing.markup: [0.3, 0.45, 0.6]
  members[5].pricing.markup: [0.3, 0.6]
design: grid
replications: 3
base_seed: 8
metrics: [conflict.index, margin.channel_profit, coverage.fill_rate]
summary_only: true
YAML
"$chansim" sweep "$work/sweep.yaml" --out "$work/sweep" --quiet
"$chansim" report "$work/sweep" --out "$work/sweep_report.html" --quiet

browse() {  # browse LOG ARGS...: chromium headless with the flags of a sandboxed CI machine
  local log=$1
  shift
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --enable-logging=stderr --v=0 "$@" 2>"$log"
}

check_page() {  # check_page NAME HTML SECTION...
  local name=$1 html=$2
  shift 2
  browse "$work/$name.screenshot.log" --window-size=1400,3000 --screenshot="$work/$name.png" "file://$html" \
    >/dev/null || fail "$name: chromium failed (see $work/$name.screenshot.log)"
  browse "$work/$name.dom.log" --window-size=1400,3000 --dump-dom "file://$html" >"$work/$name.dom.html" \
    || fail "$name: chromium --dump-dom failed"
  # no script errors, console messages, or failed loads (the page has no script and needs
  # nothing from the network, so any of these is a regression)
  if grep -E "Uncaught|SyntaxError|ReferenceError|TypeError|CONSOLE\(|Failed to load|net::ERR_|Refused to" \
      "$work/$name.screenshot.log" "$work/$name.dom.log"; then
    fail "$name: the page logged errors"
  fi
  [[ -s $work/$name.png ]] || fail "$name: no screenshot"
  [[ $(head -c 8 "$work/$name.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] || fail "$name: not a PNG"
  local size
  size=$(stat -c %s "$work/$name.png")
  ((size > 60000)) || fail "$name: screenshot is only $size bytes (blank page?)"
  local id
  for id in "$@"; do
    grep -q "<section id=\"$id\">" "$work/$name.dom.html" || fail "$name: section $id missing from the DOM"
  done
  local svgs
  svgs=$(grep -o '<svg' "$work/$name.dom.html" | wc -l)
  ((svgs >= 6)) || fail "$name: only $svgs charts in the DOM"
  echo "ok: $name rendered ($size bytes of PNG, $svgs charts): $work/$name.png"
}

check_page run "$work/report.html" kpis timeseries pnl coverage conflict
grep -q "Headline figures" "$work/run.dom.html" || fail "run: no headline figures"
check_page sweep "$work/sweep_report.html" overview metrics sensitivity
