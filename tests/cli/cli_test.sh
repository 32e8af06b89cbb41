#!/usr/bin/env bash
# CLI tests: chansim as a user runs it. One case per CTest entry (see CMakeLists.txt):
#   cli_test.sh CASE CHANSIM SOURCE_DIR VERSION
# A case prints what it checks and exits non-zero with "FAIL: ..." on the first mismatch.
set -euo pipefail

case_name=$1
chansim=$2
src=$3
version=$4

work=$(mktemp -d "${TMPDIR:-/tmp}/chansim-cli-${case_name}.XXXXXX")
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Runs a command, keeping its stdout and stderr in $work/out and $work/err, and checks its
# exit status: expect_exit CODE CMD...
expect_exit() {
  local want=$1
  shift
  local got=0
  "$@" >"$work/out" 2>"$work/err" || got=$?
  if [[ $got -ne $want ]]; then
    echo "--- stdout" >&2 && cat "$work/out" >&2
    echo "--- stderr" >&2 && cat "$work/err" >&2
    fail "exit status $got, expected $want: $*"
  fi
}

# The message must contain every given string: expect_text FILE STRING...
expect_text() {
  local file=$1
  shift
  for s in "$@"; do
    grep -qF -- "$s" "$file" || { cat "$file" >&2; fail "'$s' not in $(basename "$file"): $(head -c 300 "$file")"; }
  done
}

same_files() {  # same_files DIR_A DIR_B FILE...
  local a=$1 b=$2
  shift 2
  for f in "$@"; do
    cmp -s "$a/$f" "$b/$f" || fail "$f differs between $a and $b"
  done
}

