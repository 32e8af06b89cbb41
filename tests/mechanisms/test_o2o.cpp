// Omnichannel fulfilment (mechanisms/o2o.cpp): the decision it changes is where an online order's
// unit comes from. Tested on one store and one e-store of one brand at the same fixed price and
// service level, with no outside option, no travel cost and logit noise mu = 0.5, expected mode:
// 1,000 consumers of weight 0.1 (100 units a day), who split 50/50 between the two while delivery
// costs nothing. Nobody replenishes, so every unit's path is known by hand.
#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "sim/engine/engine.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/io/yaml_reader.hpp"
#include "tests/support/scenario_runs.hpp"

namespace {

/// Maker (price 10) -> a store (1,000 units) and an e-store (`webStock` units, 3 days'
/// delivery), both at price 20; `consumers` adds keys to the consumers mapping, `section` is
/// appended (the o2o section, "" none).
std::string market(double webStock, const std::string& consumers, const std::string& section, double deliveryCost = 0) {
  return "name: t\nticks: 5\ncheck: true\nbrands: [{name: x, unit_cost: 5}]\nmembers:\n"
         "  - {group: maker, kind: manufacturer, pricing: {rule: fixed, price: 10}}\n"
         "  - {group: store, kind: offline_store, supplier: maker, terms: {lead_time: 0}, service_level: 0.5,\n"
         "     pricing: {rule: fixed, price: 20}, replenishment: {rule: none, initial_stock: 1000}}\n"
         "  - {group: web, kind: e_store, supplier: maker, terms: {lead_time: 0}, service_level: 0.5,\n"
         "     delivery_days: 3, pricing: {rule: fixed, price: 20},\n"
         "     replenishment: {rule: none, initial_stock: " +
         std::to_string(webStock) +
         "}}\n"
         "consumers:\n  count: 1000\n  weight: 0.1\n  mode: expected\n" +
         consumers +
         "  segments:\n"
         "    - {name: all, price_sensitivity: 1, travel_cost: 0, delivery_cost: " +
         std::to_string(deliveryCost) +
         ", service_weight: 1, noise: 0.5,\n"
         "       outside_option: false}\n" +
         section;
}

struct Outcome {
  double storeSold = 0, webSold = 0, storeStock = 0, storeValue = 0;
  double storeOtherIncome = 0, webOtherExpense = 0, webPurchases = 0;
  chan::Summary summary;
};

Outcome run(const std::string& text) {
  const chan::ScenarioSpec spec = chan::io::parseScenario(YAML::Load(text), "t.yaml");
  chan::Engine engine(spec);
  engine.run();  // conservation checked every tick
  const chan::World& w = engine.world();
  return {w.flows.unitsSold[1],   w.flows.unitsSold[2],    w.members.stock[1],   w.members.stockValue[1],
          w.flows.otherIncome[1], w.flows.otherExpense[2], w.flows.purchases[2], engine.summary()};
}

double value(const chan::Summary& s, const std::string& key) {
  for (const auto& [k, v] : s)
    if (k == key) return v;
  FAIL("no summary key " << key);
  return 0;
}

// the e-store's requests stay in the choice sets when it is empty (shelves unseen) and are lost
const std::string kUnseenNoSubstitution = "  stock_visible: []\n  substitution: false\n";
const std::string kStockouts =
    "o2o: {online: [web], stores: [store], ship_from_store: stockouts, ship_days: 1, click_and_collect: 0.2,\n"
    "      collect_days: 0, commission: 0.1, ship_fee: 1, collect_fee: 0.5}\n";

}  // namespace

