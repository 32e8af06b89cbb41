// Channel-control mechanisms (models/channel_control): each is tested for the direction of
// its effect on the scenario that asks about it (scenarios/*.yaml, made smaller), with
// conservation checked every tick.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>

#include "models/channel_control.hpp"
#include "sim/engine/engine.hpp"
#include "sim/io/scenario_loader.hpp"

namespace {

using Metrics = std::map<std::string, double>;

std::string scenario(const std::string& name) { return std::string(CHAN_SOURCE_DIR) + "/scenarios/" + name + ".yaml"; }

struct Run {
  Metrics metrics;
  std::vector<chan::Event> events;
  std::vector<std::uint8_t> active;
  std::vector<double> otherIncome, otherExpense;
  std::vector<chan::MemberKind> kind;
};

Run run(const std::string& name, std::vector<std::string> sets) {
  sets.push_back("check=true");
  const chan::ScenarioSpec spec = chan::io::loadScenario(scenario(name), sets);
  chan::Engine engine(spec);
  engine.run();
  const auto summary = engine.summary();
  const chan::World& w = engine.world();
  return {Metrics(summary.begin(), summary.end()), w.events, w.members.active, w.flows.otherIncome,
          w.flows.otherExpense, w.members.kind};
}

}  // namespace

TEST_CASE("monitoring: more detection leaves fewer violations unseen and triggers the ladder", "[mechanisms]") {
  const std::vector<std::string> small{"consumers.count=6000", "ticks=120"};
  auto weak = small, strong = small;
  weak.insert(weak.end(), {"monitoring.online_detection=0.02", "monitoring.offline_detection=0.01"});
  strong.insert(strong.end(), {"monitoring.online_detection=0.95", "monitoring.offline_detection=0.9"});
  const Run w = run("map_enforcement", weak), s = run("map_enforcement", strong);
  REQUIRE(w.metrics.at("conflict.map_violation_days") > 0);
  CHECK(s.metrics.at("conflict.undetected_violation_days") < w.metrics.at("conflict.undetected_violation_days"));
  CHECK(s.metrics.at("conflict.detection_rate") > w.metrics.at("conflict.detection_rate"));
  // opportunists learn from being caught: fewer violations overall under strong monitoring
  CHECK(s.metrics.at("conflict.map_violation_days") < w.metrics.at("conflict.map_violation_days"));
  // the ladder escalates in order: a warning first, then fines, forfeits, suspensions, exits
  CHECK(s.metrics.at("enforcement.warning") > 0);
  CHECK(s.metrics.at("enforcement.warning") >= s.metrics.at("enforcement.fine"));
  CHECK(s.metrics.at("enforcement.fine") >= s.metrics.at("enforcement.forfeit_deposit"));
  CHECK(s.metrics.at("enforcement.forfeit_deposit") >= s.metrics.at("enforcement.terminate"));
}

TEST_CASE("enforcement: a one-step ladder of termination removes every caught violator", "[mechanisms]") {
  const Run r = run("map_enforcement", {"consumers.count=6000", "ticks=60", "monitoring.online_detection=1",
                                        "monitoring.offline_detection=1", "enforcement.ladder=[terminate]",
                                        "enforcement.fine=0"});
  int terminated = 0;
  for (const chan::Event& e : r.events) {
    if (e.type != chan::Event::Type::PriceUndercut) continue;
    CHECK(e.detected);  // detection is certain
    CHECK(r.active[static_cast<std::size_t>(e.member)] == 0);
    ++terminated;
  }
  CHECK(terminated > 0);
  CHECK(r.metrics.at("enforcement.terminate") == terminated);
}

TEST_CASE("monitoring: an opportunistic outlet that expects no penalty undercuts, a deterred one does not",
          "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=6000", "ticks=60"};
  auto free = base, deterred = base;
  free.insert(free.end(), {"enforcement.fine=0"});
  deterred.insert(deterred.end(), {"enforcement.fine=100000"});
  CHECK(run("map_enforcement", free).metrics.at("conflict.map_violation_days") >
        run("map_enforcement", deterred).metrics.at("conflict.map_violation_days"));
  CHECK(run("map_enforcement", deterred).metrics.at("conflict.map_violation_days") == 0);
}

