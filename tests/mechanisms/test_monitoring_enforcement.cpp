// Monitoring and enforcement (mechanisms/monitoring_enforcement.cpp): the decisions it changes
// are a violator's supply (suspension) and place in the channel (termination), what
// opportunistic pricing and gray-market sellers expect a violation to cost (World::policing), and
// (mediation) the money online outlets pay the stores they take sales from.
// Tested by hand calculations on two shops that price below MAP every day, on map_enforcement
// territory_diversion and gray_market made smaller (directions), on estore_launch (mediation), all with conservation checked every tick,
// and the loader's reading and writing of the two sections.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/channel_control.hpp"
#include "sim/engine/engine.hpp"
#include "sim/io/scenario_loader.hpp"
#include "tests/support/scenario_runs.hpp"

using chan::testing::parseSmall;
using chan::testing::readsBack;
using chan::testing::run;
using chan::testing::Run;
using chan::ScenarioSpec;

namespace {

/// A maker (member 0) and two shops (members 1, 2) at a fixed 15 under a MAP of 20: each shop
/// violates MAP every day, 6 days, with `extra` YAML (the sections under test).
chan::ScenarioSpec belowMap(const std::string& extra) {
  const std::string doc = "name: t\nticks: 6\ncheck: true\nbrands:\n"
                          "  - {name: acme, unit_cost: 5, min_advertised_price: 20}\nmembers:\n"
                          "  - {group: maker, kind: manufacturer, pricing: {rule: fixed, price: 8}}\n"
                          "  - {group: shop, kind: offline_store, count: 2, supplier: maker, pricing: {rule: fixed, "
                          "price: 15},\n     replenishment: {rule: order_up_to, initial_stock: 1000}}\n" +
                          extra + "consumers:\n  count: 100\n";
  return chan::io::parseScenario(YAML::Load(doc), "t.yaml");
}

int countOf(const std::vector<chan::Event>& events, chan::Event::Type type) {
  return static_cast<int>(std::count_if(events.begin(), events.end(), [&](const chan::Event& e) { return e.type == type; }));
}

}  // namespace

TEST_CASE("enforcement: each detected violation climbs the ladder, the last rung repeating", "[mechanisms]") {
  // certain detection: each shop is caught on days 1..6 and gets warning, fine (7), forfeit of
  // its deposit (50), then suspension three times; the maker pays 0.5 per shop and day to watch
  const chan::ScenarioSpec spec =
      belowMap("monitoring: {offline_detection: 1, cost_per_outlet_day: 0.5}\n"
               "enforcement: {ladder: [warning, fine, forfeit_deposit, suspend], fine: 7, deposit: 50, "
               "suspension_ticks: 14}\n");
  chan::Engine engine(spec);
  const chan::World& opening = engine.world();
  // set-up: each shop posted its deposit with the maker (cash moves, profit does not)
  CHECK(opening.members.depositPosted[1] == 50);
  CHECK(opening.members.depositHeld[0] == 100);
  engine.run();  // conservation checked every tick
  const chan::World& w = engine.world();
  const auto summary = engine.summary();
  const std::map<std::string, double> s(summary.begin(), summary.end());
  CHECK(s.at("conflict.map_violation_days") == 12);
  CHECK(s.at("conflict.detection_rate") == 1);
  CHECK(s.at("conflict.mean_violation_depth") == Approx((20.0 - 15.0) / 20.0));
  CHECK(s.at("enforcement.warning") == 2);
  CHECK(s.at("enforcement.fine") == 2);
  CHECK(s.at("enforcement.forfeit_deposit") == 2);
  CHECK(s.at("enforcement.suspend") == 6);
  CHECK(s.at("enforcement.terminate") == 0);
  // the maker earns 2 x (7 + 50) and pays 0.5 x 2 shops x 6 days; each shop loses 7 + 50
  CHECK(w.flows.otherIncome[0] == Approx(114));
  CHECK(w.flows.otherExpense[0] == Approx(6));
  CHECK(w.flows.otherExpense[1] == Approx(57));
  CHECK(w.flows.otherExpense[2] == Approx(57));
  CHECK(w.members.depositHeld[0] == 0);
  // the last suspension, on day 6, cuts supply until day 6 + 14
  CHECK(w.members.suspendedUntil[1] == 20);
  CHECK(w.members.strikes[2] == 6);
}

