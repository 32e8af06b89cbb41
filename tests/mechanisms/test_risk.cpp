// Risk (mechanisms/risk.cpp): the decisions it changes are who ships (disruptions), who stays
// in the channel (defaults, licence audits), which supplier a buyer has (the reassign response)
// and what outlets may charge during a disruption (price_cap), and what upstream members
// forecast from (data breaches). Tested by hand on a small chain with one disrupted
// distributor, on distributor_default and data_breach made smaller (directions), all with
// conservation checked every tick, and the loader's reading and writing of the section.
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/engine/engine.hpp"
#include "sim/io/scenario_loader.hpp"
#include "tests/support/scenario_runs.hpp"

using chan::testing::groupSum;
using chan::testing::parseSmall;
using chan::testing::readsBack;
using chan::testing::run;
using chan::testing::Run;

namespace {

/// A maker (member 0), two distributors (1, 2) and two shops (3, 4) at a fixed 15; shop k buys
/// from distributor k (round robin). Distributor 1 is disrupted on ticks 2, 3 and 4.
chan::ScenarioSpec disruptedChain(const std::string& response) {
  const std::string doc =
      "name: t\nticks: 6\ncheck: true\nbrands:\n  - {name: acme, unit_cost: 5}\nmembers:\n"
      "  - {group: maker, kind: manufacturer, pricing: {rule: fixed, price: 8}}\n"
      "  - {group: dist, kind: distributor, count: 2, supplier: maker, pricing: {rule: fixed, price: 10},\n"
      "     replenishment: {rule: order_up_to, initial_stock: 10000}}\n"
      "  - {group: shop, kind: offline_store, count: 2, supplier: dist, supplier_rule: round_robin,\n"
      "     terms: {lead_time: 0}, pricing: {rule: fixed, price: 15}, replenishment: {rule: order_up_to}}\n"
      "risk:\n  disruptions: [{group: dist, member: 0, start: 2, duration: 3}]\n  response: " +
      response + "\nconsumers:\n  count: 200\n  segments: [{name: s, valuation: {dist: constant, value: 100}, noise: 0}]\n";
  return chan::io::parseScenario(YAML::Load(doc), "t.yaml");
}

}  // namespace

TEST_CASE("risk: a disruption stops its member for its ticks, and reassignment moves its buyers at emergency cost",
          "[mechanisms]") {
  const chan::ScenarioSpec spec = disruptedChain("{reassign: true, emergency_cost: 1.5, price_cap: 12}");
  chan::Engine engine(spec);
  const chan::World& w = engine.world();
  REQUIRE(w.members.supplier[3] == 1);
  double boughtBefore = 0;
  for (int tick = 1; tick <= 6; ++tick) {
    engine.step();
    INFO("tick " << tick);
    const bool disrupted = tick >= 2 && tick <= 4;
    CHECK(w.members.disrupted[1] == (disrupted ? 1 : 0));
    CHECK(w.members.disrupted[2] == 0);
    // while a member is disrupted every outlet's price is capped at 12 (its rule says 15)
    CHECK(w.members.price[3] == (disrupted ? 12 : 15));
    CHECK(w.members.price[4] == (disrupted ? 12 : 15));
    if (tick == 1) boughtBefore = w.flows.unitsBought[3];
  }
  // shop 3 moved to distributor 2 on day 2 and pays 1.5 on every unit shipped to it since
  CHECK(w.members.supplier[3] == 2);
  REQUIRE(w.flows.unitsBought[3] > boughtBefore);
  CHECK(w.flows.otherExpense[3] == Approx(1.5 * (w.flows.unitsBought[3] - boughtBefore)));
  CHECK(w.flows.otherExpense[4] == 0);  // the other shop kept its contract
  int events = 0;
  for (const chan::Event& e : w.events) {
    if (e.type != chan::Event::Type::Disruption) continue;
    ++events;
    CHECK(e.tick == 2);
    CHECK(e.member == 1);
    CHECK(e.severity == 3);
    CHECK(e.action == "reassign");
  }
  CHECK(events == 1);
}

TEST_CASE("risk: without a response the disrupted distributor's shop keeps its contract and gets nothing",
          "[mechanisms]") {
  const chan::ScenarioSpec spec = disruptedChain("{reassign: false}");
  chan::Engine engine(spec);
  const chan::World& w = engine.world();
  double bought = 0;
  for (int tick = 1; tick <= 6; ++tick) {
    engine.step();
    if (tick == 1) bought = w.flows.unitsBought[3];
    // nothing reaches shop 3 while its distributor is disrupted
    if (tick >= 2 && tick <= 4) CHECK(w.flows.unitsBought[3] == bought);
    CHECK(w.members.price[3] == 15);  // no price cap
  }
  CHECK(w.members.supplier[3] == 1);
  CHECK(w.flows.otherExpense[3] == 0);
}

