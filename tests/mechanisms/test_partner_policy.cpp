// Partner policy (mechanisms/partner_policy.cpp): the decisions it changes are who stays in the
// channel, the contract discounts and who supplies whom; tested on a copy of a running world
// whose profits are set by hand (expected discounts from the scenario's terms and step), on
// the shipped scenarios made smaller (conservation checked every tick), and the loader's checks.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/io/scenario_loader.hpp"
#include "tests/support/scenario_runs.hpp"

using chan::testing::parseSmall;
using chan::testing::run;
using chan::testing::Run;

namespace {

/// The partner policy's state for a run of `w` (as the engine makes it).
std::unique_ptr<chan::Mechanism> partnerPolicy(const chan::ScenarioSpec& spec, const chan::World& w) {
  const auto& registry = chan::mechanismRegistry();
  for (std::size_t i = 0; i < registry.size(); ++i)
    if (registry[i].name == "partner_policy") return registry[i].create(chan::sectionOf(spec, i), w);
  FAIL("partner_policy is not registered");
  return nullptr;
}

}  // namespace

TEST_CASE("partner policy: loss-making outlets are replaced from the reserve", "[mechanisms]") {
  // high fixed costs make the quietest stores lose money
  const Run r =
      run("map_enforcement", {"consumers.count=4000", "ticks=90", "monitoring.enabled=false",
                              "members[2].fixed_cost=60", "members[2].reserve=4", "partner_policy.enabled=true",
                              "partner_policy.review_period=30", "partner_policy.terminate_share=0.2"});
  CHECK(r.metrics.at("partners.terminated") > 0);
  CHECK(r.metrics.at("partners.recruited") > 0);
  CHECK(r.metrics.at("partners.recruited") <= 4);
}

TEST_CASE(
    "partner policy: the best performer gets a deeper discount and a direct line, the worst a shallower discount and a "
    "demotion",
    "[mechanisms]") {
  // a review on a copy of a running world whose profits are set by hand: outlet a far ahead of
  // every other reseller, outlet b far behind, then a far behind
  const chan::ScenarioSpec spec =
      chan::io::loadScenario(chan::testing::scenarioPath("partner_review"),
                             {"consumers.count=3000", "ticks=60", "partner_policy.terminate_share=0",
                              "partner_policy.rebate_share=0", "disputes.enabled=false"});
  chan::Engine engine(spec);
  for (int t = 0; t < 29; ++t) engine.step();
  chan::World w = engine.world();
  const int maker = w.groupMembers[0][0], distributor = w.groupMembers[1][0];
  const int a = w.groupMembers[2][0], b = w.groupMembers[2][1];
  const auto ia = static_cast<std::size_t>(a), ib = static_cast<std::size_t>(b);
  REQUIRE(w.discountOf(a) == Approx(0.05));
  const std::unique_ptr<chan::Mechanism> policy = partnerPolicy(spec, w);  // marks the flows at 0
  w.flows.revenue[ia] += 1e6;
  w.flows.fixed[ib] += 1e6;
  w.tick = 30;
  policy->review(w);
  CHECK(w.discountOf(a) == Approx(0.07));  // raised by term_step
  CHECK(w.discountOf(b) == Approx(0.03));  // cut by term_step
  CHECK(w.members.supplier[ia] == maker);  // promoted: buys from the manufacturer
  CHECK(w.members.tier[ia] == 1);
  CHECK(std::count(w.byTier[1].begin(), w.byTier[1].end(), a) == 1);
  CHECK(std::count(w.byTier[2].begin(), w.byTier[2].end(), a) == 0);
  CHECK(w.members.supplier[ib] == distributor);
  std::map<std::string, int> actions;
  for (const chan::Event& e : w.events)
    if (e.tick == 30 && (e.type == chan::Event::Type::TermAdjustment || e.type == chan::Event::Type::Retier) &&
        (e.member == a || e.member == b))
      actions[e.action + (e.member == a ? " a" : " b")] += 1;
  CHECK(actions == std::map<std::string, int>{{"raise_discount a", 1}, {"promote a", 1}, {"cut_discount b", 1}});
  // next period a falls to the bottom: it loses the direct line and part of its discount
  w.flows.fixed[ia] += 1e8;
  w.tick = 60;
  policy->review(w);
  CHECK(w.members.supplier[ia] == distributor);
  CHECK(w.members.tier[ia] == 2);
  CHECK(std::count(w.byTier[2].begin(), w.byTier[2].end(), a) == 1);
  CHECK(w.discountOf(a) == Approx(0.05));
}

