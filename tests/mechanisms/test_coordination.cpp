// Coordination (mechanisms/coordination.cpp): the decision it changes is what upstream members
// forecast (and so order) from: the consumer requests below them with shared sales, the orders
// they receive without; with visibility also their echelon stock. Tested by hand on one day of a
// maker, a distributor and two shops, on information_sharing made smaller (directions), with
// conservation checked every tick, and the loader's reading and writing of the section.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/replenishment.hpp"
#include "sim/engine/engine.hpp"
#include "sim/io/scenario_loader.hpp"
#include "tests/support/scenario_runs.hpp"

using chan::testing::parseSmall;
using chan::testing::readsBack;
using chan::testing::run;
using chan::testing::Run;

namespace {

/// A maker (member 0), a distributor (1) forecasting from one day (window 1), two shops (2, 3)
/// that start with stock, no steady start; `coordination` is the section's text.
chan::ScenarioSpec chain(const std::string& coordination) {
  const std::string doc =
      "name: t\nticks: 1\ncheck: true\nsteady_start: false\nbrands:\n  - {name: acme, unit_cost: 5}\nmembers:\n"
      "  - {group: maker, kind: manufacturer, pricing: {rule: fixed, price: 8}}\n"
      "  - {group: dist, kind: distributor, supplier: maker, pricing: {rule: fixed, price: 10},\n"
      "     replenishment: {rule: order_up_to, window: 1, initial_stock: 1000}}\n"
      "  - {group: shop, kind: offline_store, count: 2, supplier: dist, pricing: {rule: fixed, price: 15},\n"
      "     replenishment: {rule: order_up_to, cover_days: 20, initial_stock: 30}}\n"
      "coordination: " + coordination + "\nconsumers:\n  count: 200\n"
      "  segments: [{name: s, valuation: {dist: constant, value: 100}, noise: 0, purchase_probability: 0.5}]\n";
  return chan::io::parseScenario(YAML::Load(doc), "t.yaml");
}

}  // namespace

TEST_CASE("coordination: with shared sales the distributor forecasts from the shops' consumer requests",
          "[mechanisms]") {
  for (const bool shared : {false, true}) {
    INFO("shared_sales " << shared);
    const chan::ScenarioSpec spec = chain(std::string("{shared_sales: ") + (shared ? "true}" : "false}"));
    chan::Engine engine(spec);
    engine.run();
    const chan::World& w = engine.world();
    CHECK(w.coordination.sharedSales == shared);
    // one day: the distributor's forecast is the one demand it recorded (window 1)
    const double requests = w.flows.unitsRequested[2] + w.flows.unitsRequested[3];  // consumers at the shops
    const double orders = w.flows.unitsRequested[1];                                // the shops' orders
    REQUIRE(requests > 0);
    REQUIRE(orders != requests);  // the shops order up to 20 days of demand, not one day's
    CHECK(chan::models::forecast(w, 1) == Approx(shared ? requests : orders));
  }
}

TEST_CASE("information sharing: forecasting from consumer sales damps upstream order swings", "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=10000", "ticks=200"},
      shared{"consumers.count=10000", "ticks=200", "coordination.shared_sales=true"};
  const Run off = run("information_sharing", base), on = run("information_sharing", shared);
  CHECK(on.metrics.at("bullwhip.tier1") < off.metrics.at("bullwhip.tier1"));
  CHECK(on.metrics.at("bullwhip.tier2") < off.metrics.at("bullwhip.tier2"));
}

TEST_CASE("visibility: ordering on echelon stock with real-time sales damps upstream order swings", "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=10000", "ticks=200"},
      visible{"consumers.count=10000", "ticks=200", "coordination.visibility=true"};
  const Run off = run("information_sharing", base), on = run("information_sharing", visible);
  CHECK(on.metrics.at("bullwhip.tier1") < off.metrics.at("bullwhip.tier1"));
  CHECK(on.metrics.at("bullwhip.tier2") < off.metrics.at("bullwhip.tier2"));
  CHECK(on.metrics.at("coverage.stockout_rate") <= off.metrics.at("coverage.stockout_rate"));
}

TEST_CASE("coordination: the section is read strictly and always written back", "[loader]") {
  // the extra text starts on line 10
  const YAML::Node plain = chan::io::toYaml(parseSmall(""))["coordination"];
  REQUIRE(plain.IsMap());  // written with its defaults even when the file has none
  CHECK(plain["overstock_days"].as<double>() == 30);
  CHECK_FALSE(plain["visibility"]);  // written only when on
  const YAML::Node on = chan::io::toYaml(parseSmall("coordination: {visibility: true, delay_ticks: 2}"))["coordination"];
  CHECK(on["visibility"].as<bool>());
  CHECK(on["delay_ticks"].as<int>() == 2);
  CHECK(readsBack(parseSmall("coordination: {shared_sales: true, visibility: true, overstock_days: 9, "
                             "delay_probability: 0.2, delay_ticks: 3}")));
  REQUIRE_THROWS_WITH(parseSmall("coordination: {delay_probability: 1.5}"),
                      "t.yaml:10:35: coordination.delay_probability: must be between 0 and 1, got 1.5");
  REQUIRE_THROWS_WITH(parseSmall("coordination: {shared_sale: true}"), Catch::Contains("did you mean 'shared_sales'"));
}
