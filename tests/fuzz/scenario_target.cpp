// Fuzz targets for scenario YAML and `--set` overrides (tests/fuzz/fuzz_targets.hpp).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/engine/engine.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/io/yaml_reader.hpp"
#include "tests/fuzz/fuzz_targets.hpp"
#include "tests/fuzz/fuzz_util.hpp"

namespace chan::fuzz {
namespace {

// Accepted scenarios this small also run: a run costs about a millisecond, so the fuzzer keeps
// its pace while the engine sees every combination of keys the loader lets through.
constexpr int kRunConsumers = 300;
constexpr int kRunMembers = 40;
constexpr int kRunCities = 50;
constexpr int kRunTicks = 3;

std::string emitted(const YAML::Node& node) {
  YAML::Emitter out;
  out << node;
  return out.c_str();
}

// Oracles for a scenario the loader accepted.
void checkAccepted(ScenarioSpec spec) {
  // the resolved YAML (scenario.resolved.yaml of every run) must load, and to the same spec
  const std::string resolved = emitted(io::toYaml(spec));
  ScenarioSpec again;
  try {
    again = io::parseScenario(io::loadYamlText(resolved, "scenario.resolved.yaml"), "scenario.resolved.yaml");
  } catch (const io::InputError& e) {
    throw std::logic_error(std::string("the resolved scenario of an accepted one is rejected: ") + e.what());
  }
  if (emitted(io::toYaml(again)) != resolved)
    throw std::logic_error("the resolved scenario does not read back to itself:\n" + resolved);

  long long members = 0;
  for (const auto& g : spec.groups) members += g.count + g.reserve;
  if (spec.consumers.count > kRunConsumers || members > kRunMembers || spec.cityCount > kRunCities) return;
  spec.ticks = std::min(spec.ticks, kRunTicks);
  spec.warmup = std::min(spec.warmup, spec.ticks - 1);
  spec.check = true;  // conservation of goods and money every tick (ConservationError otherwise)
  Engine engine(spec);
  engine.run();
  for (const auto& [key, value] : engine.summary())
    if (!std::isfinite(value)) throw std::logic_error("summary." + key + " is not finite");
}

}  // namespace

void scenarioInput(const std::uint8_t* data, std::size_t size) {
  ScenarioSpec spec;
  try {
    spec = io::parseScenario(io::loadYamlText(asText(data, size), "fuzz.yaml"), "fuzz.yaml");
  } catch (const io::InputError&) {
    return;
  }
  checkAccepted(std::move(spec));
}

void overrideInput(const std::uint8_t* data, std::size_t size) {
  // the shipped scenarios, parsed once; the first byte picks one
  static const std::vector<YAML::Node> bases = [] {
    std::vector<YAML::Node> out;
    for (const std::string& file : shippedYaml("scenarios", false)) out.push_back(io::loadYamlFile(file));
    return out;
  }();
  if (size == 0 || bases.empty()) return;
  YAML::Node root = YAML::Clone(bases[data[0] % bases.size()]);
  std::vector<std::string> assignments = lines(asText(data + 1, size - 1));
  if (assignments.size() > 8) assignments.resize(8);
  ScenarioSpec spec;
  try {
    for (const std::string& a : assignments) io::applyOverride(root, a);
    spec = io::parseScenario(root, "fuzz.yaml");
  } catch (const io::InputError&) {
    return;
  }
  checkAccepted(std::move(spec));
}

}  // namespace chan::fuzz
