// Sweep files are read strictly: every mistake is reported with file:line:col and key path.
#include <catch2/catch.hpp>

#include <string>

#include "sim/io/yaml_reader.hpp"
#include "sim/sweep/plan.hpp"
#include "test_util.hpp"

using namespace chan::sweep;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

const std::string kScenario = test::sourcePath("scenarios/sweeps/small_channel.yaml");

/// Writes a sweep file (scenario line first, then body) and loads it.
SweepSpec load(const test::ScratchDir& dir, const std::string& body) {
  const auto file = dir / "sweep.yaml";
  test::writeText(file, "scenario: " + kScenario + "\n" + body);
  return loadSweep(file.string());
}

std::string errorOf(const test::ScratchDir& dir, const std::string& body) {
  try {
    load(dir, body);
  } catch (const chan::io::InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a complete sweep file is read with every key") {
  test::ScratchDir dir("spec");
  const SweepSpec spec = load(dir,
                              "axes:\n"
                              "  members[3].pricing.markup: [0.3, 0.5]\n"
                              "  consumers.segments[0].noise: {from: 0.1, to: 10, scale: log}\n"
                              "  members[3].terms.lead_time: {from: 1, to: 5, integer: true}\n"
                              "design: {type: morris, trajectories: 5, levels: 6}\n"
                              "replications: 3\nbase_seed: 77\nmetrics: [conflict.index, coverage.fill_rate]\n"
                              "summary_only: true\n");
  REQUIRE(spec.axes.size() == 3);
  CHECK(spec.axes[0].values == std::vector<std::string>{"0.3", "0.5"});
  CHECK(spec.axes[1].log);
  CHECK(spec.axes[2].integer);
  CHECK(spec.axes[0].where == (dir / "sweep.yaml").string() + ":3:3");
  CHECK(spec.design.type == DesignType::Morris);
  CHECK(spec.design.trajectories == 5);
  CHECK(spec.design.levels == 6);
  CHECK(spec.replications == 3);
  CHECK(spec.baseSeed == 77);
  CHECK(spec.summaryOnly);
  CHECK(Plan(spec).runs() == 5 * 4 * 3);
}

TEST_CASE("sweep file mistakes name the file, line, column and key path") {
  test::ScratchDir dir("spec-errors");
  const std::string file = (dir / "sweep.yaml").string();
  const std::string axes = "axes:\n  members[3].pricing.markup: [0.3]\n";
  CHECK_THAT(errorOf(dir, axes + "metrics: [conflict.index]\nreplicatons: 2\n"),
             StartsWith(file + ":5:1: replicatons: unknown key") && Contains("did you mean 'replications'"));
  CHECK_THAT(errorOf(dir, axes + "metrics: [conflict.index]\nreplications: many\n"),
             StartsWith(file + ":5:15: replications: expected an integer"));
  CHECK_THAT(errorOf(dir, "axes:\n  members[3].pricing.markup: {from: 0.3, to: 0.5, stesp: 3}\nmetrics: [x]\n"),
             StartsWith(file + ":3:51: axes.members[3].pricing.markup.stesp: unknown key"));
  CHECK_THAT(errorOf(dir, "axes:\n  members[3].pricing.markup: {from: 0.3, to: 0.5}\nmetrics: [x]\n"),
             StartsWith(file + ":3:3: axes.members[3].pricing.markup: a grid needs steps"));
  CHECK_THAT(errorOf(dir,
                     "axes:\n  members[3].pricing.markup: {from: 0.3, to: 0.5, steps: 3}\n"
                     "design: {type: lhs, samples: 4}\nmetrics: [x]\n"),
             StartsWith(file + ":3:3: axes.members[3].pricing.markup: steps applies to grid designs only"));
  CHECK_THAT(errorOf(dir, "axes:\n  members[3].pricing.markup: {from: 0, to: 1, steps: 2, scale: log}\nmetrics: [x]\n"),
             Contains("a log range needs from and to above 0"));
  CHECK_THAT(errorOf(dir, "axes:\n  members[3].pricing.markup: 0.3\nmetrics: [x]\n"),
             StartsWith(file + ":3:30: axes.members[3].pricing.markup: expected a list of values or a range"));
  CHECK_THAT(errorOf(dir, "axes:\n  seed: [1, 2]\nmetrics: [x]\n"), Contains("axes.seed: is set per run"));
  CHECK_THAT(errorOf(dir, axes + "design: {type: sobl, samples: 8}\nmetrics: [x]\n"),
             StartsWith(file + ":4:16: design.type: unknown value 'sobl' (did you mean 'sobol'?)"));
  CHECK_THAT(errorOf(dir, axes + "design: lhs\nmetrics: [x]\n"), Contains("design: write {type: lhs, samples: N}"));
  CHECK_THAT(errorOf(dir, axes + "design: {type: morris, trajectories: 4, samples: 8}\nmetrics: [x]\n"),
             Contains("design.samples: unknown key 'samples'"));
  CHECK_THAT(errorOf(dir, axes + "design: {type: morris, trajectories: 4, levels: 5}\nmetrics: [x]\n"),
             Contains("design.levels: must be even"));
  CHECK_THAT(errorOf(dir, axes + "metrics: [conflict.index, conflict.index]\n"),
             StartsWith(file + ":4:27: metrics[1]: duplicate metric"));
  CHECK_THAT(errorOf(dir, axes), Contains("metrics: list at least one summary metric"));
}
