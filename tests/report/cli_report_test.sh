#!/usr/bin/env bash
# The report and graph commands as a user runs them: one case per CTest entry.
#   cli_report_test.sh CASE CHANSIM SOURCE_DIR WORK_DIR
set -euo pipefail
case_name=$1 chansim=$2 src=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
cd "$work"

fail() { echo "FAIL: $*" >&2; exit 1; }
expect_in() {  # expect_in FILE TEXT
  grep -qF -- "$2" "$1" || fail "$1 lacks: $2"
}

small=$src/scenarios/sweeps/small_channel.yaml

case $case_name in
  report_run)
    "$chansim" run "$small" --ticks 8 --out run --quiet
    "$chansim" report run > out.txt
    expect_in out.txt "report written to run/report.html"
    expect_in run/report.html '<section id="pnl">'
    expect_in run/report.html '<section id="coverage">'
    "$chansim" report run --out elsewhere/r.html --quiet > out2.txt
    [[ ! -s out2.txt ]] || fail "--quiet printed something"
    cmp run/report.html elsewhere/r.html || fail "two reports of one run differ"
    ls run | grep -q '\.tmp' && fail "temporary file left behind"
    ;;
  report_sweep)
    cat > sweep.yaml <<YAML
scenario: $small
axes:
  members[3].pricing.markup: [0.4, 0.6]
  ticks: [6]
design: grid
replications: 2
base_seed: 5
metrics: [conflict.index, sales.units]
summary_only: true
YAML
    "$chansim" sweep sweep.yaml --out sw --quiet
    "$chansim" report sw > out.txt
    expect_in out.txt "report written to sw/report.html"
    expect_in sw/report.html "chansim sweep: sw"
    expect_in sw/report.html '<section id="sensitivity">'
    ;;
  report_errors)
    set +e
    "$chansim" report "$work/nowhere" 2> err1.txt; rc1=$?
    mkdir empty
    "$chansim" report empty 2> err2.txt; rc2=$?
    set -e
    [[ $rc1 == 2 ]] || fail "missing directory: exit $rc1, expected 2"
    [[ $rc2 == 2 ]] || fail "empty directory: exit $rc2, expected 2"
    expect_in err2.txt "neither a run directory"
    ;;
  graph_dot)
    "$chansim" graph "$src/scenarios/flagship.yaml" > flagship.dot
    head -1 flagship.dot | grep -qx 'digraph G {' || fail "not DOT"
    expect_in flagship.dot "stores ×85 (of 200)"
    expect_in flagship.dot "subgraph cluster_territory3"
    "$chansim" graph "$src/scenarios/flagship.yaml" --members --out all.dot > out.txt
    expect_in out.txt "DOT written to all.dot"
    [[ $(grep -c 'stores #' all.dot) == 200 ]] || fail "--members: expected 200 store nodes"
    "$chansim" graph "$small" --set 'members[3].count=3' > three.dot
    grep -q 'stores #2' three.dot || fail "--set: 3 stores should be drawn one by one"
    set +e
    "$chansim" graph "$small" --set 'members[3].cout=3' 2> err.txt; rc=$?
    set -e
    [[ $rc == 2 ]] || fail "bad --set: exit $rc, expected 2"
    ;;
  graph_svg)
    command -v dot >/dev/null || { echo "SKIP: graphviz's dot is not installed"; exit 77; }
    "$chansim" graph "$src/scenarios/flagship.yaml" --svg --out net.dot > out.txt
    expect_in out.txt "SVG to net.svg"
    expect_in net.svg "<svg"
    expect_in net.svg "stores ×85 (of 200)"
    "$chansim" graph "$small" --svg > out2.txt
    [[ -s small_channel.dot && -s small_channel.svg ]] || fail "--svg without --out: <name>.dot and .svg expected"
    ;;
  graph_without_dot)
    # a PATH without graphviz: --svg says how to install it and exits 1, the DOT is kept
    set +e
    env PATH=/nonexistent "$chansim" graph "$small" --svg --out g.dot 2> err.txt; rc=$?
    set -e
    [[ $rc == 1 ]] || fail "exit $rc, expected 1"
    expect_in err.txt "apt-get install graphviz"
    [[ -s g.dot ]] || fail "the DOT file should still be written"
    ;;
  *)
    fail "unknown case $case_name"
    ;;
esac
echo "ok: $case_name"
