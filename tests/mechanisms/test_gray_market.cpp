// Gray market (mechanisms/gray_market.cpp): the decisions it changes are whether any member sells
// to an unauthorised reseller and which one (the authorised retail price less the seller's price
// against transport plus the expected penalty per unit), and the landed unit cost the reseller
// prices from; the quantities it adds are transport on every unit it buys, gray_market events and
// the gray.* metrics; the reseller has no contract (no fixed fee). Tested by hand calculations on
// two distributors (west at 10, east at 12), an authorised store at 20 and a gray marketplace,
// with conservation checked every tick, and the loader's reading and writing of the key.
#include <map>
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "mechanisms/mechanism.hpp"
#include "sim/engine/engine.hpp"
#include "sim/io/scenario_loader.hpp"

namespace {

/// Maker at 8; distributors `regional` west (member 1, price 10) and east (member 2, 10 x 1.2 =
/// 12); an authorised store in the east (member 3) at 20 and an unauthorised marketplace seller
/// in the east (member 4) at 15 with transport 1 per unit; both pay a fixed fee of 5 a tick on
/// their terms. Monitoring traces a shipment with 0.1 and the fine is `fine`: a seller expects
/// 0.1 x fine per shipment. 100 consumers who buy one unit a tick.
std::string channel(double fine) {
  return "name: t\nticks: 10\ncheck: true\nbrands:\n  - {name: acme, unit_cost: 5}\n"
         "territories:\n  - {name: west, rect: [0, 0, 50, 50]}\n  - {name: east, rect: [50, 0, 100, 50]}\n"
         "members:\n"
         "  - {group: maker, kind: manufacturer, pricing: {rule: fixed, price: 8}}\n"
         "  - {group: regional, kind: distributor, count: 2, supplier: maker, territories: [west, east],\n"
         "     pricing: {rule: fixed, price: 10}, price_factors: [1.0, 1.2],\n"
         "     replenishment: {rule: order_up_to, initial_stock: 100000}}\n"
         "  - {group: store, kind: offline_store, supplier: regional, territories: [east],\n"
         "     terms: {lead_time: 0, fixed_fee: 5}, pricing: {rule: fixed, price: 20},\n"
         "     replenishment: {rule: order_up_to, initial_stock: 50}}\n"
         "  - {group: gray, kind: marketplace, supplier: regional, territories: [east], reach: 1,\n"
         "     terms: {lead_time: 0, fixed_fee: 5}, diversion: {enabled: true, transport_cost: 1, unauthorised: "
         "true},\n"
         "     pricing: {rule: fixed, price: 15}, replenishment: {rule: order_up_to, initial_stock: 50}}\n"
         "monitoring: {diversion_detection: 0.1}\n"
         "enforcement: {ladder: [fine], fine: " +
         std::to_string(fine) +
         "}\n"
         "consumers:\n  count: 100\n  segments: [{name: s, valuation: {dist: constant, value: 100}, noise: 0}]\n";
}

chan::ScenarioSpec parse(const std::string& yaml) { return chan::io::parseScenario(YAML::Load(yaml), "t.yaml"); }

/// The gray market mechanism's state for a run of `w` (as the engine makes it).
std::unique_ptr<chan::Mechanism> grayMarket(const chan::ScenarioSpec& spec, const chan::World& w) {
  const auto& registry = chan::mechanismRegistry();
  for (std::size_t i = 0; i < registry.size(); ++i)
    if (registry[i].name == "gray_market") return registry[i].create(chan::sectionOf(spec, i), w);
  FAIL("gray_market is not registered");
  return nullptr;
}

}  // namespace

TEST_CASE(
    "gray market: a member sells to the reseller only when the price gap covers transport and the expected "
    "penalty",
    "[mechanisms]") {
  const chan::ScenarioSpec spec = parse(channel(100));
  const chan::Engine engine(spec);  // its start marked the reseller
  const chan::World& w = engine.world();
  REQUIRE(w.members.price[1] == Approx(10.0));
  REQUIRE(w.members.price[2] == Approx(12.0));
  REQUIRE(w.members.supplier[4] == 2);  // assigned to its own territory's distributor
  CHECK(w.members.authorised[3] == 1);
  CHECK(w.members.authorised[4] == 0);
  const auto mechanism = grayMarket(spec, w);
  // authorised retail price: the store's 20; expected penalty 0.1 x 100 = 10 per shipment
  auto source = [&](const chan::World& world, const chan::Mechanism& m, double units) {
    int s = world.members.supplier[4];
    m.chooseSource(world, 4, units, s);
    return s;
  };
  // 10 units: hurdle 1 + 10 / 10 = 2; gaps 20 - 10 = 10 and 20 - 12 = 8 both clear it; landed
  // 10 + 1 = 11 < 12 + 1 = 13: the west distributor, not its assigned supplier
  CHECK(source(w, *mechanism, 10.0) == 1);
  // 1 unit: hurdle 1 + 10 = 11 above both gaps: nobody sells
  CHECK(source(w, *mechanism, 1.0) == -1);
  // 1.25 units: hurdle 1 + 8 = 9: only the west distributor's gap (10) clears it
  CHECK(source(w, *mechanism, 1.25) == 1);
  // it prices from the cheapest landed cost, 10 x (1 - 0) + 1, whether or not anyone sells today
  double cost = 12.0;
  mechanism->unitCost(w, 4, cost);
  CHECK(cost == Approx(11.0).epsilon(1e-12));
  // an authorised outlet is not its business
  int storeSource = 2;
  mechanism->chooseSource(w, 3, 10.0, storeSource);
  CHECK(storeSource == 2);
  double storeCost = 12.0;
  mechanism->unitCost(w, 3, storeCost);
  CHECK(storeCost == 12.0);

  // a fine of 1,000: penalty 100 per shipment, hurdle 1 + 100 / 10 = 11 > 10 at 10 units: nobody
  const chan::ScenarioSpec risky = parse(channel(1000));
  const chan::Engine riskyEngine(risky);
  CHECK(source(riskyEngine.world(), *grayMarket(risky, riskyEngine.world()), 10.0) == -1);
}