TEST_CASE("o2o: the e-store's stock-outs are served from the store's stock, which falls by exactly those units",
          "[mechanisms]") {
  // 50 units a day ask at each outlet. The e-store's 100 units last two days; days 3-5 its 150
  // requested units come from the store. Without o2o they are lost (substitution off).
  const Outcome off = run(market(100, kUnseenNoSubstitution,
                                 "o2o: {online: [web], stores: [store], "
                                 "ship_from_store: none}\n"));
  const Outcome on = run(market(100, kUnseenNoSubstitution, kStockouts));
  CHECK(off.webSold == Approx(100).epsilon(1e-9));
  CHECK(off.storeStock == Approx(1000 - 250).epsilon(1e-9));
  CHECK(value(off.summary, "o2o.units_from_stores") == 0);
  CHECK(value(off.summary, "o2o.fill_rate_online") == Approx(100.0 / 250).epsilon(1e-9));
  // with o2o: the e-store sells all 250, 150 of them from the store's shelf
  CHECK(on.webSold == Approx(250).epsilon(1e-9));
  CHECK(value(on.summary, "o2o.units_from_stores") == Approx(150).epsilon(1e-9));
  CHECK(value(on.summary, "o2o.online_units") == Approx(250).epsilon(1e-9));
  CHECK(value(on.summary, "o2o.fill_rate_online") == Approx(1).epsilon(1e-9));
  CHECK(value(on.summary, "o2o.fill_rate_online") > value(off.summary, "o2o.fill_rate_online"));
  // the store's stock: 1,000 - its own 250 - the 150 routed, at its book value 10 a unit
  CHECK(on.storeStock == Approx(1000 - 250 - 150).epsilon(1e-9));
  CHECK(on.storeValue == Approx(600 * 10.0).epsilon(1e-9));
  CHECK(on.storeSold == Approx(250 + 150).epsilon(1e-9));  // its own customers' and the e-store's units
  // money: the e-store pays the book value (150 x 10) and, per routed unit, 10% of its price 20
  // plus the fee 0.8 x 1 (shipped) + 0.2 x 0.5 (collected) = 0.9
  CHECK(on.webPurchases == Approx(150 * 10.0).epsilon(1e-9));
  CHECK(value(on.summary, "o2o.commissions") == Approx(150 * 0.1 * 20).epsilon(1e-9));
  CHECK(value(on.summary, "o2o.fees") == Approx(150 * 0.9).epsilon(1e-9));
  CHECK(on.storeOtherIncome == Approx(150 * (2 + 0.9)).epsilon(1e-9));
  CHECK(on.webOtherExpense == Approx(150 * (2 + 0.9)).epsilon(1e-9));
  // delivery: 100 units in the e-store's 3 days, 150 from the store in 0.8 x 1 + 0.2 x 0 days
  CHECK(value(on.summary, "o2o.delivery_days") == Approx((100 * 3 + 150 * 0.8) / 250).epsilon(1e-9));
  CHECK(value(off.summary, "o2o.delivery_days") == Approx(3).epsilon(1e-9));
  // store traffic: its 250 buyers and the 0.2 x 150 = 30 collectors
  CHECK(value(on.summary, "o2o.store_traffic") == Approx(250 + 30).epsilon(1e-9));
  CHECK(value(off.summary, "o2o.store_traffic") == Approx(250).epsilon(1e-9));
}

TEST_CASE("o2o: an empty e-store stays open for consumers who see stock while the store can fill its orders",
          "[mechanisms]") {
  // Without o2o an empty e-store is out of every choice set: the store sells all 500 units.
  const Outcome off = run(market(0, "", ""));
  CHECK(off.webSold == 0);
  CHECK(off.storeSold == Approx(500).epsilon(1e-9));
  // With stockouts it stays open: 50/50 again, every e-store unit from the store.
  const Outcome on = run(market(0, "", kStockouts));
  CHECK(value(on.summary, "o2o.online_units") == Approx(250).epsilon(1e-9));
  CHECK(value(on.summary, "o2o.units_from_stores") == Approx(250).epsilon(1e-9));
  CHECK(on.storeStock == Approx(500).epsilon(1e-9));  // 1,000 - 500 either way: the units now sell online
  CHECK(value(on.summary, "o2o.delivery_days") == Approx(0.8).epsilon(1e-9));
}

