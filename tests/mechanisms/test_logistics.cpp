// Logistics (mechanisms/logistics.cpp): the decision it changes is when a shipment arrives (a
// carrier's delay on top of the contract's lead time); the quantities it adds are the fee the
// buyer pays its provider and the logistics.* metrics. Tested by hand calculations on a maker
// shipping to one store through one provider (conservation checked every tick), and the
// loader's reading and writing of the provider's keys.
#include <map>
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "mechanisms/mechanism.hpp"
#include "sim/engine/engine.hpp"
#include "sim/io/scenario_loader.hpp"

namespace {

/// Provider `truck` (member 0: lead time 2, late with `delay` by 3 ticks, fee 0.5 per unit),
/// maker at 8 (member 1), one store (member 2) whose goods the truck carries, 100 consumers
/// who buy one unit a tick; in-house carriage (`coordination`) late with 1 by 4 ticks.
std::string channel(double delay) {
  return "name: t\nticks: 10\ncheck: true\nbrands:\n  - {name: acme, unit_cost: 5}\n"
         "members:\n"
         "  - {group: truck, kind: logistics, logistics: {lead_time: 2, delay_probability: " +
         std::to_string(delay) +
         ", delay_ticks: 3, fee_per_unit: 0.5}}\n"
         "  - {group: maker, kind: manufacturer, pricing: {rule: fixed, price: 8}}\n"
         "  - {group: store, kind: offline_store, supplier: maker, terms: {logistics: truck},\n"
         "     pricing: {rule: fixed, price: 20}, replenishment: {rule: order_up_to, initial_stock: 200}}\n"
         "coordination: {delay_probability: 1, delay_ticks: 4}\n"
         "consumers:\n  count: 100\n  segments: [{name: s, valuation: {dist: constant, value: 100}, noise: 0}]\n";
}

chan::ScenarioSpec parse(const std::string& yaml) { return chan::io::parseScenario(YAML::Load(yaml), "t.yaml"); }

/// The logistics mechanism's state for a run of `w` (as the engine makes it).
std::unique_ptr<chan::Mechanism> logistics(const chan::ScenarioSpec& spec, const chan::World& w) {
  const auto& registry = chan::mechanismRegistry();
  for (std::size_t i = 0; i < registry.size(); ++i)
    if (registry[i].name == "logistics") return registry[i].create(chan::sectionOf(spec, i), w);
  FAIL("logistics is not registered");
  return nullptr;
}

}  // namespace

TEST_CASE("logistics: a late shipment arrives the carrier's delay after the lead time and the buyer pays its fee",
          "[mechanisms]") {
  for (const double p : {0.0, 1.0}) {
    const chan::ScenarioSpec spec = parse(channel(p));
    chan::Engine engine(spec);
    chan::World& w = const_cast<chan::World&>(engine.world());  // the hook posts the fee
    REQUIRE(w.members.carrier[2] == 0);
    const auto mechanism = logistics(spec, w);
    const chan::SupplyTerms terms = w.termsFor(1, 2);
    REQUIRE(terms.leadTime == 2);  // the provider's lead time is the link's
    const double incomeBefore = w.flows.otherIncome[0];
    int delay = 0;
    mechanism->carry(w, 1, 2, 10.0, terms, delay);
    // late for sure (p = 1): 3 ticks more; never late (p = 0): none. Either way 10 x 0.5 = 5 paid
    CHECK(delay == (p == 1.0 ? 3 : 0));
    CHECK(w.flows.otherIncome[0] - incomeBefore == Approx(5.0).epsilon(1e-12));
    CHECK(w.flows.otherExpense[2] == Approx(5.0).epsilon(1e-12));
  }
  // without a provider the in-house carriage of `coordination` applies: late by 4, no fee
  const chan::ScenarioSpec spec = parse(channel(1.0));
  chan::Engine engine(spec);
  chan::World& w = const_cast<chan::World&>(engine.world());
  w.members.carrier[2] = -1;
  int delay = 0;
  logistics(spec, w)->carry(w, 1, 2, 10.0, w.termsFor(1, 2), delay);
  CHECK(delay == 4);
  CHECK(w.flows.otherExpense[2] == 0.0);
}

TEST_CASE("logistics: every unit the store buys travels with its provider, late and paid for", "[mechanisms]") {
  const chan::ScenarioSpec spec = parse(channel(1.0));
  chan::Engine engine(spec);
  engine.run();  // conservation checked every tick
  const chan::World& w = engine.world();
  const double bought = w.flows.unitsBought[2];
  REQUIRE(bought > 0);
  // every shipment late: lead 2 + 3 = 5 ticks for every unit shipped
  CHECK(w.flows.leadUnitDays[1] == Approx(5.0 * bought).epsilon(1e-12));
  CHECK(w.flows.unitsLate[1] == Approx(bought).epsilon(1e-12));
  const chan::Summary summary = engine.summary();
  const std::map<std::string, double> s(summary.begin(), summary.end());
  REQUIRE(s.at("logistics.shipments") > 0);
  CHECK(s.at("logistics.on_time_share") == 0.0);
  CHECK(s.at("logistics.truck.shipments") == s.at("logistics.shipments"));
  CHECK(s.at("logistics.truck.units") == Approx(bought).epsilon(1e-12));
  CHECK(s.at("logistics.truck.fees") == Approx(0.5 * bought).epsilon(1e-12));
  CHECK(s.at("logistics.fees") == Approx(0.5 * bought).epsilon(1e-12));
  CHECK(w.flows.otherExpense[2] == Approx(0.5 * bought).epsilon(1e-12));
}

TEST_CASE("logistics: the provider's keys are written back and read again alike", "[loader]") {
  const YAML::Node resolved = chan::io::toYaml(parse(channel(0.25)));
  const YAML::Node truck = resolved["members"][0]["logistics"];
  CHECK(truck["lead_time"].as<int>() == 2);
  CHECK(truck["delay_probability"].as<double>() == 0.25);
  CHECK(truck["delay_ticks"].as<int>() == 3);
  CHECK(truck["fee_per_unit"].as<double>() == 0.5);
  CHECK(resolved["members"][2]["terms"]["logistics"].as<std::string>() == "truck");
  CHECK(YAML::Dump(chan::io::toYaml(chan::io::parseScenario(resolved, "resolved.yaml"))) == YAML::Dump(resolved));
  REQUIRE_THROWS_WITH(parse(channel(1.5)), Catch::Contains("members[0].logistics.delay_probability"));
}
