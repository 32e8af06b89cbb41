// Household stock (mechanisms/household_stock.cpp) and the promotions' net lift
// (mechanisms/promotions.cpp): the decisions it changes are how many units a consumer buys and
// whether it shops at all while its pantry is full. Tested on a tiny channel whose daily sales
// are known by hand (every consumer shops every day and always buys at the one store, so each
// day's sales are 100 x units per purchase of those not stocked), with conservation checked
// every tick; then by the direction of the post-promotion dip in store_promotion, and the
// loader's checks.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/engine/engine.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/io/yaml_reader.hpp"
#include "tests/support/scenario_runs.hpp"

using chan::testing::parseSmall;

namespace {

/// A maker selling at 12 to one store (fixed price 20, unlimited stock); 100 sampled consumers
/// who shop every day (purchase_probability 1) and always buy (valuation 100, exact choice);
/// `rest` adds top-level sections.
std::string channel(const std::string& rest, int ticks = 10) {
  return "name: t\nticks: " + std::to_string(ticks) +
         "\ncheck: true\nmap: {width: 10, height: 10, cities: 1}\nbrands:\n"
         "  - {name: acme, unit_cost: 10}\nmembers:\n"
         "  - {group: maker, kind: manufacturer, pricing: {rule: fixed, price: 12}}\n"
         "  - {group: store, kind: offline_store, supplier: maker, shipping_cost: 0, holding_cost: 0,\n"
         "     pricing: {rule: fixed, price: 20}, replenishment: {rule: none, initial_stock: 1.0e9}}\n"
         "consumers:\n  count: 100\n  choice_set: {nearest: 5}\n"
         "  segments:\n    - {name: all, valuation: {dist: constant, value: 100}, travel_cost: 0, delivery_cost: 0,\n"
         "       purchase_probability: 1, noise: 0}\n" +
         rest;
}

struct Outcome {
  std::vector<double> sold;  // per tick (index 0 is tick 1)
  chan::testing::Metrics metrics;
};

/// Runs `doc` (conservation checked every tick by its `check: true`).
Outcome runDoc(const std::string& doc) {
  const chan::ScenarioSpec spec = chan::io::parseScenario(YAML::Load(doc), "t.yaml");
  chan::Engine engine(spec);
  engine.run();
  Outcome out;
  for (const auto& t : engine.metrics().records()) out.sold.push_back(t.obs.sold);
  const auto summary = engine.summary();
  out.metrics = chan::testing::Metrics(summary.begin(), summary.end());
  return out;
}

}  // namespace

TEST_CASE("household stock: a deal basket drains at the consumption rate and skips exactly the days it covers",
          "[mechanisms]") {
  // day 3: 25% off 20 (regular price: the highest of the days before, 20); basket 1 + floor(8 x
  // 0.25) = 3 units, 2 of them into stock; use 0.5 x purchase_probability 1 = 0.5 a day. Days 4-7
  // start with 2, 1.5, 1, 0.5 >= 0.5 (skipped), day 8 with 0 (shops again).
  const Outcome on =
      runDoc(channel("promotions:\n  - {group: store, start: 3, days: 1, discount: 0.25}\n"
                     "household_stock: {consumption: 0.5, units_per_discount: 8}\n"));
  const std::vector<double> expected{100, 100, 300, 0, 0, 0, 0, 100, 100, 100};
  REQUIRE(on.sold.size() == expected.size());
  for (std::size_t t = 0; t < expected.size(); ++t) CHECK(on.sold[t] == Approx(expected[t]).margin(1e-9));
  CHECK(on.metrics.at("household_stock.extra_units") == Approx(200).margin(1e-9));  // 100 x (3 - 1)
  CHECK(on.metrics.at("household_stock.multi_unit_purchases") == Approx(100).margin(1e-9));
  CHECK(on.metrics.at("household_stock.end_units") == Approx(0).margin(1e-9));             // all used by day 7
  CHECK(on.metrics.at("household_stock.stocked_share") == Approx(4.0 / 10).margin(1e-9));  // days 4-7 of 10
  // the units bought are what left the channel: 800 of the store's stock, none in the pantries
  CHECK(on.metrics.at("sales.units") == Approx(800).margin(1e-9));
  // without the section the same promotion sells 100 every day
  const Outcome off = runDoc(channel("promotions:\n  - {group: store, start: 3, days: 1, discount: 0.25}\n"));
  for (double s : off.sold) CHECK(s == Approx(100).margin(1e-9));
  CHECK(off.metrics.count("household_stock.extra_units") == 0);
}

