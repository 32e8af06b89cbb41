// report.html (sim/report/html_report): a real run directory, missing files, events.csv, a
// hand-made sweep directory (with and without aggregate.csv) and a real sweep.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <sstream>

#include "sim/engine/engine.hpp"
#include "sim/io/atomic_file.hpp"
#include "sim/io/run_output.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/io/yaml_reader.hpp"
#include "sim/report/csv_table.hpp"
#include "sim/report/html_report.hpp"
#include "sim/sweep/merge.hpp"
#include "sim/sweep/output_dir.hpp"
#include "sim/sweep/plan.hpp"
#include "sim/sweep/runner.hpp"
#include "sim/sweep/sweep_spec.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using namespace chan;
using chan::report::test::count;
using chan::report::test::TempDir;
using chan::report::test::writeText;

namespace {

const std::string kSmall = std::string(CHAN_SOURCE_DIR) + "/scenarios/sweeps/small_channel.yaml";

/// A finished run of the small channel (10 ticks) written as chansim run writes it.
void writeRun(const fs::path& dir) {
  const ScenarioSpec spec = io::loadScenario(kSmall, {"ticks=10"});
  Engine engine(spec);
  engine.run();
  io::writeRunOutputs(dir, engine, engine.summary(), io::RunInfo{kSmall, {"ticks=10"}, 1, 0.1, 10, {}});
}

/// Nothing that needs the network or a script: the only URL is the SVG namespace.
void checkSelfContained(const std::string& html) {
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find(" src=") == std::string::npos);
  CHECK(html.find("href=\"http") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  CHECK(count(html, "http") == count(html, "http://www.w3.org/2000/svg"));
}

}  // namespace

TEST_CASE("a run directory gives every section of the report", "[report][html]") {
  TempDir dir;
  writeRun(dir.path());
  const std::string html = report::runReportHtml(dir.path());
  for (const char* id : {"kpis", "timeseries", "pnl", "coverage", "conflict", "source"})
    CHECK(html.find(std::string("<section id=\"") + id + "\">") != std::string::npos);
  CHECK(html.find("<section id=\"twin\">") == std::string::npos);  // no twin run, no section
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("chansim run: small_channel") != std::string::npos);
  CHECK(html.find("MAP 27") != std::string::npos);  // the brand's MAP as a reference line
  CHECK(html.find("MSRP 30") != std::string::npos);
  CHECK(html.find("tier 3: offline_store") != std::string::npos);  // P&L by tier
  CHECK(html.find(">marketplace<") != std::string::npos);          // P&L by kind
  CHECK(html.find("territory north_west") != std::string::npos);   // the map
  CHECK(html.find("Online outlets") != std::string::npos);
  CHECK(count(html, "<svg") >= 12);
  CHECK(html.find("is missing") == std::string::npos);
  checkSelfContained(html);
  CHECK(html == report::runReportHtml(dir.path()));  // deterministic

  // writeReport: atomically to DIR/report.html or to --out
  CHECK(report::writeReport(dir.path()) == dir / "report.html");
  CHECK(fs::file_size(dir / "report.html") == html.size());
  CHECK(report::writeReport(dir.path(), dir / "sub" / "r.html") == dir / "sub" / "r.html");
  CHECK(fs::exists(dir / "sub" / "r.html"));
  CHECK(report::detectDirectory(dir.path()) == report::DirectoryKind::Run);
}

TEST_CASE("a run directory with files missing still gives a report", "[report][html]") {
  TempDir dir;
  writeRun(dir.path());
  fs::remove(dir / "members.csv");
  fs::remove(dir / "scenario.resolved.yaml");
  fs::remove(dir / "events.csv");
  writeText(dir / "manifest.json", "{ not json");
  const std::string html = report::reportHtml(dir.path());
  CHECK(html.find("members.csv is missing") != std::string::npos);
  CHECK(html.find("scenario.resolved.yaml is missing or unreadable") != std::string::npos);
  CHECK(html.find("has no events.csv") != std::string::npos);
  CHECK(html.find("manifest.json: ") != std::string::npos);  // listed under unreadable files
  CHECK(html.find("<section id=\"timeseries\">") != std::string::npos);
}