TEST_CASE("partner policy: term adjustment and re-tiering keep goods and money conserved on the shipped scenario",
          "[mechanisms]") {
  const Run r = run("partner_review", {"consumers.count=5000", "ticks=120", "disputes.enabled=false"});
  CHECK(r.metrics.at("partners.discount_raised") > 0);
  CHECK(r.metrics.at("partners.discount_cut") > 0);
  CHECK(r.metrics.at("partners.promoted") > 0);
  // without term adjustment the discounts stay where the scenario set them
  const Run fixed = run("partner_review", {"consumers.count=5000", "ticks=120", "disputes.enabled=false",
                                           "partner_policy.term_share=0", "partner_policy.retier_share=0"});
  CHECK(fixed.metrics.at("partners.discount_raised") + fixed.metrics.at("partners.discount_cut") == 0);
  CHECK(fixed.metrics.at("partners.promoted") == 0);
}

TEST_CASE("partner policy: the section is read strictly and written back only when on", "[loader]") {
  auto with = [](const std::string& section) { return parseSmall(section); };  // the section is line 10
  REQUIRE_THROWS_WITH(with("partner_policy: {kpi: proft}"),
                      "t.yaml:10:23: partner_policy.kpi: unknown value 'proft' (did you mean 'profit'?)");
  // top and bottom shares must not overlap
  REQUIRE_THROWS_WITH(with("partner_policy: {term_share: 0.6}"),
                      "t.yaml:10:30: partner_policy.term_share: must be between 0 and 0.5, got 0.6");
  REQUIRE_THROWS_WITH(with("partner_policy: {retier_share: -0.1}"),
                      "t.yaml:10:32: partner_policy.retier_share: must be between 0 and 0.5, got -0.1");
  REQUIRE_THROWS_WITH(with("partner_policy: {min_discount: 0.3, max_discount: 0.2}"),
                      "t.yaml:10:32: partner_policy.min_discount: must not exceed max_discount");
  REQUIRE_THROWS_WITH(with("partner_policy: {term_stp: 0.02}"),
                      "t.yaml:10:18: partner_policy.term_stp: unknown key 'term_stp' (did you mean 'term_step'?)");
  // defaults: everything new is off
  const YAML::Node on = chan::io::toYaml(with("partner_policy: {}"))["partner_policy"];
  REQUIRE(on.IsMap());
  CHECK(on["kpi"].as<std::string>() == "profit");
  CHECK(on["term_share"].as<double>() == 0);
  CHECK(on["retier_share"].as<double>() == 0);
  CHECK(on["review_period"].as<int>() == 30);
  CHECK_FALSE(on["enabled"]);  // the section's presence says it
  CHECK_FALSE(chan::io::toYaml(with(""))["partner_policy"]);
  CHECK_FALSE(chan::io::toYaml(with("partner_policy: {enabled: false}"))["partner_policy"]);
}

TEST_CASE("partner policy: terms act through prices when resellers price from their costs", "[mechanisms]") {
  // partner_review's stores and marketplace sellers made cost-plus (markups 0.61 and 0.7): the
  // deeper discounts and the direct line the policy gives its best performers lower what they
  // pay, so they lower their prices, and volume moves to them
  auto outcome = [](bool terms) {
    std::vector<std::string> sets = {"consumers.count=5000", "ticks=120", "disputes.enabled=false", "check=true",
                                     "members[2].pricing.rule=cost_plus", "members[2].pricing.markup=0.61",
                                     "members[3].pricing.rule=cost_plus", "members[3].pricing.markup=0.7"};
    if (!terms) sets.insert(sets.end(), {"partner_policy.term_share=0", "partner_policy.retier_share=0"});
    const chan::ScenarioSpec spec = chan::io::loadScenario(chan::testing::scenarioPath("partner_review"), sets);
    chan::Engine engine(spec);
    engine.run();
    const chan::World& w = engine.world();
    struct {
      double lowestSellerPrice = 1e300, sellerUnits = 0, storeUnits = 0;
    } o;
    for (int m : w.groupMembers[3]) {  // marketplace sellers
      const auto i = static_cast<std::size_t>(m);
      if (w.members.active[i]) o.lowestSellerPrice = std::min(o.lowestSellerPrice, w.members.price[i]);
      o.sellerUnits += w.flows.unitsSold[i];
    }
    for (int m : w.groupMembers[2]) o.storeUnits += w.flows.unitsSold[static_cast<std::size_t>(m)];
    return o;
  };
  const auto fixedTerms = outcome(false), policy = outcome(true);
  // fixed terms: the distributor's 14 x 1.4 = 19.6, less the sellers' 10% discount, plus 70%
  CHECK(fixedTerms.lowestSellerPrice == Approx(19.6 * 0.9 * 1.7));
  CHECK(policy.lowestSellerPrice < fixedTerms.lowestSellerPrice - 1);
  CHECK(policy.sellerUnits > fixedTerms.sellerUnits);
  CHECK(policy.storeUnits < fixedTerms.storeUnits);
}