TEST_CASE("enforcement: unmonitored violations are recorded but never detected or punished", "[mechanisms]") {
  const chan::ScenarioSpec spec = belowMap("enforcement: {ladder: [fine], fine: 7, deposit: 50}\n");
  chan::Engine engine(spec);  // (the engine keeps a pointer to its spec)
  engine.run();
  const chan::World& w = engine.world();
  REQUIRE(countOf(w.events, chan::Event::Type::PriceUndercut) == 12);
  for (const chan::Event& e : w.events) CHECK_FALSE(e.detected);
  CHECK(w.flows.otherIncome[0] == 0);
  // the deposits stay posted: nobody forfeits them
  CHECK(w.members.depositHeld[0] == 100);
}

TEST_CASE("enforcement: a one-step ladder of termination removes a caught shop, which returns its deposit",
          "[mechanisms]") {
  const chan::ScenarioSpec spec = belowMap("monitoring: {offline_detection: 1}\nenforcement: {ladder: [terminate], deposit: 50}\n");
  chan::Engine engine(spec);
  engine.run();
  const chan::World& w = engine.world();
  // both shops are caught on day 1 and leave; nobody is left to violate after that
  CHECK(countOf(w.events, chan::Event::Type::PriceUndercut) == 2);
  CHECK(countOf(w.events, chan::Event::Type::Termination) == 2);
  // a termination's event comes before the violation that caused it
  REQUIRE(w.events.size() >= 2);
  CHECK(w.events[0].type == chan::Event::Type::Termination);
  CHECK(w.events[1].type == chan::Event::Type::PriceUndercut);
  CHECK(w.events[1].action == "terminate");
  CHECK(w.members.active[1] == 0);
  CHECK(w.members.active[2] == 0);
  CHECK(w.members.depositHeld[0] == 0);
  CHECK(w.flows.otherCash[1] == 0);  // posted 50, got 50 back
}

TEST_CASE("monitoring: what a violation is expected to cost is published for the behaviours that weigh it",
          "[mechanisms]") {
  auto policing = [](const std::string& extra) {
    const chan::ScenarioSpec spec = belowMap(extra);
    return chan::Engine(spec).world().policing;
  };
  // a traced shipment costs the fine: trace probability x fine is a gray seller's expected penalty
  const chan::Policing both = policing("monitoring: {diversion_detection: 0.1}\nenforcement: {fine: 60}\n");
  CHECK(both.traceProbability == 0.1);
  CHECK(both.fine == 60);
  // serial codes replace the diversion detection; without enforcement there is no fine (not
  // the default 200), so nobody expects a penalty
  const chan::Policing traced = policing("monitoring: {traceability: true, traceability_detection: 0.7}\n");
  CHECK(traced.traceProbability == 0.7);
  CHECK(traced.fine == 0);
  // nothing traced without monitoring, nor when it is switched off
  CHECK(policing("enforcement: {fine: 60}\n").traceProbability == 0);
  CHECK(policing("monitoring: {enabled: false, audit_probability: 0.5}\n").auditProbability == 0);
  CHECK(policing("monitoring: {audit_probability: 0.5}\n").auditProbability == 0.5);
}

TEST_CASE("monitoring: more detection leaves fewer violations unseen and triggers the ladder", "[mechanisms]") {
  // opportunists who hardly believe in detection (0.001: the whole ladder would deter them at
  // the scenario's prior of 0.1) violate until they learn otherwise
  const std::vector<std::string> small{"consumers.count=6000", "ticks=120",
                                       "members[3].pricing.believed_detection=0.001",
                                       "members[4].pricing.believed_detection=0.001"};
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

TEST_CASE(
    "enforcement: an opportunistic outlet that expects no penalty undercuts, one facing the whole ladder does "
    "not, even with fine 0",
    "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=6000", "ticks=60"};
  auto free = base, deterred = base;
  free.insert(free.end(), {"enforcement.enabled=false"});
  deterred.insert(deterred.end(), {"enforcement.fine=0"});  // deposit, suspension and termination remain
  CHECK(run("map_enforcement", free).metrics.at("conflict.map_violation_days") > 0);
  CHECK(run("map_enforcement", deterred).metrics.at("conflict.map_violation_days") == 0);
}