TEST_CASE("conflict events are counted by type", "[report][html]") {
  TempDir dir;
  writeRun(dir.path());
  writeText(dir / "events.csv",
            "tick,type,member,units,severity,detected,action\n"
            "1,price_undercut,45,0,0.1,1,warning\n"
            "1,cannibalization,44,12,0.9,0,\n"
            "2,price_undercut,45,0,0.1,1,\n"
            "5,cross_territory,7,30,0.5,1,fine\n");
  const std::string html = report::runReportHtml(dir.path());
  CHECK(html.find("Conflict events by type (whole run)") != std::string::npos);
  CHECK(html.find("price_undercut: events 2") != std::string::npos);
  CHECK(html.find("cross_territory: events 1") != std::string::npos);
  CHECK(html.find("<td>fine 1</td>") != std::string::npos);
  CHECK(html.find("<td>warning 1</td>") != std::string::npos);
  CHECK(html.find("Conflict events over time by type") != std::string::npos);
}

TEST_CASE("a directory that is neither a run nor a sweep is bad input", "[report][html]") {
  TempDir dir;
  CHECK_THROWS_AS(report::detectDirectory(dir.path()), io::InputError);
  CHECK_THROWS_AS(report::reportHtml(dir / "nowhere"), io::InputError);
}

namespace {

/// A sweep directory as chansim sweep + merge + analyze leave it (two axes, a 2 x 2 grid).
void writeSweepFixture(const fs::path& dir, bool withAggregate) {
  writeText(dir / "sweep.yaml",
            "description: hand-made fixture\nscenario: small_channel.yaml\n"
            "axes:\n  members[3].pricing.markup: [0.3, 0.5]\n  consumers.segments[0].noise: {from: 0.5, to: 2, steps: "
            "2, scale: log}\n"
            "design: grid\nreplications: 3\nbase_seed: 1\nmetrics: [conflict.index, sales.units]\n");
  writeText(dir / "runs.csv",
            "run_id,point_id,replication,seed,members[3].pricing.markup,consumers.segments[0].noise,conflict.index,"
            "sales.units\n"
            "0,0,0,11,0.3,0.5,0.6,100\n1,0,1,12,0.3,0.5,0.62,110\n2,0,2,13,0.3,0.5,0.64,120\n"
            "3,1,0,14,0.3,2,0.5,90\n4,1,1,15,0.3,2,0.52,95\n5,1,2,16,0.3,2,0.54,100\n"
            "6,2,0,17,0.5,0.5,0.3,80\n7,2,1,18,0.5,0.5,0.31,82\n8,2,2,19,0.5,0.5,0.32,84\n"
            "9,3,0,20,0.5,2,0.2,70\n10,3,1,21,0.5,2,0.25,75\n11,3,2,22,0.5,2,0.3,80\n");
  if (withAggregate)
    writeText(dir / "aggregate.csv",
              "point_id,members[3].pricing.markup,consumers.segments[0].noise,replications,"
              "conflict.index.mean,conflict.index.sd,conflict.index.ci_low,conflict.index.ci_high,"
              "sales.units.mean,sales.units.sd,sales.units.ci_low,sales.units.ci_high\n"
              "0,0.3,0.5,3,0.62,0.02,0.57,0.67,110,10,85.16,134.84\n"
              "1,0.3,2,3,0.52,0.02,0.47,0.57,95,5,82.58,107.42\n"
              "2,0.5,0.5,3,0.31,0.01,0.285,0.335,82,2,77.03,86.97\n"
              "3,0.5,2,3,0.25,0.05,0.126,0.374,75,5,62.58,87.42\n");
  writeText(dir / "sensitivity.csv",
            "metric,parameter,mu_star,mu_star_conf,sigma,mu\n"
            "conflict.index,members[3].pricing.markup,0.3,0.05,0.02,-0.3\n"
            "conflict.index,consumers.segments[0].noise,0.08,0.02,0.01,-0.08\n"
            "sales.units,members[3].pricing.markup,24,3,2,-24\n"
            "sales.units,consumers.segments[0].noise,11,2,1,-11\n");
}

}  // namespace

