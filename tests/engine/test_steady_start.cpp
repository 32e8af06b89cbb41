// steady_start (Engine::startAtSteadyState): a channel that has been running, so that the first
// orders are ordinary days' orders and not pipeline fills.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "models/replenishment.hpp"
#include "sim/engine/engine.hpp"
#include "sim/io/scenario_loader.hpp"

namespace {

double median(std::vector<double> x) {
  std::sort(x.begin(), x.end());
  const std::size_t n = x.size();
  return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

}  // namespace

TEST_CASE("steady start: stock, goods in transit and forecast at the expected daily demand", "[engine][steady]") {
  // maker -> distributor (lead 3, cover 4) -> shop (lead 2, cover 5); 100 consumers who all
  // shop, U = 12 - 10 = 2, mu = 1: the shop expects d = 100 e^2 / (1 + e^2) units a day, and
  // the distributor the same (its only buyer orders what it sells)
  const chan::ScenarioSpec spec = chan::io::parseScenario(YAML::Load(R"(
name: steady
ticks: 20
check: true
steady_start: true
brands: [{name: b, unit_cost: 5}]
members:
  - {group: maker, kind: manufacturer, pricing: {rule: fixed, price: 6}}
  - {group: dist, kind: distributor, supplier: maker, terms: {lead_time: 3}, pricing: {rule: fixed, price: 8},
     replenishment: {rule: order_up_to, cover_days: 4, window: 7}}
  - {group: shop, kind: offline_store, supplier: dist, service_level: 0, terms: {lead_time: 2},
     pricing: {rule: fixed, price: 10}, replenishment: {rule: order_up_to, cover_days: 5, window: 7}}
consumers:
  count: 100
  mode: expected
  segments: [{name: s, valuation: {dist: constant, value: 12}, travel_cost: 0, service_weight: 0, noise: 1}]
)"),
                                                                "steady.yaml");
  chan::Engine engine(spec);
  const double d = 100 * std::exp(2.0) / (1 + std::exp(2.0));
  const chan::World& w = engine.world();
  CHECK(w.members.stock[2] == Approx(5 * d).epsilon(1e-12));
  CHECK(w.members.onOrder[2] == Approx(2 * d).epsilon(1e-12));
  CHECK(w.members.stock[1] == Approx(4 * d).epsilon(1e-12));
  CHECK(w.members.onOrder[1] == Approx(3 * d).epsilon(1e-12));
  CHECK(chan::models::forecast(w, 2) == Approx(d).epsilon(1e-12));
  CHECK(chan::models::forecast(w, 1) == Approx(d).epsilon(1e-12));
  engine.run();  // conservation is checked every tick (check: true)
  // demand never changes, so every day's orders equal the day's sales, from day 1
  for (const auto& r : engine.metrics().records()) {
    CHECK(r.obs.ordersByTier.at(2) == Approx(d).epsilon(1e-9));
    CHECK(r.obs.ordersByTier.at(1) == Approx(d).epsilon(1e-9));
  }
}

TEST_CASE("steady start: the flagship's first orders are ordinary days' orders", "[engine][steady]") {
  // issue: without it the national distributor orders a third of the year's sales on day 1.
  // With it, every tier's day-1 order is within 3x its median daily order over ticks 31-365,
  // for seeds 1-5.
  const std::string file = std::string(CHAN_SOURCE_DIR) + "/scenarios/flagship.yaml";
  for (int seed = 1; seed <= 5; ++seed) {
    for (const bool steady : {false, true}) {
      const chan::ScenarioSpec spec = chan::io::loadScenario(
          file, {"seed=" + std::to_string(seed), std::string("steady_start=") + (steady ? "true" : "false")});
      chan::Engine engine(spec);
      engine.run();
      const auto& records = engine.metrics().records();
      for (std::size_t tier = 1; tier < records.front().obs.ordersByTier.size(); ++tier) {
        std::vector<double> later;
        for (std::size_t t = 30; t < records.size(); ++t) later.push_back(records[t].obs.ordersByTier[tier]);
        const double dayOne = records.front().obs.ordersByTier[tier], typical = median(later);
        INFO("seed " << seed << ", tier " << tier << ", steady " << steady << ": day 1 " << dayOne << ", median "
                     << typical);
        if (steady) CHECK(dayOne <= 3 * typical);
        else if (tier == 1) CHECK(dayOne > 10 * typical);  // the spike the steady start removes
      }
    }
  }
}