TEST_CASE("deterrence: a detection costs the mean of the rungs ahead: fine, deposit, suspended and future margin",
          "[mechanisms]") {
  const chan::ScenarioSpec spec = belowMap(
      "monitoring: {}\nenforcement: {ladder: [warning, fine, forfeit_deposit, suspend, terminate], fine: 60, "
      "deposit: 500,\n  suspension_ticks: 14, termination_days: 100}\n");
  chan::Engine engine(spec);
  chan::World w = engine.world();  // a copy of the started world: deposits posted
  REQUIRE(w.members.depositPosted[1] == 500);
  // at a margin of 10 a day: (0 + 60 + 500 + 14 x 10 + 100 x 10) / 5 = 340
  CHECK(chan::models::ladderCost(w, 1, 10) == Approx(340).epsilon(1e-12));
  // three strikes on: suspension and termination left, (140 + 1000) / 2 = 570
  w.members.strikes[1] = 3;
  CHECK(chan::models::ladderCost(w, 1, 10) == Approx(570).epsilon(1e-12));
  // past the end the last rung repeats: termination, 1000
  w.members.strikes[1] = 9;
  CHECK(chan::models::ladderCost(w, 1, 10) == Approx(1000).epsilon(1e-12));
  // without enforcement nothing is weighed
  const chan::ScenarioSpec off = belowMap("monitoring: {}\n");
  CHECK(chan::models::ladderCost(chan::Engine(off).world(), 1, 10) == 0);
}

TEST_CASE("deterrence: with fine 0, violations fall as the deposit or the termination threat rises", "[mechanisms]") {
  auto violations = [](std::vector<std::string> sets) {
    sets.insert(sets.end(), {"consumers.count=6000", "ticks=60", "enforcement.fine=0"});
    return run("map_enforcement", sets).metrics.at("conflict.map_violation_days");
  };
  const std::string deposits = "enforcement.ladder=[warning,fine,forfeit_deposit]";
  const double noDeposit = violations({deposits, "enforcement.deposit=0"}),
               smallDeposit = violations({deposits, "enforcement.deposit=300"}),
               bigDeposit = violations({deposits, "enforcement.deposit=3000"});
  CHECK(noDeposit > 0);
  CHECK(smallDeposit < noDeposit);
  CHECK(bigDeposit <= smallDeposit);
  const std::string terminate = "enforcement.ladder=[warning,terminate]";
  const double worthless = violations({terminate, "enforcement.termination_days=0"}),
               valued = violations({terminate, "enforcement.termination_days=30"});
  CHECK(worthless > 0);
  CHECK(valued < worthless);
}

TEST_CASE("deterrence: diverted and gray units fall as traceability raises the chance of detection", "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=6000", "ticks=90"},
      traced{"consumers.count=6000", "ticks=90", "monitoring.traceability=true"};
  // territory_diversion's own ladder (warning, fine 100)
  CHECK(run("territory_diversion", traced).metrics.at("diversion.units") <
        0.5 * run("territory_diversion", base).metrics.at("diversion.units"));
  // gray_market with suspension and termination on its ladder (a distributor's margin at stake)
  auto ladder = [](std::vector<std::string> sets) {
    sets.push_back("enforcement.ladder=[warning,fine,suspend,terminate]");
    return sets;
  };
  CHECK(run("gray_market", ladder(traced)).metrics.at("gray.units") <
        0.8 * run("gray_market", ladder(base)).metrics.at("gray.units"));
}

TEST_CASE("monitoring: traceability raises the share of diverted and of gray units detected", "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=6000", "ticks=90"},
      traced{"consumers.count=6000", "ticks=90", "monitoring.traceability=true"};
  CHECK(run("territory_diversion", traced).metrics.at("diversion.detected_share") >
        run("territory_diversion", base).metrics.at("diversion.detected_share") + 0.2);
  CHECK(run("gray_market", traced).metrics.at("gray.detected_share") >
        run("gray_market", base).metrics.at("gray.detected_share") + 0.2);
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
  // the units compensated are those conflict.cannibalization counts: the online units that
  // consumers would otherwise have bought at the brand's stores (choice model), not every
  // online sale near a stocked store
  const double onlineUnits = r.metrics.at("sales.units") * r.metrics.at("sales.online_share");
  CHECK(cannibalized == Approx(r.metrics.at("conflict.cannibalization") * onlineUnits).epsilon(1e-9));
  CHECK(cannibalized < r.metrics.at("conflict.online_near_stocked_store") * onlineUnits);
  CHECK(paid == Approx(2 * cannibalized).epsilon(1e-9));
  CHECK(received == Approx(paid).epsilon(1e-9));
}