TEST_CASE("a sweep directory: each metric against each parameter, and the sensitivity table", "[report][html]") {
  TempDir dir;
  writeSweepFixture(dir.path(), true);
  REQUIRE(report::detectDirectory(dir.path()) == report::DirectoryKind::Sweep);
  const std::string html = report::reportHtml(dir.path());
  CHECK(html.find("hand-made fixture") != std::string::npos);
  CHECK(html.find("4 design points · 12 runs") != std::string::npos);
  for (const char* id : {"overview", "metrics", "sensitivity"})
    CHECK(html.find(std::string("<section id=\"") + id + "\">") != std::string::npos);
  CHECK(count(html, "<svg") == 4);      // 2 metrics x 2 parameters
  CHECK(count(html, "<polygon") == 8);  // a confidence band per line (2 lines per panel)
  // the other parameter names the lines; the log axis is drawn in log scale (ticks 0.5, 1, 2)
  CHECK(html.find("consumers.segments[0].noise =") != std::string::npos);
  CHECK(html.find(">1</text>") != std::string::npos);
  CHECK(html.find("(95% CI 57% to 67%)") != std::string::npos);  // from aggregate.csv
  CHECK(html.find("<td class=\"t\">members[3].pricing.markup</td>") != std::string::npos);
  CHECK(count(html, "class=\"bar") == 4);
  CHECK(html.find("Means and 95% confidence intervals from aggregate.csv") != std::string::npos);
  checkSelfContained(html);
}

TEST_CASE("a sweep without aggregate.csv is summarised from runs.csv", "[report][html]") {
  TempDir dir;
  writeSweepFixture(dir.path(), false);
  fs::remove(dir / "sensitivity.csv");
  const std::string html = report::reportHtml(dir.path());
  CHECK(html.find("no aggregate.csv: means and 95% t intervals computed here") != std::string::npos);
  // point 0, sales.units: 100, 110, 120 -> mean 110, sd 10, half-width 4.303 x 10 / sqrt(3) = 24.84
  CHECK(html.find("-&gt; 110 (95% CI 85.16 to 134.8)") != std::string::npos);
  CHECK(html.find("No sensitivity.csv") != std::string::npos);
}

TEST_CASE("the report of a real sweep directory", "[report][html]") {
  TempDir dir;
  writeText(dir / "s.yaml", "scenario: " + kSmall +
                                "\naxes:\n  members[5].pricing.markup: [0.3, 0.6]\n  ticks: [6]\n"
                                "design: {type: lhs, samples: 3}\nreplications: 2\nbase_seed: 3\n"
                                "metrics: [conflict.index, margin.channel_profit]\nsummary_only: true\n");
  const sweep::Plan plan(sweep::loadSweep((dir / "s.yaml").string()));
  const fs::path out = dir / "out";
  sweep::claimOutputDir(out, plan.spec());
  sweep::executeRuns(plan, out, sweep::pendingRuns(plan, out, {}), 1, [] {});
  sweep::mergeSweep(out, plan);
  const std::string html = report::reportHtml(out);
  CHECK(html.find("3 design points · 6 runs") != std::string::npos);
  CHECK(count(html, "<svg") == 4);  // 2 metrics x 2 axes (ticks is an axis with one value)
  CHECK(html.find("Means and 95% confidence intervals from aggregate.csv") != std::string::npos);
  // a run directory inside the sweep (summary only) is a run report of its headline figures
  const std::string one = report::reportHtml(sweep::runDir(out, 0));
  CHECK(one.find("<section id=\"kpis\">") != std::string::npos);
  CHECK(one.find("timeseries.csv is missing") != std::string::npos);
}

TEST_CASE("a run with a twin shows the twin's changes by group", "[report][html]") {
  TempDir dir;
  const ScenarioSpec spec = io::loadScenario(kSmall, {"ticks=10"});
  const ScenarioSpec twinSpec = io::loadScenario(kSmall, {"ticks=10", "members[2].reach=0"});
  Engine base(spec), twin(twinSpec);
  base.run();
  twin.run();
  const auto rows = compareRuns(base, base.summary(), twin, twin.summary());
  io::writeFileAtomic(dir.path() / "counterfactual.csv", io::counterfactualCsv(rows));
  io::writeRunOutputs(dir.path(), base, base.summary(),
                      io::RunInfo{kSmall, {"ticks=10"}, 1, 0.1, 10, {"members[2].reach=0"}});
  const std::string html = report::runReportHtml(dir.path());
  CHECK(html.find("<section id=\"twin\">") != std::string::npos);
  CHECK(html.find("members[2].reach=0") != std::string::npos);
  for (const auto& g : spec.groups) CHECK(html.find("<td class=\"t\">" + g.name + "</td>") != std::string::npos);
}