TEST_CASE("diversion: a price gap above the transport cost pulls goods across the border", "[mechanisms]") {
  // the east distributor sells at 1.25 x 17.92 = 22.40 against 17.92 in the west: a gap of 4.48
  const std::vector<std::string> base{"consumers.count=6000", "ticks=90"};
  auto cheap = base, dear = base;
  cheap.push_back("members[2].diversion.transport_cost=0.6");
  dear.push_back("members[2].diversion.transport_cost=5");  // above the gap: nothing to gain
  const Run c = run("territory_diversion", cheap), d = run("territory_diversion", dear);
  CHECK(c.metrics.at("diversion.units") > 0);
  CHECK(c.metrics.at("conflict.cross_territory_share") > 0);
  CHECK(d.metrics.at("diversion.units") == 0);
  // east stores selling diverted goods price below what their own distributor's price implies
  CHECK(c.metrics.at("diversion.price_erosion") > 0);
}

TEST_CASE("diversion: traceability raises the share of diverted units detected", "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=6000", "ticks=90"};
  auto traced = base;
  traced.push_back("monitoring.traceability=true");
  CHECK(run("territory_diversion", traced).metrics.at("diversion.detected_share") >
        run("territory_diversion", base).metrics.at("diversion.detected_share") + 0.2);
}

TEST_CASE("information sharing: forecasting from consumer sales damps upstream order swings", "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=10000", "ticks=200"};
  auto shared = base;
  shared.push_back("coordination.shared_sales=true");
  const Run off = run("information_sharing", base), on = run("information_sharing", shared);
  CHECK(on.metrics.at("bullwhip.tier1") < off.metrics.at("bullwhip.tier1"));
  CHECK(on.metrics.at("bullwhip.tier2") < off.metrics.at("bullwhip.tier2"));
}

TEST_CASE("risk: reassigning a disrupted distributor's stores saves sales and recovers sooner", "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=15000", "ticks=160"};
  auto none = base;
  none.insert(none.end(), {"risk.response.reassign=false", "risk.response.price_cap=0"});
  const Run with = run("distributor_default", base), without = run("distributor_default", none);
  CHECK(with.metrics.at("risk.events") >= 1);
  CHECK(with.metrics.at("risk.lost_units_in_disruption") < without.metrics.at("risk.lost_units_in_disruption"));
  CHECK(with.metrics.at("risk.recovery_ticks") < without.metrics.at("risk.recovery_ticks"));
}

TEST_CASE("risk: a member whose cash falls below its credit line goes bankrupt", "[mechanisms]") {
  // stores start without cash and a credit line of 0: buying their first stock defaults them
  const Run r = run("distributor_default", {"consumers.count=3000", "ticks=5", "risk.credit_line=0",
                                            "members[2].initial_cash=0", "risk.disruptions=[]"});
  CHECK(r.metrics.at("risk.defaults") > 0);
}

TEST_CASE("mediation: compensation paid by online outlets equals what the stores receive", "[mechanisms]") {
  const Run r = run("estore_launch", {"consumers.count=5000", "ticks=60", "enforcement.enabled=true",
                                      "enforcement.compensation_per_unit=2", "enforcement.ladder=[warning]"});
  double paid = 0, received = 0, cannibalized = 0;
  for (std::size_t m = 0; m < r.kind.size(); ++m) {
    if (chan::isOnline(r.kind[m])) paid += r.otherExpense[m];
    if (r.kind[m] == chan::MemberKind::OfflineStore) received += r.otherIncome[m];
  }
  for (const chan::Event& e : r.events)
    if (e.type == chan::Event::Type::Cannibalization) cannibalized += e.units;
  REQUIRE(cannibalized > 0);
  CHECK(paid == Approx(2 * cannibalized).epsilon(1e-9));
  CHECK(received == Approx(paid).epsilon(1e-9));
}