TEST_CASE("risk: reassigning a disrupted distributor's stores saves sales and recovers sooner", "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=15000", "ticks=160"};
  auto none = base;
  none.insert(none.end(), {"risk.response.reassign=false", "risk.response.price_cap=0"});
  const Run with = run("distributor_default", base), without = run("distributor_default", none);
  CHECK(with.metrics.at("risk.events") >= 1);
  CHECK(with.metrics.at("risk.lost_units_in_disruption") < without.metrics.at("risk.lost_units_in_disruption"));
  // recovery_ticks is -1 when sales never came back within the run: later than any recovery
  auto recovery = [](const Run& r) {
    const double t = r.metrics.at("risk.recovery_ticks");
    return t < 0 ? std::numeric_limits<double>::infinity() : t;
  };
  CHECK(with.metrics.at("risk.recovery_ticks") >= 0);
  CHECK(recovery(with) < recovery(without));
}

TEST_CASE("risk: a member whose cash falls below its credit line goes bankrupt", "[mechanisms]") {
  // stores start without cash and a credit line of 0: buying their first stock defaults them
  const Run r = run("distributor_default", {"consumers.count=3000", "ticks=5", "risk.credit_line=0",
                                            "members[2].initial_cash=0", "risk.disruptions=[]"});
  CHECK(r.metrics.at("risk.defaults") > 0);
}

TEST_CASE("data breaches: a compromised sales feed brings the bullwhip back, and each incident costs", "[mechanisms]") {
  const std::vector<std::string> small{"consumers.count=10000", "ticks=150"};
  auto secure = small, leaky = small;
  secure.push_back("risk.breach_probability=0");
  leaky.push_back("risk.breach_probability=0.01");
  const Run s = run("data_breach", secure), l = run("data_breach", leaky);  // conservation checked
  const double breaches = l.metrics.at("risk.data_breaches");
  REQUIRE(breaches > 0);
  CHECK(s.metrics.at("risk.data_breaches") == 0);
  CHECK(l.metrics.at("risk.events") == breaches);  // nothing else goes wrong in this chain
  CHECK(l.metrics.at("bullwhip.tier1") > s.metrics.at("bullwhip.tier1"));
  CHECK(l.metrics.at("bullwhip.tier2") > s.metrics.at("bullwhip.tier2"));
  // the stores (group 3, after maker, national and regionals) pay 500 per incident, and only
  // the stores are breached
  CHECK(groupSum(l, l.otherExpense, 3) == Approx(500 * breaches).epsilon(1e-12));
  for (const chan::Event& e : l.events)
    if (e.type == chan::Event::Type::DataBreach) CHECK(l.kind[static_cast<std::size_t>(e.member)] == chan::MemberKind::OfflineStore);
}

TEST_CASE("risk: the section is read strictly and written back in the blocks that are on", "[loader]") {
  // the extra text starts on line 10
  const YAML::Node breach = chan::io::toYaml(parseSmall("risk: {breach_probability: 0.01}"))["risk"];
  CHECK(breach["breach_probability"].as<double>() == 0.01);
  CHECK(breach["breach_days"].as<int>() == 14);  // the default
  CHECK_FALSE(breach["credit_line"]);            // the defaults block is off
  const YAML::Node credit = chan::io::toYaml(parseSmall("risk: {credit_line: 50}"))["risk"];
  CHECK(credit["credit_line"].as<double>() == 50);
  CHECK_FALSE(credit["response"]["reassign"].as<bool>());
  CHECK_FALSE(credit["breach_probability"]);
  CHECK_FALSE(chan::io::toYaml(parseSmall("risk: {}"))["risk"]);
  CHECK(readsBack(parseSmall("risk:\n  credit_line: 0\n  disruptions: [{group: shop, start: 3, duration: 2}]\n"
                             "  response: {reassign: true, emergency_cost: 2, price_cap: 9}\n  breach_probability: 0.1\n")));
  REQUIRE_THROWS_WITH(parseSmall("risk: {disruptions: [{group: shop, member: 1, start: 2, duration: 3}]}"),
                      Catch::Contains("t.yaml:10:44:") && Catch::Contains("member: beyond the group's count"));
  REQUIRE_THROWS_WITH(parseSmall("risk: {disruptions: [{group: shops, start: 2, duration: 3}]}"),
                      Catch::Contains("unknown member group 'shops' (did you mean 'shop'?)"));
  REQUIRE_THROWS_WITH(parseSmall("risk: {disruptions: [{group: shop, duration: 3}]}"), Catch::Contains("start"));
  REQUIRE_THROWS_WITH(parseSmall("risk: {breach_probability: 2}"),
                      Catch::Contains("risk.breach_probability: must be between 0 and 1"));
  REQUIRE_THROWS_WITH(parseSmall("risk: {response: {reasign: true}}"), Catch::Contains("did you mean 'reassign'"));
}