TEST_CASE("o2o: with all, every order ships from the store and the faster delivery enters utility", "[mechanisms]") {
  // delivery_cost 0.25 a day: the e-store's 3 days cost 0.75 of utility, the store's promised
  // 1 day 0.25. Online share 1 / (1 + exp(0.75 / 0.5)) without, 1 / (1 + exp(0.25 / 0.5)) with.
  const std::string all = "o2o: {online: [web], stores: [store], ship_from_store: all, ship_days: 1}\n";
  const Outcome off = run(market(1000, "", "", 0.25));
  const Outcome on = run(market(1000, "", all, 0.25));
  const double total = 500;
  CHECK(off.webSold / total == Approx(1 / (1 + std::exp(1.5))).epsilon(1e-9));
  const double online = total / (1 + std::exp(0.5));
  CHECK(value(on.summary, "o2o.online_units") == Approx(online).epsilon(1e-9));
  CHECK(value(on.summary, "o2o.units_from_stores") == Approx(online).epsilon(1e-9));
  CHECK(on.storeStock == Approx(1000 - total).epsilon(1e-9));  // every unit left the store's shelf
  CHECK(value(on.summary, "o2o.delivery_days") == Approx(1).epsilon(1e-9));
}

TEST_CASE("o2o: off, the summary has no o2o keys, the section reads back and misplaced groups are errors",
          "[mechanisms]") {
  const Outcome off = run(market(100, "", ""));
  for (const auto& [k, v] : off.summary) CHECK(k.rfind("o2o.", 0) == std::string::npos);
  const chan::ScenarioSpec spec = chan::io::parseScenario(YAML::Load(market(100, "", kStockouts)), "t.yaml");
  CHECK(chan::testing::readsBack(spec));
  CHECK(chan::testing::resolvedText(spec).find("click_and_collect: 0.2") != std::string::npos);
  auto parse = [](const std::string& section) {
    return chan::io::parseScenario(chan::io::loadYamlText(market(100, "", section), "t.yaml"), "t.yaml");
  };
  CHECK_THROWS_WITH(parse("o2o: {online: [store], stores: [store]}\n"),
                    Catch::Contains("t.yaml:") && Catch::Contains("o2o.online") && Catch::Contains("not an online"));
  CHECK_THROWS_WITH(parse("o2o: {online: [web], stores: [web]}\n"),
                    Catch::Contains("o2o.stores") && Catch::Contains("not a physical"));
  CHECK_THROWS_WITH(parse("o2o: {online: [web]}\n"), Catch::Contains("o2o") && Catch::Contains("stores"));
  CHECK_THROWS_WITH(parse("o2o: {online: [web], stores: [store], ship_from_store: sometimes}\n"),
                    Catch::Contains("o2o.ship_from_store"));
  CHECK_THROWS_WITH(parse("o2o: {online: [web], stores: [shop]}\n"), Catch::Contains("o2o.stores"));
}

// scenarios/o2o.yaml made short (60 days, sampled mode): the e-store, reordering late from the
// maker, runs out around day 10; the directions and identities its comment block reports.
TEST_CASE("o2o scenario: ship-from-store raises the online fill rate and units, and the stores earn the stated money",
          "[mechanisms]") {
  const chan::testing::Run none = chan::testing::run("o2o", {"ticks=60", "o2o.ship_from_store=none"});
  const chan::testing::Run on = chan::testing::run("o2o", {"ticks=60"});  // stockouts; conservation every tick
  const auto& a = none.metrics;
  const auto& b = on.metrics;
  CHECK(a.at("o2o.units_from_stores") == 0);
  CHECK(b.at("o2o.units_from_stores") > 0);
  CHECK(b.at("o2o.fill_rate_online") > a.at("o2o.fill_rate_online"));
  CHECK(b.at("o2o.online_units") > a.at("o2o.online_units"));
  CHECK(b.at("o2o.delivery_days") < a.at("o2o.delivery_days"));
  CHECK(a.at("o2o.delivery_days") == Approx(3).epsilon(1e-12));  // the e-store's own days only
  const double routed = b.at("o2o.units_from_stores");
  // 30% collected; the e-store sells at MSRP 32: commission 8% x 32 = 2.56 a unit, fee
  // 0.7 x 1.5 + 0.3 x 0.5 = 1.2 a unit, the stores' only other income
  CHECK(b.at("o2o.units_collected") == Approx(0.3 * routed).epsilon(1e-12));
  CHECK(b.at("o2o.store_traffic") == Approx(b.at("o2o.store_units") + 0.3 * routed).epsilon(1e-12));
  CHECK(b.at("o2o.commissions") == Approx(2.56 * routed).epsilon(1e-9));
  CHECK(b.at("o2o.fees") == Approx(1.2 * routed).epsilon(1e-9));
  const int stores = 2;  // the scenario's third group
  CHECK(chan::testing::groupSum(on, on.otherIncome, stores) == Approx(3.76 * routed).epsilon(1e-9));
  CHECK(chan::testing::groupSum(none, none.otherIncome, stores) == 0);
}

