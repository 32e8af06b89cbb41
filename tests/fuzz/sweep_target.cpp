// Fuzz targets for sweep files and validation case files (tests/fuzz/fuzz_targets.hpp).
#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/io/scenario_loader.hpp"
#include "sim/io/yaml_reader.hpp"
#include "sim/sweep/plan.hpp"
#include "sim/sweep/sweep_spec.hpp"
#include "sim/validation/case.hpp"
#include "sim/validation/steady_state.hpp"
#include "tests/fuzz/fuzz_targets.hpp"
#include "tests/fuzz/fuzz_util.hpp"

namespace chan::fuzz {
namespace {

// Plans up to this many runs are expanded (design.cpp allows 50 million, whose point table
// alone takes gigabytes: a real sweep of that size is meant, the fuzzer has no use for it).
constexpr double kPlanRuns = 20'000;

double designRuns(const sweep::SweepSpec& s) {
  const double k = static_cast<double>(s.axes.size());
  double points = 1;
  switch (s.design.type) {
    case sweep::DesignType::Grid:
      for (const auto& a : s.axes) points *= a.levelCount();
      break;
    case sweep::DesignType::Random:
    case sweep::DesignType::Lhs: points = s.design.samples; break;
    case sweep::DesignType::Sobol: points = s.design.samples * (k + 2); break;
    case sweep::DesignType::Morris: points = s.design.trajectories * (k + 1); break;
  }
  return points * s.replications;
}

}  // namespace

void sweepInput(const std::uint8_t* data, std::size_t size) {
  static const YAML::Node base =
      io::loadYamlFile(std::string(CHAN_SOURCE_DIR) + "/scenarios/sweeps/small_channel.yaml");
  sweep::SweepSpec spec;
  try {
    spec = sweep::parseSweep(io::loadYamlText(asText(data, size), "sweeps/fuzz.yaml"), "sweeps/fuzz.yaml");
  } catch (const io::InputError&) {
    return;
  }
  if (designRuns(spec) > kPlanRuns) return;
  sweep::Plan plan(spec);  // an InputError here is a finding: the size was checked above
  if (plan.runs() == 0) throw std::logic_error("an accepted sweep has no runs");
  for (std::size_t run = 0; run < std::min<std::size_t>(plan.runs(), 16); ++run) {
    plan.values(plan.pointOf(run));
    plan.scenarioFile(plan.pointOf(run));
    plan.overrides(run);
  }
  // the first point's overrides on a real scenario, as validateAxes does before a sweep
  YAML::Node root = YAML::Clone(base);
  try {
    for (const std::string& o : plan.pointOverrides(0)) io::applyOverride(root, o);
    io::parseScenario(root, "small_channel.yaml");
  } catch (const io::InputError&) {
  }
}

void validationInput(const std::uint8_t* data, std::size_t size) {
  validation::setParseOnly(true);
  try {
    // as `chansim validate` reads a case file (sim/cli/validate_command.cpp)
    YAML::Node root = io::loadYamlText(asText(data, size), "validation/fuzz.yaml");
    io::Reader top(root, "validation/fuzz.yaml", "");
    const std::string name = top.text("case");
    const auto& known = validation::allCases();
    const auto it = std::find_if(known.begin(), known.end(), [&](const auto& c) { return c.name == name; });
    if (it == known.end()) top.fail("case", "unknown case '" + name + "'");
    io::Reader parameters = top.map("parameters");
    top.finish();
    std::vector<validation::Row> rows;
    it->run(parameters, rows);
  } catch (const io::InputError&) {
  }
}

}  // namespace chan::fuzz
