// Checks against the scenario, before any run: axis key paths, every point's scenario, and
// metric names looked up in the summary of a one-tick run.
#include <catch2/catch.hpp>

#include <numeric>
#include <string>

#include "sim/io/yaml_reader.hpp"
#include "sim/sweep/plan.hpp"
#include "sim/sweep/validate.hpp"
#include "test_util.hpp"

using namespace chan::sweep;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

const std::string kScenario = test::sourcePath("scenarios/sweeps/small_channel.yaml");

/// The message of the first check that fails for a sweep (scenario line first, then body).
std::string errorOf(const test::ScratchDir& dir, const std::string& body) {
  test::writeText(dir / "sweep.yaml", "scenario: " + kScenario + "\n" + body);
  try {
    const Plan plan(loadSweep((dir / "sweep.yaml").string()));
    validateAxes(plan);
    validateMetrics(plan);
    std::vector<std::size_t> runs(plan.runs());
    std::iota(runs.begin(), runs.end(), std::size_t{0});
    validatePoints(plan, runs);
  } catch (const chan::io::InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("axes, points and metrics are checked against the scenario before any run") {
  test::ScratchDir dir("spec-validate");
  const std::string file = (dir / "sweep.yaml").string();
  const std::string metrics = "metrics: [conflict.index]\n";
  CHECK_THAT(
      errorOf(dir, "axes:\n  members[9].pricing.markup: [0.3]\n" + metrics),
      StartsWith(file + ":3:3: axes.members[9].pricing.markup: --set members[9].pricing.markup: index 9 is past"));
  CHECK_THAT(errorOf(dir, "axes:\n  members[3].pricing.markpu: [0.3]\n" + metrics),
             StartsWith(file + ":3:3: axes.members[3].pricing.markpu:") && Contains("did you mean 'markup'"));
  CHECK_THAT(errorOf(dir, "axes:\n  members[3].pricing.markup: [0.3, -5]\n" + metrics),
             StartsWith(file + ": point 1 (members[3].pricing.markup=-5): ") && Contains("must be between"));
  CHECK_THAT(
      errorOf(dir, "axes:\n  members[3].pricing.markup: [0.3]\nmetrics: [conflict.index, margin.chanel_profit]\n"),
      StartsWith(file + ":4:27: metrics[1]: ") && Contains("did you mean 'margin.channel_profit'"));
  CHECK(errorOf(dir, "axes:\n  members[3].pricing.markup: [0.3, 0.4]\n" + metrics) == "no error");
}

TEST_CASE("a scenario axis picks the scenario file of each point, and metrics are checked in each") {
  test::ScratchDir dir("spec-scenario-axis");
  test::writeText(dir / "sweep.yaml", "axes:\n  scenario: [" + kScenario + ", " +
                                          test::sourcePath("scenarios/sweeps/small_two_tier.yaml") +
                                          "]\n  members[0].pricing.price: [15]\nmetrics: [margin.tier1.profit]\n");
  const Plan plan(loadSweep((dir / "sweep.yaml").string()));
  CHECK(plan.scenarioFile(1) == test::sourcePath("scenarios/sweeps/small_two_tier.yaml"));
  CHECK(plan.pointOverrides(1) == std::vector<std::string>{"members[0].pricing.price=15"});
  CHECK_NOTHROW(validateMetrics(plan));
  test::writeText(dir / "both.yaml",
                  "scenario: " + kScenario + "\naxes:\n  scenario: [" + kScenario + "]\nmetrics: [conflict.index]\n");
  CHECK_THROWS_WITH(loadSweep((dir / "both.yaml").string()), Contains("the scenario axis already names"));
}
