// Service effort (mechanisms/service_effort.cpp): the decision it changes is an outlet's service
// level, which it sets against its margin and the effort's cost. Tested on the linear-demand
// retailer of VALIDATION.md section 9, where the best responses have a closed form:
// m = (a - b w)/(2b - k^2/eta), s = k m / eta (here a = 100, b = 2, k = 2), and by the loader's
// checks of the group key.
#include <cmath>
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "sim/engine/engine.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/io/yaml_reader.hpp"
#include "tests/support/scenario_runs.hpp"

namespace {

/// Maker at wholesale `w` -> one e-store choosing price and effort every tick; 1,000 consumers
/// with reservation prices at the quantiles of U[0, 50], each worth 0.1 units, service worth 1 per
/// unit of effort (k/b = 1): expected demand q = 100 - 2 p + 2 s. `effort` is the retailer's
/// service_effort section ("" none).
std::string retailer(double w, const std::string& effort) {
  return "name: t\nticks: 40\ncheck: true\nbrands: [{name: x, unit_cost: 10}]\nmembers:\n"
         "  - {group: maker, kind: manufacturer, pricing: {rule: fixed, price: " +
         std::to_string(w) +
         "}}\n"
         "  - {group: retailer, kind: e_store, supplier: maker, terms: {lead_time: 0}, fixed_cost: 0, holding_cost: 0,\n"
         "     shipping_cost: 0, service_level: 0, delivery_days: 0" +
         effort +
         ",\n     pricing: {rule: best_response, grid: 0, review_period: 1, max_price: 90},\n"
         "     replenishment: {rule: order_up_to, cover_days: 1, window: 1, initial_stock: 200}}\n"
         "consumers:\n  count: 1000\n  weight: 0.1\n  mode: expected\n  segments:\n"
         "    - {name: all, valuation: {dist: uniform_quantiles, low: 0, high: 50}, price_sensitivity: 1,\n"
         "       travel_cost: 0, delivery_cost: 0, service_weight: 1, noise: 0.1}\n";
}

struct Outcome {
  double margin, service, effortCost, sumOfDailyCosts;
};

Outcome run(double w, double eta) {
  const std::string effort = ", service_effort: {cost: " + std::to_string(eta) + ", max: 40}";
  const chan::ScenarioSpec spec = chan::io::parseScenario(YAML::Load(retailer(w, effort)), "t.yaml");
  chan::Engine engine(spec);
  engine.run();  // conservation checked every tick
  const chan::World& world = engine.world();
  // the timeseries' daily effort, costed by hand: eta s^2 / 2 a day
  double costs = 0;
  for (const auto& r : engine.metrics().records()) {
    const double s = r.mechanismValues.back();  // service_effort is the last mechanism column
    costs += eta * s * s / 2;
  }
  return {world.members.price[1] - w, world.members.serviceLevel[1], world.flows.otherExpense[1], costs};
}

}  // namespace

TEST_CASE("service effort: the retailer's effort answers its margin, s = k m / eta", "[mechanisms]") {
  // w = 30, eta = 4: m = (100 - 60)/(4 - 1) = 13.333, s = 2 x 13.333 / 4 = 6.667
  const Outcome base = run(30, 4);
  CHECK(base.margin == Approx(40.0 / 3).epsilon(1e-4));
  CHECK(base.service == Approx(20.0 / 3).epsilon(1e-4));
  // a dearer wholesale price leaves less margin, which buys less service:
  // w = 40: m = (100 - 80)/3 = 6.667, s = 3.333
  const Outcome dear = run(40, 4);
  CHECK(dear.margin == Approx(20.0 / 3).epsilon(1e-4));
  CHECK(dear.service == Approx(10.0 / 3).epsilon(1e-4));
  // costlier effort, less of it: eta = 8: m = 40/(4 - 0.5) = 11.429, s = 2 x 11.429 / 8 = 2.857
  const Outcome costly = run(30, 8);
  CHECK(costly.margin == Approx(40.0 / 3.5).epsilon(1e-4));
  CHECK(costly.service == Approx(2 * 40.0 / 3.5 / 8).epsilon(1e-4));
  // the effort is paid every day, and is the retailer's only other expense
  CHECK(base.effortCost == Approx(base.sumOfDailyCosts).epsilon(1e-9));
  CHECK(base.effortCost > 0);
}

TEST_CASE("service effort: without the section the service level is the group's, and costs nothing",
          "[mechanisms]") {
  const chan::ScenarioSpec spec = chan::io::parseScenario(YAML::Load(retailer(30, "")), "t.yaml");
  chan::Engine engine(spec);
  engine.run();
  CHECK(engine.world().members.serviceLevel[1] == 0);
  CHECK(engine.world().flows.otherExpense[1] == 0);
  // the plain monopoly margin (a - b w)/(2b) = 10
  CHECK(engine.world().members.price[1] - 30 == Approx(10).epsilon(1e-4));
}

TEST_CASE("service effort: only outlets choose it, and the key reads back from the resolved scenario",
          "[mechanisms]") {
  std::string text = retailer(30, ", service_effort: {cost: 4, max: 40, review_period: 7, grid: 11}");
  const chan::ScenarioSpec spec = chan::io::parseScenario(YAML::Load(text), "t.yaml");
  CHECK(chan::testing::readsBack(spec));
  CHECK(chan::testing::resolvedText(spec).find("review_period: 7") != std::string::npos);
  // on the manufacturer: one error at the key
  const std::string maker = "pricing: {rule: fixed, price: 30.000000}}";
  text.replace(text.find(maker), maker.size(), "pricing: {rule: fixed, price: 30}, service_effort: {cost: 1}}");
  CHECK_THROWS_WITH(chan::io::parseScenario(chan::io::loadYamlText(text, "t.yaml"), "t.yaml"),
                    Catch::Contains("t.yaml:") && Catch::Contains("service_effort") &&
                        Catch::Contains("only outlets choose a service effort"));
  // a bad value inside the section
  std::string bad = retailer(30, ", service_effort: {cost: -1}");
  CHECK_THROWS_WITH(chan::io::parseScenario(chan::io::loadYamlText(bad, "t.yaml"), "t.yaml"),
                    Catch::Contains("service_effort.cost"));
}