# Every scenario shipped under scenarios/, sorted: the YAML files with a top-level `members:`
# (a scenario needs one; validation case files and sweep specs have none). Benchmark
# scenarios are large by design: their runs use fewer consumers (bench_sets).
scenarios() {
  find "$src/scenarios" -name '*.yaml' -type f -print0 | xargs -0 -r grep -l '^members:' | LC_ALL=C sort
}
bench_sets() { [[ $1 == */scenarios/bench/* ]] && echo "--set consumers.count=2000" || true; }

flagship=$src/scenarios/flagship.yaml
# a fast flagship for the cases that only need some run: fewer consumers and ticks
small=(--ticks 10 --set consumers.count=20000)

case $case_name in
  help)
    expect_exit 0 "$chansim" --help
    expect_text "$work/out" "run" "check" "--version"
    expect_exit 0 "$chansim" run --help
    expect_text "$work/out" "--out" "--seed" "--ticks" "--threads" "--set" "--quiet" "--check"
    expect_exit 0 "$chansim" check --help
    expect_text "$work/out" "--set"
    # no subcommand, or an unknown one: bad input
    expect_exit 2 "$chansim"
    expect_exit 2 "$chansim" frobnicate
    ;;

  version)
    expect_exit 0 "$chansim" --version
    expect_text "$work/out" "chansim $version"
    ;;

  check_scenarios)
    n=0
    while read -r s; do
      expect_exit 0 "$chansim" check "$s"
      expect_text "$work/out" "ok: "
      n=$((n + 1))
    done < <(scenarios)
    [[ $n -gt 0 ]] || fail "no scenarios found under $src/scenarios"
    echo "checked $n scenarios"
    ;;

  run_scenarios)
    # a few ticks of every scenario with conservation verified every tick; --quiet prints nothing
    while read -r s; do
      name=$(basename "$s" .yaml)
      # shellcheck disable=SC2046  # bench_sets is deliberately word-split
      expect_exit 0 "$chansim" run "$s" --ticks 5 --check --quiet --out "$work/$name" $(bench_sets "$s")
      [[ ! -s $work/out ]] || fail "--quiet printed to stdout: $(head -c 300 "$work/out")"
      [[ -f $work/$name/manifest.json ]] || fail "$s: no manifest.json"
      echo "ran $s"
    done < <(scenarios)
    ;;

  summary_printed)
    # without --quiet the run prints its headline figures and where the outputs went
    expect_exit 0 "$chansim" run "$flagship" "${small[@]}" --out "$work/run"
    expect_text "$work/out" "flagship" "Conflict" "Margin" "Coverage" "Sales" "outputs written to $work/run"
    ;;

  bad_key)
    # a typo'd key: file, line, column, key path and a suggestion
    cat >"$work/typo.yaml" <<'EOF'
name: typo
ticks: 3
brands: [{name: acme, unit_cost: 10}]
members:
  - {group: maker, kind: manufacturer}
  - group: shops
    kind: offline_store
    supplier: maker
    pricing: {rule: cost_plus, markp: 0.3}
consumers: {count: 100}
EOF
    for cmd in check run; do
      expect_exit 2 "$chansim" "$cmd" "$work/typo.yaml"
      expect_text "$work/err" "$work/typo.yaml:9:" "members[1].pricing.markp" "unknown key 'markp'" \
        "did you mean 'markup'?"
    done
    # the same through --set
    expect_exit 2 "$chansim" run "$flagship" --set consumers.cont=10
    expect_text "$work/err" "consumers.cont" "did you mean 'count'?"
    # a value out of range names its bounds
    expect_exit 2 "$chansim" check "$flagship" --set consumers.urban_share=1.5
    expect_text "$work/err" "flagship.yaml" "consumers.urban_share" "must be between 0 and 1"
    # bad option values are bad input too
    expect_exit 2 "$chansim" run "$flagship" --threads 0
    expect_exit 2 "$chansim" run "$flagship" --ticks -3
    ;;

  malformed_yaml)
    printf 'name: broken\nticks: 3\nbrands: [{name: acme, unit_cost: 10}\nmembers:\n' >"$work/broken.yaml"
    for cmd in check run; do
      expect_exit 2 "$chansim" "$cmd" "$work/broken.yaml"
      expect_text "$work/err" "$work/broken.yaml:" "YAML syntax error"
    done
    : >"$work/empty.yaml"
    expect_exit 2 "$chansim" check "$work/empty.yaml"
    expect_text "$work/err" "empty document"
    ;;

  missing_file)
    for cmd in check run; do
      expect_exit 2 "$chansim" "$cmd" "$work/no_such_scenario.yaml"
      expect_text "$work/err" "no_such_scenario.yaml"
    done
    [[ ! -e outputs/no_such_scenario ]] || fail "a failed run created outputs"
    ;;

  threads)
    # results never depend on the thread count: byte-identical files at 1 and 2 threads
    for t in 1 2; do
      expect_exit 0 "$chansim" run "$flagship" --ticks 30 --threads "$t" --quiet --out "$work/t$t"
    done
    same_files "$work/t1" "$work/t2" summary.json timeseries.csv members.csv events.csv scenario.resolved.yaml
    grep -q '"threads": 1' "$work/t1/manifest.json" || fail "manifest.json does not record --threads 1"
    grep -q '"threads": 2' "$work/t2/manifest.json" || fail "manifest.json does not record --threads 2"
    # --timing prints where the time went, also with --quiet, and changes no output file
    timing=$("$chansim" run "$flagship" --ticks 30 --threads 2 --quiet --timing --out "$work/timed") ||
      fail "run --timing failed"
    grep -Eq '^timing: set-up [0-9.]+ s, 30 ticks [0-9.]+ s, summary [0-9.]+ s, outputs [0-9.]+ s$' <<<"$timing" ||
      fail "run --timing: no timing line in: $timing"
    for stage in arrivals pricing choice allocation substitution source_of_volume replenish settle metrics; do
      grep -Eq " $stage [0-9.]+" <<<"$timing" || fail "run --timing: no $stage stage in: $timing"
    done
    same_files "$work/t2" "$work/timed" summary.json timeseries.csv members.csv events.csv
    ;;

  mechanisms)
    # the channel-control mechanisms switched on through --set: conservation holds every tick,
    # events are logged, and the files are still identical at 1 and 2 threads
    mechanisms=(--set monitoring.online_detection=0.5 --set enforcement.fine=50
      --set coordination.delay_probability=0.2 --set coordination.delay_ticks=2
      --set 'members[3].diversion.transport_cost=0.2' --set 'members[5].pricing.rule=opportunistic'
      --set partner_policy.review_period=10 --set risk.response.reassign=true
      --set 'risk.disruptions=[{group: regional, member: 1, start: 5, duration: 10}]')
    for t in 1 2; do
      expect_exit 0 "$chansim" run "$flagship" --ticks 30 --set consumers.count=20000 "${mechanisms[@]}" \
        --threads "$t" --check --quiet --out "$work/t$t"
    done
    same_files "$work/t1" "$work/t2" summary.json timeseries.csv members.csv events.csv scenario.resolved.yaml
    head -n 1 "$work/t1/events.csv" | grep -q '^tick,type,member,' || fail "events.csv header"
    for type in disruption territory_diversion termination; do
      grep -q ",$type," "$work/t1/events.csv" || fail "no $type event in events.csv"
    done
    ;;

  seed)
    # the same seed reproduces a run; another seed gives another run
    expect_exit 0 "$chansim" run "$flagship" "${small[@]}" --seed 7 --quiet --out "$work/a"
    expect_exit 0 "$chansim" run "$flagship" "${small[@]}" --seed 7 --quiet --out "$work/b"
    expect_exit 0 "$chansim" run "$flagship" "${small[@]}" --seed 8 --quiet --out "$work/c"
    same_files "$work/a" "$work/b" summary.json timeseries.csv members.csv events.csv scenario.resolved.yaml
    ! cmp -s "$work/a/timeseries.csv" "$work/c/timeseries.csv" || fail "--seed 8 gave the same timeseries as --seed 7"
    ! cmp -s "$work/a/summary.json" "$work/c/summary.json" || fail "--seed 8 gave the same summary as --seed 7"
    grep -q '"seed": 8' "$work/c/manifest.json" || fail "manifest.json does not record --seed 8"
    grep -q '^seed: 8$' "$work/c/scenario.resolved.yaml" || fail "scenario.resolved.yaml does not hold seed 8"
    # --seed redraws demand on the map of the file's own seed (flagship.yaml: 42)
    grep -q '^map_seed: 42$' "$work/c/scenario.resolved.yaml" || fail "--seed moved the map: map_seed is not 42"
    ;;

  outputs)
    out=$work/run
    expect_exit 0 "$chansim" run "$flagship" --ticks 5 --set consumers.count=20000 --quiet --out "$out"
    # a second run into the same directory replaces the files
    expect_exit 0 "$chansim" run "$flagship" --ticks 7 --set consumers.count=20000 --quiet --out "$out"
    for f in manifest.json summary.json timeseries.csv members.csv scenario.resolved.yaml; do
      [[ -s $out/$f ]] || fail "$f missing or empty"
    done
    leftovers=$(find "$out" -name '*.tmp.*')
    [[ -z $leftovers ]] || fail "temporary files left behind: $leftovers"
    # every other file in the directory is one the manifest lists
    for f in "$out"/*; do
      f=$(basename "$f")
      [[ $f == manifest.json ]] || grep -qF "\"$f\"" "$out/manifest.json" || fail "$f is not listed in manifest.json"
    done
    # timeseries.csv: a header and one row per tick
    head -n 1 "$out/timeseries.csv" | grep -q '^tick,demand_units,sold_units,' || fail "timeseries.csv header"
    [[ $(wc -l <"$out/timeseries.csv") -eq 8 ]] || fail "timeseries.csv should hold a header and 7 rows"
    head -n 1 "$out/members.csv" | grep -q '^member,group,kind,tier,' || fail "members.csv header"
    expect_text "$out/summary.json" '"conflict"' '"index"' '"margin"' '"coverage"' '"sales"'
    expect_text "$out/manifest.json" '"chansim_version": "'"$version"'"' '"ticks": 7' '"wall_seconds"' \
      '"files"' '"scenario"'
    grep -q '^ticks: 7$' "$out/scenario.resolved.yaml" || fail "scenario.resolved.yaml does not hold ticks 7"
    # the manifest is valid JSON where Debian's python is around to say so
    if [[ -x /usr/bin/python3 ]]; then
      /usr/bin/python3 -m json.tool "$out/manifest.json" >/dev/null || fail "manifest.json is not valid JSON"
      /usr/bin/python3 -m json.tool "$out/summary.json" >/dev/null || fail "summary.json is not valid JSON"
    fi
    # --member-timeseries: one row per member per tick, listed in the manifest; a later run into
    # the same folder without it leaves no stale panel behind
    panel=$work/panel
    expect_exit 0 "$chansim" run "$flagship" --ticks 3 --set consumers.count=20000 --member-timeseries --quiet --out "$panel"
    head -n 1 "$panel/member_timeseries.csv" |
      grep -q '^tick,member,group,price,stock,on_order,orders_placed,units_requested,sold,lost,cash$' ||
      fail "member_timeseries.csv header"
    members=$(($(wc -l <"$panel/members.csv") - 1))
    [[ $(wc -l <"$panel/member_timeseries.csv") -eq $((3 * members + 1)) ]] ||
      fail "member_timeseries.csv should hold a header and 3 rows per member ($members members)"
    grep -qF '"member_timeseries.csv"' "$panel/manifest.json" || fail "member_timeseries.csv is not listed in manifest.json"
    expect_exit 0 "$chansim" run "$flagship" --ticks 3 --set consumers.count=20000 --quiet --out "$panel"
    [[ ! -e $panel/member_timeseries.csv ]] || fail "a run without --member-timeseries left the earlier panel"
    ;;

  counterfactual)
    out=$work/twin
    expect_exit 0 "$chansim" run "$flagship" --ticks 20 --set consumers.count=20000 --out "$out" \
      --counterfactual 'members[4].reach=0' --counterfactual 'members[5].reach=0'
    expect_text "$work/out" "Twin run with members[4].reach=0, members[5].reach=0"
    [[ -s $out/counterfactual.csv && -s $out/counterfactual/manifest.json ]] || fail "twin outputs missing"
    expect_text "$out/manifest.json" '"counterfactual.csv"' '"members[4].reach=0"'
    head -n 1 "$out/counterfactual.csv" | grep -qx 'level,name,metric,base,variant,difference' || fail "header"
    # the online groups sell nothing in the twin, and every difference is variant - base
    grep -q '^group,brand_estore,units_sold,[0-9.e+]*,0,-' "$out/counterfactual.csv" || fail "e-store row"
    /usr/bin/python3 - "$out/counterfactual.csv" <<'PY' || fail "a difference is not variant - base"
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    b, v, d = float(r['base']), float(r['variant']), float(r['difference'])
    assert abs((v - b) - d) <= 1e-9 * max(1.0, abs(b), abs(v)), r
PY
    # a bad change is a bad-input error naming the key, and nothing is written
    expect_exit 2 "$chansim" run "$flagship" --ticks 2 --out "$work/bad" --counterfactual 'members[4].rech=0'
    expect_text "$work/err" "rech"
    [[ ! -e $work/bad/manifest.json ]] || fail "a failed twin run left a complete-looking folder"
    ;;

  rerun_resolved)
    # scenario.resolved.yaml holds every value (overrides included): running it again
    # reproduces the run
    expect_exit 0 "$chansim" run "$flagship" "${small[@]}" --seed 3 --set consumers.urban_share=0.6 --quiet \
      --out "$work/first"
    expect_exit 0 "$chansim" check "$work/first/scenario.resolved.yaml"
    expect_exit 0 "$chansim" run "$work/first/scenario.resolved.yaml" --quiet --out "$work/again"
    same_files "$work/first" "$work/again" summary.json timeseries.csv members.csv events.csv scenario.resolved.yaml
    ;;

  resolved_every_scenario)
    # every shipped scenario's scenario.resolved.yaml is itself a valid scenario (the fuzz
    # targets found that logistics_providers.yaml's was not)
    while IFS= read -r file; do
      name=$(basename "$file" .yaml)
      # (imported consumers, consumers.from_csv, come in the file's number: no count to set)
      small=(--set consumers.count=200)
      grep -q '^  from_csv:' "$file" && small=()
      expect_exit 0 "$chansim" run "$file" --ticks 2 "${small[@]}" --quiet --out "$work/$name"
      expect_exit 0 "$chansim" check "$work/$name/scenario.resolved.yaml"
    done < <(scenarios)
    ;;

  numeric_options)
    # every numeric option of every subcommand: negative, non-numeric, huge and fractional
    # values give exit 2 and one short message naming the option and its range
    sweep=$src/tests/sweep/identity_sweep.yaml
    bad() {  # bad OPTION EXPECTED_TEXT CMD...: the command fails with a short message
      local option=$1 text=$2
      shift 2
      expect_exit 2 "$@"
      expect_text "$work/err" "$option" "$text"
      (($(wc -c <"$work/err") < 400)) || fail "message longer than 400 characters: $(head -c 400 "$work/err")"
    }
    for v in -1 abc 1.5 1e3 99999999999999999999 ""; do
      bad --seed "expected an integer from 0 to 9223372036854775807, got $v" "$chansim" run "$flagship" --seed "$v"
    done
    for v in 0 -3 2.5 1e99 x 10000001; do
      bad --ticks "expected an integer from 1 to 10000000, got $v" "$chansim" run "$flagship" --ticks "$v"
    done
    for v in 0 -1 1.5 1025 two; do
      bad --threads "expected an integer from 1 to 1024, got $v" "$chansim" run "$flagship" --threads "$v"
      bad --threads "expected an integer from 1 to 1024, got $v" "$chansim" sweep "$sweep" --threads "$v"
    done
    for v in 4/4 -1/4 a/b 1.5/4 1/0 1; do
      bad --shard "expected i/N with 0 <= i < N" "$chansim" sweep "$sweep" --shard "$v" --out "$work/sweep"
    done
    for v in 0 -2 2.5 1000001 many; do
      bad --collapse-above "expected an integer from 1 to 1000000, got $v" "$chansim" graph "$flagship" --collapse-above "$v"
    done
    # the bounds themselves are accepted (the seed is the largest the scenario key takes)
    expect_exit 0 "$chansim" run "$flagship" --set consumers.count=100 --ticks 1 --seed 9223372036854775807 \
      --threads 1 --quiet --out "$work/bounds"
    expect_exit 0 "$chansim" graph "$flagship" --collapse-above 1 --out "$work/g.dot"
    ;;

  optimize)
    # chansim optimize: a bad file is one located error; the same optimisation on 1 and 2
    # threads gives byte-identical outputs; report renders the directory
    chain=$src/tests/data/optimize/wholesale_chain.yaml
    cat >"$work/opt.yaml" <<EOF
scenario: $chain
variables:
  members[0].pricing.price: {from: 10, to: 50, start: 18}
objective: {maximize: margin.manufacturer_profit}
constraints:
  - {metric: sales.units, min: 750}
replications: 2
budget: {evaluations: 80}
EOF
    expect_exit 0 "$chansim" optimize "$work/opt.yaml" --out "$work/t1" --threads 1
    expect_text "$work/err" "optimize: generation 0" "evaluations" "binds at the best"
    expect_exit 0 "$chansim" optimize "$work/opt.yaml" --out "$work/t2" --threads 2 --quiet
    same_files "$work/t1" "$work/t2" history.csv best.yaml optimum.json
    expect_exit 0 "$chansim" check "$work/t1/best.yaml"
    expect_exit 0 "$chansim" report "$work/t1" --quiet
    expect_text "$work/t1/report.html" "Convergence" "Best candidate against the base scenario" "binding"
    # another optimisation into the same directory is refused
    sed 's/evaluations: 80/evaluations: 81/' "$work/opt.yaml" >"$work/other.yaml"
    expect_exit 2 "$chansim" optimize "$work/other.yaml" --out "$work/t1"
    expect_text "$work/err" "holds another optimisation"
    # a typo'd key and an unknown summary key
    sed 's/^replications:/replicatons:/' "$work/opt.yaml" >"$work/typo.yaml"
    expect_exit 2 "$chansim" optimize "$work/typo.yaml" --out "$work/x"
    expect_text "$work/err" "$work/typo.yaml:7:1" "replicatons" "did you mean 'replications'?"
    sed 's/sales.units/sales.unit/' "$work/opt.yaml" >"$work/metric.yaml"
    expect_exit 2 "$chansim" optimize "$work/metric.yaml" --out "$work/x"
    expect_text "$work/err" "$work/metric.yaml:6:" "constraints[0].metric" "did you mean 'sales.units'?"
    [[ ! -e $work/x/history.csv ]] || fail "a bad optimisation file started runs"
    ;;

  *)
    fail "unknown case '$case_name'"
    ;;
esac
echo "ok: $case_name"
