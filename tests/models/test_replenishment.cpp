// Replenishment (models/replenishment.hpp): the moving-average forecast, the order-up-to
// quantity and the (s,S) trigger, each against a hand calculation.
#include <catch2/catch.hpp>

#include <string>

#include "models/replenishment.hpp"
#include "sim/engine/world_builder.hpp"
#include "sim/io/scenario_loader.hpp"

using chan::models::forecast;
using chan::models::orderQuantity;
using chan::models::recordDemand;

namespace {

struct Built {
  chan::ScenarioSpec spec;
  chan::World world;
  explicit Built(const std::string& yaml)
      : spec(chan::io::parseScenario(YAML::Load(yaml), "replenish.yaml")), world(chan::buildWorld(spec)) {}
  Built(const Built&) = delete;
};

// member 0: maker; 1: store with order-up-to (window 3, cover 4 days);
// 2: store with (s,S) = (20, 50); 3: store with a window of 5
const char* kYaml = R"(
name: replenish
ticks: 1
brands: [{name: b, unit_cost: 10}]
members:
  - {group: maker, kind: manufacturer}
  - {group: upto, kind: e_store, supplier: maker, replenishment: {rule: order_up_to, window: 3, cover_days: 4}}
  - {group: minmax, kind: e_store, supplier: maker, replenishment: {rule: min_max, reorder_point: 20, order_up_to: 50}}
  - {group: long, kind: e_store, supplier: maker, replenishment: {rule: order_up_to, window: 5, cover_days: 0}}
consumers: {count: 10}
)";

}  // namespace

TEST_CASE("replenishment: the forecast is the mean of the last `window` recorded days", "[replenish]") {
  Built b(kYaml);
  chan::Members& mb = b.world.members;
  REQUIRE(mb.window[1] == 3);
  CHECK(forecast(mb, 1) == 0.0);  // nothing recorded yet
  recordDemand(mb, 1, 2);
  CHECK(forecast(mb, 1) == Approx(2.0));  // one day: 2 / 1
  recordDemand(mb, 1, 4);
  CHECK(forecast(mb, 1) == Approx(3.0));  // (2 + 4) / 2
  recordDemand(mb, 1, 9);
  CHECK(forecast(mb, 1) == Approx(5.0));  // (2 + 4 + 9) / 3
  recordDemand(mb, 1, 3);
  CHECK(forecast(mb, 1) == Approx(16.0 / 3));  // 2 drops out: (4 + 9 + 3) / 3
  recordDemand(mb, 1, 0);
  CHECK(forecast(mb, 1) == Approx(4.0));  // (9 + 3 + 0) / 3
  for (int k = 0; k < 3; ++k) recordDemand(mb, 1, 7);
  CHECK(forecast(mb, 1) == Approx(7.0));  // the window has fully turned over
}

TEST_CASE("replenishment: members' forecast windows do not share history", "[replenish]") {
  Built b(kYaml);
  chan::Members& mb = b.world.members;
  REQUIRE(mb.window[3] == 5);
  // interleave records of a 3-day and a 5-day member
  const double a[] = {1, 2, 3, 4, 5, 6, 7};
  const double c[] = {10, 20, 30, 40, 50, 60, 70};
  for (int k = 0; k < 7; ++k) {
    recordDemand(mb, 1, a[k]);
    recordDemand(mb, 3, c[k]);
  }
  CHECK(forecast(mb, 1) == Approx((5 + 6 + 7) / 3.0));
  CHECK(forecast(mb, 3) == Approx((30 + 40 + 50 + 60 + 70) / 5.0));
  CHECK(forecast(mb, 2) == 0.0);  // never recorded
}

TEST_CASE("replenishment: order-up-to orders the gap between target and position", "[replenish]") {
  Built b(kYaml);
  chan::Members& mb = b.world.members;
  for (double d : {6.0, 9.0, 12.0}) recordDemand(mb, 1, d);  // forecast 9 per day
  mb.stock[1] = 10;
  mb.onOrder[1] = 5;
  // target = 9 x (lead time 2 + cover 4) = 54; position = 10 + 5 = 15; order 39
  CHECK(orderQuantity(b.world, 1, 2) == Approx(39.0));
  // a longer lead time raises the target: 9 x (5 + 4) - 15 = 66
  CHECK(orderQuantity(b.world, 1, 5) == Approx(66.0));
  // a position above the target orders nothing (never negative)
  mb.stock[1] = 100;
  CHECK(orderQuantity(b.world, 1, 2) == 0.0);
  // no history: forecast 0, nothing to order even with an empty shelf
  mb.stock[3] = 0;
  CHECK(orderQuantity(b.world, 3, 2) == 0.0);
}

TEST_CASE("replenishment: (s,S) orders up to S only once the position falls to s", "[replenish]") {
  Built b(kYaml);
  chan::Members& mb = b.world.members;
  mb.stock[2] = 15;
  mb.onOrder[2] = 6;  // position 21 > s = 20: no order
  CHECK(orderQuantity(b.world, 2, 2) == 0.0);
  mb.onOrder[2] = 5;  // position 20 = s: order S - 20 = 30
  CHECK(orderQuantity(b.world, 2, 2) == Approx(30.0));
  mb.stock[2] = 0;
  mb.onOrder[2] = 0;  // empty: order S
  CHECK(orderQuantity(b.world, 2, 7) == Approx(50.0));
  // the forecast plays no part in (s,S)
  for (int k = 0; k < 5; ++k) recordDemand(mb, 2, 1000);
  CHECK(orderQuantity(b.world, 2, 7) == Approx(50.0));
}

TEST_CASE("replenishment: manufacturers never order", "[replenish]") {
  Built b(kYaml);
  recordDemand(b.world.members, 0, 100);
  CHECK(b.world.spec->groups[0].replenish.rule == chan::ReplenishRule::None);
  CHECK(orderQuantity(b.world, 0, 2) == 0.0);
}