// Two stores placed at random (uniform), each in every consumer's choice set (no radius), and an
// e-store with no stock of its own: which store fills a consumer's order is decided by the
// consumer's row (physical outlets nearest first).
namespace {

std::string twoStores(double nearStock) {
  return "name: t\nticks: 5\ncheck: true\nbrands: [{name: x, unit_cost: 5}]\nmembers:\n"
         "  - {group: maker, kind: manufacturer, pricing: {rule: fixed, price: 10}}\n"
         "  - {group: a, kind: offline_store, supplier: maker, placement: uniform, service_level: 0.5,\n"
         "     pricing: {rule: fixed, price: 20}, replenishment: {rule: none, initial_stock: " +
         std::to_string(nearStock) +
         "}}\n"
         "  - {group: b, kind: offline_store, supplier: maker, placement: uniform, service_level: 0.5,\n"
         "     pricing: {rule: fixed, price: 20}, replenishment: {rule: none, initial_stock: 1000}}\n"
         "  - {group: web, kind: e_store, supplier: maker, service_level: 0.5, pricing: {rule: fixed, price: 20},\n"
         "     replenishment: {rule: none, initial_stock: 0}}\n"
         "consumers:\n  count: 1000\n  weight: 0.1\n  mode: expected\n  placement: uniform\n  segments:\n"
         "    - {name: all, price_sensitivity: 1, travel_cost: 0, delivery_cost: 0, service_weight: 1, noise: 0.5,\n"
         "       outside_option: false}\n"
         "o2o: {online: [web], stores: [a, b]}\n";
}

}  // namespace

TEST_CASE("o2o: an online order is filled by the nearest store in the consumer's choice set that has spare stock",
          "[mechanisms]") {
  {  // both stores stocked: each consumer's units come from its nearest store
    const chan::ScenarioSpec spec = chan::io::parseScenario(YAML::Load(twoStores(1000)), "t.yaml");
    chan::Engine engine(spec);
    const chan::World& w = engine.world();
    // the consumers whose row lists store a (outlet index 0) first
    double nearA = 0;
    for (std::size_t i = 0; i < w.consumers.size(); ++i)
      nearA += w.consumers.choiceOutlet[w.consumers.rowStart[i]] == 0;
    REQUIRE(nearA > 0);
    REQUIRE(nearA < 1000);
    engine.run();
    // three equal options, 100 units a day: each store sells 500 / 3 of its own over 5 days, and
    // the e-store's 500 / 3 are spread evenly over the consumers, each share from its nearest store
    const double third = 500.0 / 3;
    CHECK(w.members.stock[1] == Approx(1000 - third - third * nearA / 1000).epsilon(1e-9));
    CHECK(w.members.stock[2] == Approx(1000 - third - third * (1000 - nearA) / 1000).epsilon(1e-9));
  }
  {  // store a has nothing to spare: every unit comes from b, even for consumers nearer a
    const chan::ScenarioSpec spec = chan::io::parseScenario(YAML::Load(twoStores(0)), "t.yaml");
    chan::Engine engine(spec);
    engine.run();
    const chan::World& w = engine.world();
    const chan::Summary s = engine.summary();
    CHECK(w.members.stock[1] == 0);
    CHECK(w.flows.unitsSold[1] == 0);
    CHECK(value(s, "o2o.units_from_stores") == Approx(w.flows.unitsSold[3]).epsilon(1e-12));  // no stock of its own
    CHECK(value(s, "o2o.units_from_stores") > 0);
    CHECK(w.members.stock[2] == Approx(1000 - w.flows.unitsSold[2]).epsilon(1e-9));
  }
}
