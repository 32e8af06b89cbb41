#include "sim/validation/steady_state.hpp"

#include "sim/engine/engine.hpp"
#include "sim/io/run_output.hpp"
#include "sim/io/scenario_loader.hpp"

namespace chan::validation {

SteadyTick runSteady(ScenarioSpec spec) {
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
  }
  t.consumerUnits = w.ledger.soldToConsumers - consumerUnits;
  return t;
}

ScenarioSpec scenarioFromText(const std::string& yaml, const std::string& name) {
  return io::parseScenario(YAML::Load(yaml), name);
}

std::string num(double v) { return io::formatNumber(v); }

}  // namespace chan::validation