TEST_CASE("household stock: units per purchase follow the discount depth, the cap and event days", "[mechanisms]") {
  // 25% off: floor(3 x 0.25) = 0 extra (basket 1, nothing skipped); floor(20 x 0.25) = 5 extra,
  // capped by max_units 4 at 4 units; a discount below min_discount is no deal
  const std::string promo = "promotions:\n  - {group: store, start: 2, days: 1, discount: 0.25}\n";
  const Outcome shallow = runDoc(channel(promo + "household_stock: {units_per_discount: 3}\n", 3));
  CHECK(shallow.sold[1] == Approx(100).margin(1e-9));
  const Outcome capped = runDoc(channel(promo + "household_stock: {units_per_discount: 20, max_units: 4}\n", 3));
  CHECK(capped.sold[1] == Approx(400).margin(1e-9));
  CHECK(capped.sold[2] == Approx(0).margin(1e-9));  // 3 units a buyer in stock, 1 used a day
  const Outcome small = runDoc(channel(promo + "household_stock: {units_per_discount: 20, min_discount: 0.3}\n", 3));
  CHECK(small.sold[1] == Approx(100).margin(1e-9));
  // a calendar event day (tick 2 = 2026-01-02) buys event_units = 2 without any price cut
  const Outcome event =
      runDoc(channel("calendar:\n  start: 2026-01-01\n  events:\n    - {name: sale, date: 2026-01-02}\n"
                     "household_stock: {event_units: 2}\n",
                     4));
  CHECK(event.sold[0] == Approx(100).margin(1e-9));
  CHECK(event.sold[1] == Approx(200).margin(1e-9));
  CHECK(event.sold[2] == Approx(0).margin(1e-9));  // 1 unit in stock covers day 3 (use 1 x 1)
  CHECK(event.sold[3] == Approx(100).margin(1e-9));
}

TEST_CASE("household stock: a basket larger than the outlet's stock gets what is left in whole units", "[mechanisms]") {
  // 250 units on the shelf, 100 consumers asking for 3 each on day 1 (a deal from day 1 needs a
  // regular price: the store sells at 20 on day 1, 15 on day 2): 83 baskets of 3 (249 units),
  // one of 1, the other 16 unfilled, with no other outlet to turn to
  const std::string doc =
      "name: t\nticks: 2\ncheck: true\nmap: {width: 10, height: 10, cities: 1}\nbrands:\n"
      "  - {name: acme, unit_cost: 10}\nmembers:\n"
      "  - {group: maker, kind: manufacturer, pricing: {rule: fixed, price: 12}}\n"
      "  - {group: store, kind: offline_store, supplier: maker, shipping_cost: 0, holding_cost: 0,\n"
      "     pricing: {rule: fixed, price: 20}, replenishment: {rule: none, initial_stock: 350}}\n"
      "consumers:\n  count: 100\n  choice_set: {nearest: 5}\n"
      "  segments:\n    - {name: all, valuation: {dist: constant, value: 100}, travel_cost: 0, delivery_cost: 0,\n"
      "       purchase_probability: 1, noise: 0}\n"
      "promotions:\n  - {group: store, start: 2, days: 1, discount: 0.25}\n"
      "household_stock: {units_per_discount: 8}\n";
  const Outcome out = runDoc(doc);
  CHECK(out.sold[0] == Approx(100).margin(1e-9));  // day 1: 350 - 100 = 250 left
  CHECK(out.sold[1] == Approx(250).margin(1e-9));  // day 2: every unit left, none more
  CHECK(out.metrics.at("household_stock.extra_units") == Approx(83 * 2).margin(1e-9));
  CHECK(out.metrics.at("household_stock.multi_unit_purchases") == Approx(83).margin(1e-9));
}

