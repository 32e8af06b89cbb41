#pragma once
// Helpers shared by the mechanism tests: run a shipped scenario (made smaller by overrides) with
// conservation checked every tick and keep what the tests look at; parse an inline document.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/engine/engine.hpp"
#include "sim/io/scenario_loader.hpp"

namespace chan::testing {

using Metrics = std::map<std::string, double>;

inline std::string scenarioPath(const std::string& name) {
  return std::string(CHAN_SOURCE_DIR) + "/scenarios/" + name + ".yaml";
}

struct Run {
  Metrics metrics;
  std::vector<Event> events;
  std::vector<std::uint8_t> active;
  std::vector<double> otherIncome, otherExpense;
  std::vector<MemberKind> kind;
  std::vector<int> group;
  std::vector<double> purchases, unitsBought;
};

/// Sum of `values` over the members of group g.
inline double groupSum(const Run& r, const std::vector<double>& values, int g) {
  double sum = 0;
  for (std::size_t m = 0; m < values.size(); ++m)
    if (r.group[m] == g) sum += values[m];
  return sum;
}

/// Runs scenarios/NAME.yaml with `sets` applied and the conservation check on every tick.
inline Run run(const std::string& name, std::vector<std::string> sets) {
  sets.push_back("check=true");
  const ScenarioSpec spec = io::loadScenario(scenarioPath(name), sets);
  Engine engine(spec);
  engine.run();
  const auto summary = engine.summary();
  const World& w = engine.world();
  return {Metrics(summary.begin(), summary.end()), w.events, w.members.active, w.flows.otherIncome,
          w.flows.otherExpense, w.members.kind, w.members.group, w.flows.purchases, w.flows.unitsBought};
}

/// A small valid channel (maker -> shop, 100 consumers) followed by `extra` YAML lines; the
/// extra text starts on line 10.
inline ScenarioSpec parseSmall(const std::string& extra) {
  const std::string doc = "name: t\nticks: 10\nbrands:\n  - {name: acme, unit_cost: 10}\nmembers:\n"
                          "  - {group: maker, kind: manufacturer}\n  - {group: shop, kind: offline_store, supplier: maker}\n"
                          "consumers:\n  count: 100\n" + extra;
  return io::parseScenario(YAML::Load(doc), "t.yaml");
}

/// A maker (line 6) and one member group given as its list line `group` (line 7, e.g.
/// "  - {group: shop, kind: offline_store, supplier: maker}\n"), 100 consumers; file "t.yaml".
inline ScenarioSpec parseWithGroup(const std::string& group) {
  const std::string doc = "name: t\nticks: 10\nbrands:\n  - {name: acme, unit_cost: 10}\nmembers:\n"
                          "  - {group: maker, kind: manufacturer}\n" + group + "consumers:\n  count: 100\n";
  return io::parseScenario(YAML::Load(doc), "t.yaml");
}

/// The text scenario.resolved.yaml has for `spec`.
inline std::string resolvedText(const ScenarioSpec& spec) {
  YAML::Emitter out;
  out << io::toYaml(spec);
  return out.c_str();
}

/// Whether `spec`'s resolved scenario reads back to the same resolved text (the loader's round
/// trip: every key written is read, and read as written).
inline bool readsBack(const ScenarioSpec& spec) {
  const std::string text = resolvedText(spec);
  return resolvedText(io::parseScenario(YAML::Load(text), "scenario.resolved.yaml")) == text;
}

}  // namespace chan::testing