TEST_CASE("mediation: each store's compensation is its share of the day's store sales", "[mechanisms]") {
  // one day: an online outlet that took u units from the brand's stores pays 2 u, and store s
  // receives 2 u x (its sales / all the brand's store sales)
  const ScenarioSpec spec =
      chan::io::loadScenario(chan::testing::scenarioPath("estore_launch"),
                             {"consumers.count=5000", "ticks=1", "check=true", "enforcement.enabled=true",
                              "enforcement.compensation_per_unit=2", "enforcement.ladder=[warning]"});
  // compensation is a decision on the cannibalised units: a caller that skips the source of
  // volume (calibration) still gets it computed
  chan::Engine engine(spec, chan::EngineOptions{.sourceOfVolume = false});
  engine.run();
  const chan::World& w = engine.world();
  double taken = 0, storeSales = 0;
  for (const chan::Event& e : w.events)
    if (e.type == chan::Event::Type::Cannibalization) taken += e.units;
  REQUIRE(taken > 0);
  for (int m : w.outlets)
    if (!chan::isOnline(w.members.kind[chan::idx(m)])) storeSales += w.flows.unitsSold[chan::idx(m)];
  REQUIRE(storeSales > 0);
  for (int m : w.outlets) {
    const auto i = chan::idx(m);
    if (chan::isOnline(w.members.kind[i])) continue;
    CHECK(w.flows.otherIncome[i] == Approx(2 * taken * w.flows.unitsSold[i] / storeSales).epsilon(1e-9));
  }
}

TEST_CASE("monitoring and enforcement: the sections are read strictly and written back only when on", "[loader]") {
  // the extra text starts on line 10
  const YAML::Node resolved = chan::io::toYaml(
      parseSmall("monitoring: {traceability: true}\nenforcement: {ladder: [warning, terminate], fine: 5}\n"));
  CHECK(resolved["monitoring"]["traceability"].as<bool>());
  CHECK(resolved["monitoring"]["online_detection"].as<double>() == 0.8);  // the default
  CHECK_FALSE(resolved["monitoring"]["enabled"]);
  REQUIRE(resolved["enforcement"]["ladder"].size() == 2);
  CHECK(resolved["enforcement"]["ladder"][1].as<std::string>() == "terminate");
  CHECK(resolved["enforcement"]["fine"].as<double>() == 5);
  CHECK(readsBack(parseSmall("monitoring: {audit_probability: 0.2}\nenforcement: {ladder: [suspend], deposit: 3}\n")));
  REQUIRE_THROWS_WITH(parseSmall("enforcement: {ladder: [warnng]}"),
                      "t.yaml:10:24: enforcement.ladder[0]: unknown value 'warnng' (did you mean 'warning'?)");
  REQUIRE_THROWS_WITH(parseSmall("enforcement: {ladder: []}"), "t.yaml:10:23: enforcement.ladder: needs at least one action");
  REQUIRE_THROWS_WITH(parseSmall("monitoring: {online_detection: 2}"),
                      Catch::Contains("monitoring.online_detection: must be between 0 and 1"));
  REQUIRE_THROWS_WITH(parseSmall("enforcement: {suspension_ticks: 0}"),
                      Catch::Contains("enforcement.suspension_ticks: must be between 1 and 10000000"));
  REQUIRE_THROWS_WITH(parseSmall("monitoring: {traceabilty: true}"), Catch::Contains("did you mean 'traceability'"));
  // no section, or enabled: false, is off and not written
  CHECK_FALSE(chan::io::toYaml(parseSmall(""))["monitoring"]);
  CHECK_FALSE(chan::io::toYaml(parseSmall("enforcement: {enabled: false}"))["enforcement"]);
}