TEST_CASE("promotions: the net lift is the window's units above the baseline less the dip after it", "[mechanisms]") {
  // promotion on day 5, 25% off, lift_days 4: baseline days 1-4, 100 a day. Basket 1 + floor(4 x
  // 0.25) = 2: day 5 sells 200 (window +100); the extra unit, used at 0.5 a day, covers days 6
  // and 7 (0 sold), days 8 and 9 sell 100: dip (100 - 0) x 2 = 200; net lift 100 - 200 = -100
  const std::string promo = "promotions:\n  - {group: store, start: 5, days: 1, discount: 0.25, lift_days: 4}\n";
  const Outcome on = runDoc(channel(promo + "household_stock: {consumption: 0.5, units_per_discount: 4}\n"));
  CHECK(on.metrics.at("promotion.baseline_units") == Approx(100).margin(1e-9));
  CHECK(on.metrics.at("promotion.window_units") == Approx(100).margin(1e-9));
  CHECK(on.metrics.at("promotion.dip_units") == Approx(200).margin(1e-9));
  CHECK(on.metrics.at("promotion.net_lift") == Approx(-100).margin(1e-9));
  // everyone buys every day anyway: without stockpiling the promotion moves nothing
  const Outcome off = runDoc(channel(promo));
  CHECK(off.metrics.at("promotion.window_units") == Approx(0).margin(1e-9));
  CHECK(off.metrics.at("promotion.dip_units") == Approx(0).margin(1e-9));
  // a promotion without lift_days reports no net-lift key
  const Outcome plain = runDoc(channel("promotions:\n  - {group: store, start: 5, days: 1, discount: 0.25}\n"));
  CHECK(plain.metrics.count("promotion.net_lift") == 0);
}

TEST_CASE("household stock: with stockpiling, store_promotion's sales after the promotion fall below the run without",
          "[mechanisms]") {
  // the shipped scenario made smaller; units_per_discount 0 leaves every basket at one unit
  const std::vector<std::string> small{"consumers.count=8000", "ticks=110", "check=true"};
  auto without = small;
  without.push_back("household_stock.units_per_discount=0");
  auto after = [](const std::vector<std::string>& sets, chan::testing::Metrics& metrics) {
    const chan::ScenarioSpec spec = chan::io::loadScenario(chan::testing::scenarioPath("store_promotion"), sets);
    chan::Engine engine(spec);
    engine.run();
    const auto summary = engine.summary();
    metrics = chan::testing::Metrics(summary.begin(), summary.end());
    double sold = 0;  // days 74-101, the four weeks after the promotion (days 60-73)
    for (const auto& t : engine.metrics().records())
      if (t.tick >= 74 && t.tick <= 101) sold += t.obs.sold;
    return sold;
  };
  chan::testing::Metrics on, off;
  const double afterOn = after(small, on), afterOff = after(without, off);
  CHECK(afterOn < afterOff);
  CHECK(on.at("promotion.dip_units") > off.at("promotion.dip_units"));
  CHECK(on.at("household_stock.extra_units") > 0);
  CHECK(off.at("household_stock.extra_units") == 0);
}

TEST_CASE("household stock: the loader reads the section, writes it back and refuses expected choice", "[loader]") {
  const auto spec = parseSmall("household_stock: {consumption: 1.5, units_per_discount: 6, max_units: 3}\n");
  CHECK(chan::testing::readsBack(spec));
  const YAML::Node written = chan::io::toYaml(spec)["household_stock"];
  CHECK(written["consumption"].as<double>() == 1.5);
  CHECK(written["reference_days"].as<int>() == 28);  // the default
  REQUIRE_THROWS_WITH(parseSmall("  mode: expected\nhousehold_stock: {units_per_discount: 6}\n"),
                      Catch::Contains("t.yaml:11:") && Catch::Contains("household_stock: needs sampled choice"));
  REQUIRE_THROWS_WITH(parseSmall("household_stock: {max_units: 0}\n"), Catch::Contains("household_stock.max_units"));
  REQUIRE_THROWS_WITH(parseSmall("promotions:\n  - {group: shop, start: 3, days: 2, discount: 0.2, lift_days: 3}\n"),
                      Catch::Contains("promotions[0].lift_days: the baseline days must come before the promotion"));
}