TEST_CASE("gray market: the reseller pays transport on every unit, no fixed fee, and every sale to it is an event",
          "[mechanisms]") {
  const chan::ScenarioSpec spec = parse(channel(100));
  chan::Engine engine(spec);
  engine.run();  // conservation checked every tick
  const chan::World& w = engine.world();
  const double bought = w.flows.unitsBought[4];
  INFO("reseller sold " << w.flows.unitsSold[4] << ", bought " << bought);
  REQUIRE(bought > 0);
  // transport 1 per unit bought is its only other expense; no contract, so no fixed fee, while
  // the store pays 5 on each of the 10 ticks
  CHECK(w.flows.otherExpense[4] == Approx(1.0 * bought).epsilon(1e-12));
  CHECK(w.flows.feeExpense[4] == 0.0);
  CHECK(w.flows.feeExpense[3] == Approx(50.0).epsilon(1e-12));
  double eventUnits = 0;
  for (const chan::Event& e : w.events) {
    if (e.type != chan::Event::Type::GrayMarket) continue;
    eventUnits += e.units;
    CHECK(e.member == 1);  // the west distributor: the larger gap and the lower landed cost
    CHECK(e.counterparty == 4);
  }
  CHECK(eventUnits == Approx(bought).epsilon(1e-12));
  const chan::Summary summary = engine.summary();
  const std::map<std::string, double> s(summary.begin(), summary.end());
  CHECK(s.at("gray.units") == Approx(bought).epsilon(1e-12));
  const double gray = w.flows.unitsSold[4], store = w.flows.unitsSold[3];
  CHECK(s.at("gray.consumer_units") == Approx(gray).epsilon(1e-12));
  CHECK(s.at("gray.share") == Approx(gray / (gray + store)).epsilon(1e-12));
  CHECK(s.at("gray.authorised_units") == Approx(store).epsilon(1e-12));
  if (store > 0) CHECK(s.at("gray.authorised_mean_price") == Approx(20.0).epsilon(1e-12));
}

TEST_CASE("gray market: unauthorised is read in the diversion mapping, checked, and written back in its place",
          "[loader]") {
  // the document of tests/io/test_scenario_loader.cpp with a gray group on line 8
  auto doc = [](const std::string& gray) {
    return "name: t\nticks: 10\nbrands:\n  - {name: acme, unit_cost: 10}\nmembers:\n"
           "  - {group: maker, kind: manufacturer}\n  - {group: shop, kind: offline_store, supplier: maker}\n" +
           gray + "\nconsumers:\n  count: 100\n";
  };
  const chan::ScenarioSpec spec =
      parse(doc("  - {group: gray, kind: marketplace, supplier: maker, diversion: {unauthorised: true}}"));
  CHECK(chan::Engine(spec).world().members.authorised[2] == 0);
  REQUIRE_THROWS_WITH(
      parse(doc("  - {group: gray, kind: marketplace, supplier: shop, diversion: {unauthorised: true}}")),
      "t.yaml:8:48: members[2].supplier: group 'shop' is an outlet and cannot supply others");
  // the error is at the `diversion` mapping (column 66), as before the key moved here
  REQUIRE_THROWS_WITH(
      parse(doc(
          "  - {group: gray, kind: marketplace, supplier: maker, diversion: {enabled: false, unauthorised: true}}")),
      "t.yaml:8:66: members[2].diversion: an unauthorised reseller buys off-contract: enabled must be true");
  REQUIRE_THROWS_WITH(parse(doc("  - {group: gray, kind: marketplace, supplier: maker, diversion: {unauthorised: 2}}")),
                      Catch::Contains("members[2].diversion.unauthorised"));

  // written after transport_cost, and only when true
  const YAML::Node resolved = chan::io::toYaml(spec);
  const YAML::Node diversion = resolved["members"][2]["diversion"];
  std::string keys;
  for (const auto& kv : diversion) keys += kv.first.as<std::string>() + " ";
  CHECK(keys == "enabled transport_cost unauthorised ");
  CHECK(diversion["unauthorised"].as<bool>());
  // read back, the resolved document is the same
  CHECK(YAML::Dump(chan::io::toYaml(chan::io::parseScenario(resolved, "resolved.yaml"))) == YAML::Dump(resolved));
  const YAML::Node authorised = chan::io::toYaml(parse(
      doc("  - {group: gray, kind: marketplace, supplier: maker, diversion: {transport_cost: 2}}")))["members"][2];
  CHECK(authorised["diversion"]["transport_cost"].as<double>() == 2);
  CHECK_FALSE(authorised["diversion"]["unauthorised"]);
}