TEST_CASE("partner policy: loss-making outlets are replaced from the reserve", "[mechanisms]") {
  // high fixed costs make the quietest stores lose money
  const Run r = run("map_enforcement", {"consumers.count=4000", "ticks=90", "monitoring.enabled=false",
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
  const chan::ScenarioSpec spec = chan::io::loadScenario(
      scenario("partner_review"), {"consumers.count=3000", "ticks=60", "partner_policy.terminate_share=0",
                                   "partner_policy.rebate_share=0", "disputes.enabled=false"});
  chan::Engine engine(spec);
  for (int t = 0; t < 29; ++t) engine.step();
  chan::World w = engine.world();
  const int maker = w.groupMembers[0][0], distributor = w.groupMembers[1][0];
  const int a = w.groupMembers[2][0], b = w.groupMembers[2][1];
  const auto ia = static_cast<std::size_t>(a), ib = static_cast<std::size_t>(b);
  REQUIRE(w.discountOf(a) == Approx(0.05));
  chan::MemberFlows mark;
  mark.resize(w.members.size());
  w.flows.revenue[ia] += 1e6;
  w.flows.fixed[ib] += 1e6;
  w.tick = 30;
  chan::models::reviewPartners(w, mark);
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
  chan::models::reviewPartners(w, mark);
  CHECK(w.members.supplier[ia] == distributor);
  CHECK(w.members.tier[ia] == 2);
  CHECK(std::count(w.byTier[2].begin(), w.byTier[2].end(), a) == 1);
  CHECK(w.discountOf(a) == Approx(0.05));
}

TEST_CASE("partner policy: term adjustment and re-tiering keep goods and money conserved", "[mechanisms]") {
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

TEST_CASE("disputes: a wholesale price rise squeezes resellers' margins into more vertical disputes", "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=5000", "ticks=90", "partner_policy.enabled=false",
                                      "disputes.resolution=none"};
  auto squeezed = base;
  squeezed.push_back("members[0].pricing.price=19");
  const Run calm = run("partner_review", base), squeeze = run("partner_review", squeezed);
  CHECK(squeeze.metrics.at("disputes.raised") > calm.metrics.at("disputes.raised"));
  CHECK(squeeze.metrics.at("disputes.mean_shortfall") > 0);
  CHECK(squeeze.metrics.at("conflict.events.vertical_dispute") == squeeze.metrics.at("disputes.raised"));
  // shortfall = floor - margin: positive, and at most the floor 0.25 since every reseller still
  // sells above its buying price (retail 30 against at most 26.6)
  for (const chan::Event& e : squeeze.events)
    if (e.type == chan::Event::Type::VerticalDispute) CHECK((e.severity > 0 && e.severity <= 0.25));
}

TEST_CASE("disputes: conceding the discount that restores the margin floor settles later disputes", "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=5000", "ticks=90", "partner_policy.enabled=false",
                                      "members[0].pricing.price=19"};
  auto none = base, concede = base, mediate = base;
  none.push_back("disputes.resolution=none");
  concede.push_back("disputes.resolution=concession");
  mediate.push_back("disputes.resolution=mediation");
  const Run n = run("partner_review", none), c = run("partner_review", concede), m = run("partner_review", mediate);
  CHECK(c.metrics.at("disputes.concessions") > 0);
  CHECK(c.metrics.at("disputes.raised") < n.metrics.at("disputes.raised") / 2);
  CHECK(c.metrics.at("partners.mean_discount") > n.metrics.at("partners.mean_discount"));
  // mediation pays compensation but leaves the terms, so the disputes go on
  CHECK(m.metrics.at("disputes.compensation") > 0);
  CHECK(m.metrics.at("disputes.raised") == n.metrics.at("disputes.raised"));
}
