// warmup: N (Engine::closeWarmupBooks): the first N ticks are simulated but left out of the
// summary, members.csv and events.csv. The check is a run without a warm-up, stepped by hand:
// what it did after tick N is what the warm-up run must report.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/io/scenario_loader.hpp"

namespace {

const std::string kPromotion = std::string(CHAN_SOURCE_DIR) + "/scenarios/store_promotion.yaml";

std::map<std::string, double> asMap(const chan::Summary& s) { return {s.begin(), s.end()}; }

std::vector<double> profits(const chan::World& w) {
  std::vector<double> p(w.members.size());
  for (std::size_t m = 0; m < p.size(); ++m) p[m] = w.flows.profit(m);
  return p;
}

}  // namespace

TEST_CASE("warm-up: the run reports what happened after the warm-up, as a run without one measured it",
          "[engine][warmup]") {
  const int warmup = 30, ticks = 90;  // store_promotion's promotion runs on days 60-73, after the warm-up
  const std::vector<std::string> common{"ticks=" + std::to_string(ticks), "check=true"};
  std::vector<std::string> withWarmup = common;
  withWarmup.push_back("warmup=" + std::to_string(warmup));
  const chan::ScenarioSpec plainSpec = chan::io::loadScenario(kPromotion, common);
  const chan::ScenarioSpec warmSpec = chan::io::loadScenario(kPromotion, withWarmup);

  // the run without a warm-up, its books read at the warm-up's end and at the end
  chan::Engine plain(plainSpec);
  for (int t = 0; t < warmup; ++t) plain.step();
  const double soldAtCut = plain.world().ledger.soldToConsumers;
  const std::vector<double> profitAtCut = profits(plain.world());
  const std::vector<double> unitsAtCut = plain.world().flows.unitsSold;
  plain.run();
  const auto plainSummary = asMap(plain.summary());

  chan::Engine warm(warmSpec);  // check: true verifies conservation every tick and after closing the books
  warm.run();
  const chan::World& w = warm.world();
  const auto summary = asMap(warm.summary());

  // behaviour is the same: the warm-up changes what is counted, not what happens
  REQUIRE(w.members.size() == plain.world().members.size());
  for (std::size_t m = 0; m < w.members.size(); ++m) CHECK(w.members.price[m] == plain.world().members.price[m]);

  // units: the consumers' purchases after the warm-up, in the summary, the ledger and each member's flows
  const double measuredUnits = plain.world().ledger.soldToConsumers - soldAtCut;
  CHECK(measuredUnits > 0);
  CHECK(summary.at("sales.units") == measuredUnits);
  CHECK(w.ledger.soldToConsumers == measuredUnits);
  const std::vector<double> profitNow = profits(plain.world());
  double channelProfit = 0;
  for (std::size_t m = 0; m < w.members.size(); ++m) {
    CHECK(w.flows.unitsSold[m] == plain.world().flows.unitsSold[m] - unitsAtCut[m]);
    const double expected = profitNow[m] - profitAtCut[m];
    CHECK(w.flows.profit(m) == Approx(expected).margin(1e-9 * (1 + std::fabs(profitNow[m]))));
    channelProfit += expected;
  }
  CHECK(summary.at("margin.channel_profit") == Approx(channelProfit).epsilon(1e-9));
  // the promotion lies wholly after the warm-up: its totals are the whole run's
  CHECK(summary.at("promotions.units") > 0);
  CHECK(summary.at("promotions.units") == plainSummary.at("promotions.units"));

  // events: those of the measured ticks, and only those
  std::vector<int> plainTicks, warmTicks;
  for (const chan::Event& e : plain.world().events)
    if (e.tick > warmup) plainTicks.push_back(e.tick);
  for (const chan::Event& e : w.events) warmTicks.push_back(e.tick);
  CHECK(warmTicks == plainTicks);

  // the time series keeps every tick and flags the warm-up's
  const auto& records = warm.metrics().records();
  REQUIRE(records.size() == static_cast<std::size_t>(ticks));
  for (const auto& r : records) CHECK(r.warmup == (r.tick <= warmup));
}

TEST_CASE("warm-up: a mechanism's run totals restart when measurement starts", "[engine][warmup]") {
  // a warm-up that covers the whole promotion (days 60-73): nothing of it is reported
  const chan::ScenarioSpec spec = chan::io::loadScenario(kPromotion, {"ticks=90", "warmup=80"});
  chan::Engine engine(spec);
  engine.run();
  const auto summary = asMap(engine.summary());
  CHECK(summary.at("promotions.units") == 0);
  CHECK(summary.at("promotions.discount") == 0);
  CHECK(summary.at("sales.units") > 0);
}

TEST_CASE("warm-up: no summary before the books are closed, no tick after", "[engine][warmup]") {
  const chan::ScenarioSpec spec = chan::io::loadScenario(kPromotion, {"ticks=5", "warmup=2"});
  chan::Engine engine(spec);
  engine.step();
  CHECK_THROWS_AS(engine.summary(), std::logic_error);
  engine.run();
  CHECK_NOTHROW(engine.summary());
  CHECK_THROWS_AS(engine.step(), std::logic_error);
  // the loader keeps the warm-up shorter than the run
  CHECK_THROWS_WITH(chan::io::loadScenario(kPromotion, {"ticks=5", "warmup=5"}),
                    Catch::Contains("warmup") && Catch::Contains("between 0 and 4"));
}
