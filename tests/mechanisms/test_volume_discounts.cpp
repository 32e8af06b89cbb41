// Volume discounts (mechanisms/volume_discounts.cpp): the decision it changes is the buyer's
// order quantity (batching up to a step) and the quantity the price paid per shipment; tested
// by a hand calculation on one order, on volume_discounts made smaller (conservation checked
// every tick), and the loader's checks of the steps.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/io/scenario_loader.hpp"
#include "tests/support/scenario_runs.hpp"

using chan::testing::groupSum;
using chan::testing::run;
using chan::testing::Run;

namespace {

/// A maker at a fixed 10 supplying one store that opens with 1,000 units and sells 100 on the
/// first tick (100 consumers, exact choice, valuation 100 against a price of 20), then orders up
/// to 1,000 (min_max: stock 900 <= 950) with one step of 5% off from 300 units.
std::map<std::string, double> firstTick(double holdingCost) {
  const std::string doc =
      "name: t\nticks: 10\ncheck: true\nbrands:\n  - {name: acme, unit_cost: 4}\nmembers:\n"
      "  - {group: maker, kind: manufacturer, pricing: {rule: fixed, price: 10}}\n"
      "  - {group: shop, kind: offline_store, supplier: maker, holding_cost: " +
      std::to_string(holdingCost) +
      ",\n     terms: {volume_discounts: [{min_units: 300, discount: 0.05}]}, pricing: {rule: fixed, price: 20},\n"
      "     replenishment: {rule: min_max, reorder_point: 950, order_up_to: 1000, initial_stock: 1000}}\n"
      "consumers:\n  count: 100\n  segments: [{name: s, valuation: {dist: constant, value: 100}, noise: 0}]\n";
  const chan::ScenarioSpec spec = chan::io::parseScenario(YAML::Load(doc), "t.yaml");  // (the engine keeps a pointer)
  chan::Engine engine(spec);
  engine.step();  // conservation checked
  const chan::Summary s = engine.summary();
  std::map<std::string, double> out(s.begin(), s.end());
  out["shop.purchases"] = engine.world().flows.purchases[1];
  out["maker.revenue"] = engine.world().flows.revenue[0];
  return out;
}

}  // namespace

TEST_CASE("volume discounts: a buyer batches up to a step when the discount beats the holding cost", "[mechanisms]") {
  // q = 100 (order up to 1,000 from 900), c = 10, forecast f = 100 a day, step Q = 300 at 5%:
  // ordering Q costs 300 x 10 x 0.95 - 200 x 10 + h x 200^2 / (2 x 100) = 850 + 200 h against
  // 100 x 10 = 1,000 for q, so the store batches while h < 0.75
  const auto cheap = firstTick(0.02);
  CHECK(cheap.at("volume_discount.mean_order_units") == 300);
  // the shipment of 300 is invoiced at 300 x 10 x (1 - 0.05) = 2,850: 150 off
  CHECK(cheap.at("volume_discount.amount") == Approx(150).epsilon(1e-12));
  CHECK(cheap.at("shop.purchases") == Approx(2850).epsilon(1e-12));
  CHECK(cheap.at("maker.revenue") == Approx(2850).epsilon(1e-12));
  CHECK(cheap.at("volume_discount.rate") == Approx(0.05).epsilon(1e-12));  // 150 / (150 + 2,850)
  // at h = 1: 850 + 200 = 1,050 > 1,000, so it orders the 100 it needs, below the step: no discount
  const auto dear = firstTick(1.0);
  CHECK(dear.at("volume_discount.mean_order_units") == 100);
  CHECK(dear.at("volume_discount.amount") == 0);
  CHECK(dear.at("shop.purchases") == Approx(1000).epsilon(1e-12));
}

TEST_CASE("volume discounts: stores pay less per unit and order in bigger batches on the shipped scenario",
          "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=6000", "ticks=90"};
  auto none = base, dearStorage = base;
  // a step no order reaches keeps the mechanism's metrics but gives nothing
  none.push_back("members[2].terms.volume_discounts=[{min_units: 1e9, discount: 0}]");
  dearStorage.push_back("members[2].holding_cost=1");
  const Run on = run("volume_discounts", base), off = run("volume_discounts", none),
            dear = run("volume_discounts", dearStorage);
  const int stores = 2;
  const double costOn = groupSum(on, on.purchases, stores) / groupSum(on, on.unitsBought, stores);
  const double costOff = groupSum(off, off.purchases, stores) / groupSum(off, off.unitsBought, stores);
  CHECK(costOn < costOff);
  // no store pays less than the deepest step allows
  CHECK(costOn >= costOff * (1 - 0.06) - 1e-9);
  CHECK(on.metrics.at("volume_discount.amount") > 0);
  CHECK(off.metrics.at("volume_discount.amount") == 0);
  CHECK(on.metrics.at("volume_discount.rate") <= 0.06 + 1e-12);
  // batching reacts: orders round up to a step, unless holding the extra units costs more
  CHECK(on.metrics.at("volume_discount.mean_order_units") > off.metrics.at("volume_discount.mean_order_units"));
  CHECK(dear.metrics.at("volume_discount.mean_order_units") < on.metrics.at("volume_discount.mean_order_units"));
}

TEST_CASE("volume discounts: the steps are read strictly and written back in their place", "[loader]") {
  const auto parse = chan::testing::parseWithGroup;
  // the second step's min_units (40) starts at column 129 of line 7
  REQUIRE_THROWS_WITH(
      parse("  - {group: shop, kind: offline_store, supplier: maker, terms: {volume_discounts: "
            "[{min_units: 50, discount: 0.02}, {min_units: 40, discount: 0.03}]}}\n"),
      "t.yaml:7:129: members[1].terms.volume_discounts[1].min_units: must be above the previous step's min_units");
  REQUIRE_THROWS_WITH(parse("  - {group: shop, kind: offline_store, supplier: maker, terms: {volume_discounts: "
                            "[{min_units: 50, discount: 0.04}, {min_units: 60, discount: 0.03}]}}\n"),
                      Catch::Contains("members[1].terms.volume_discounts[1].discount: must not be below the previous "
                                      "step's discount"));
  REQUIRE_THROWS_WITH(parse("  - {group: shop, kind: offline_store, supplier: maker, terms: {volume_discounts: "
                            "[{min_units: 50}]}}\n"),
                      Catch::Contains("members[1].terms.volume_discounts[0]: missing required key 'discount'"));
  const YAML::Node terms =
      chan::io::toYaml(parse("  - {group: shop, kind: offline_store, supplier: maker, terms: "
                             "{volume_discounts: [{min_units: 40, discount: 0.03}]}}\n"))["members"][1]["terms"];
  REQUIRE(terms["volume_discounts"].size() == 1);
  CHECK(terms["volume_discounts"][0]["min_units"].as<double>() == 40);
  CHECK(terms["volume_discounts"][0]["discount"].as<double>() == 0.03);
  // the last key of `terms`, where it always was
  std::string last;
  for (const auto& kv : terms) last = kv.first.as<std::string>();
  CHECK(last == "volume_discounts");
  CHECK_FALSE(chan::io::toYaml(
      parse("  - {group: shop, kind: offline_store, supplier: maker}\n"))["members"][1]["terms"]["volume_discounts"]);
}
