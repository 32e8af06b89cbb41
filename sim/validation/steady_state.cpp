#include "sim/validation/steady_state.hpp"

#include <cctype>
#include <filesystem>

#include "sim/engine/engine.hpp"
#include "sim/io/atomic_file.hpp"
#include "sim/io/run_output.hpp"
#include "sim/io/scenario_loader.hpp"

namespace chan::validation {

namespace {
bool g_parseOnly = false;  // set only by the validation fuzz target
}

void setParseOnly(bool on) { g_parseOnly = on; }
bool parseOnly() { return g_parseOnly; }

SteadyTick runSteady(ScenarioSpec spec) {
  if (g_parseOnly) {
    std::size_t members = 0;
    for (const auto& g : spec.groups) members += static_cast<std::size_t>(g.count);
    SteadyTick t;
    t.profit.assign(members, 0), t.unitsSold.assign(members, 0), t.price.assign(members, 0);
    t.service.assign(members, 0);
    return t;
  }
  spec.check = true;
  Engine engine(spec);
  while (engine.world().tick < spec.ticks - 1) engine.step();
  const World& w = engine.world();
  const std::size_t n = w.members.size();
  std::vector<double> profit(n), units(n);
  for (std::size_t m = 0; m < n; ++m) profit[m] = w.flows.profit(m), units[m] = w.flows.unitsSold[m];
  const double consumerUnits = w.ledger.soldToConsumers;
  engine.step();
  SteadyTick t;
  for (std::size_t m = 0; m < n; ++m) {
    t.profit.push_back(w.flows.profit(m) - profit[m]);
    t.unitsSold.push_back(w.flows.unitsSold[m] - units[m]);
    t.price.push_back(w.members.price[m]);
    t.service.push_back(w.members.serviceLevel[m]);
  }
  t.consumerUnits = w.ledger.soldToConsumers - consumerUnits;
  return t;
}

namespace {
std::string g_dumpDirectory;  // set once by the CLI before cases run
}

void setScenarioDumpDirectory(const std::string& dir) { g_dumpDirectory = dir; }

ScenarioSpec scenarioFromText(const std::string& yaml, const std::string& name) {
  if (!g_dumpDirectory.empty()) {
    std::string file;
    for (char ch : name) file += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
    io::writeFileAtomic(std::filesystem::path(g_dumpDirectory) / (file + ".yaml"), yaml);
  }
  return io::parseScenario(YAML::Load(yaml), name);
}

std::string num(double v) { return io::formatNumber(v); }

}  // namespace chan::validation
