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
  CHECK(forecast(b.world, 1) == 0.0);  // nothing recorded yet
  recordDemand(b.world, 1, 2);
  CHECK(forecast(b.world, 1) == Approx(2.0));  // one day: 2 / 1
  recordDemand(b.world, 1, 4);
  CHECK(forecast(b.world, 1) == Approx(3.0));  // (2 + 4) / 2
  recordDemand(b.world, 1, 9);
  CHECK(forecast(b.world, 1) == Approx(5.0));  // (2 + 4 + 9) / 3
  recordDemand(b.world, 1, 3);
  CHECK(forecast(b.world, 1) == Approx(16.0 / 3));  // 2 drops out: (4 + 9 + 3) / 3
  recordDemand(b.world, 1, 0);
  CHECK(forecast(b.world, 1) == Approx(4.0));  // (9 + 3 + 0) / 3
  for (int k = 0; k < 3; ++k) recordDemand(b.world, 1, 7);
  CHECK(forecast(b.world, 1) == Approx(7.0));  // the window has fully turned over
}

TEST_CASE("replenishment: members' forecast windows do not share history", "[replenish]") {
  Built b(kYaml);
  chan::Members& mb = b.world.members;
  REQUIRE(mb.window[3] == 5);
  // interleave records of a 3-day and a 5-day member
  const double a[] = {1, 2, 3, 4, 5, 6, 7};
  const double c[] = {10, 20, 30, 40, 50, 60, 70};
  for (int k = 0; k < 7; ++k) {
    recordDemand(b.world, 1, a[k]);
    recordDemand(b.world, 3, c[k]);
  }
  CHECK(forecast(b.world, 1) == Approx((5 + 6 + 7) / 3.0));
  CHECK(forecast(b.world, 3) == Approx((30 + 40 + 50 + 60 + 70) / 5.0));
  CHECK(forecast(b.world, 2) == 0.0);  // never recorded
}

TEST_CASE("replenishment: order-up-to orders the gap between target and position", "[replenish]") {
  Built b(kYaml);
  chan::Members& mb = b.world.members;
  for (double d : {6.0, 9.0, 12.0}) recordDemand(b.world, 1, d);  // forecast 9 per day
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
  for (int k = 0; k < 5; ++k) recordDemand(b.world, 2, 1000);
  CHECK(orderQuantity(b.world, 2, 7) == Approx(50.0));
}

TEST_CASE("replenishment: manufacturers never order", "[replenish]") {
  Built b(kYaml);
  recordDemand(b.world, 0, 100);
  CHECK(b.world.spec->groups[0].replenish.rule == chan::ReplenishRule::None);
  CHECK(orderQuantity(b.world, 0, 2) == 0.0);
}

namespace {

// members 1-3 forecast by exponential smoothing (alpha 0.5), additive and multiplicative
// Holt-Winters (alpha = beta = gamma = 0.5, a season of 2 days)
const char* kSmoothedYaml = R"(
name: smoothed
ticks: 1
brands: [{name: b, unit_cost: 10}]
members:
  - {group: maker, kind: manufacturer}
  - {group: es, kind: e_store, supplier: maker,
     replenishment: {rule: order_up_to, forecast: {method: exponential, alpha: 0.5}}}
  - {group: hw, kind: e_store, supplier: maker,
     replenishment: {rule: order_up_to, forecast: {method: holt_winters, alpha: 0.5, beta: 0.5, gamma: 0.5, season: 2}}}
  - {group: hwm, kind: e_store, supplier: maker,
     replenishment: {rule: order_up_to, forecast: {method: holt_winters, alpha: 0.5, beta: 0.5, gamma: 0.5, season: 2,
                                                  seasonality: multiplicative}}}
consumers: {count: 10}
)";

}  // namespace

TEST_CASE("replenishment: exponential smoothing starts at the first day and moves halfway with alpha 0.5", "[replenish]") {
  Built b(kSmoothedYaml);
  CHECK(forecast(b.world, 1) == 0.0);
  recordDemand(b.world, 1, 10);
  CHECK(forecast(b.world, 1) == Approx(10.0));
  recordDemand(b.world, 1, 20);
  CHECK(forecast(b.world, 1) == Approx(15.0));  // 0.5 x 20 + 0.5 x 10
  recordDemand(b.world, 1, 5);
  CHECK(forecast(b.world, 1) == Approx(10.0));  // 0.5 x 5 + 0.5 x 15
}

TEST_CASE("replenishment: additive Holt-Winters follows a two-day season and a trend, by hand", "[replenish]") {
  Built b(kSmoothedYaml);
  recordDemand(b.world, 2, 10);
  CHECK(forecast(b.world, 2) == Approx(10.0));  // inside the first season: the mean so far
  recordDemand(b.world, 2, 20);
  // start: level 15, trend 0, factors 10 - 15 = -5 and 20 - 15 = +5; tomorrow is day 0
  CHECK(forecast(b.world, 2) == Approx(10.0));
  recordDemand(b.world, 2, 12);
  // level 0.5 (12 + 5) + 0.5 (15 + 0) = 16, trend 0.5 (16 - 15) = 0.5, factor 0: 0.5 (12 - 16) + 0.5 (-5) = -4.5
  CHECK(forecast(b.world, 2) == Approx(16 + 0.5 + 5));
  recordDemand(b.world, 2, 22);
  // level 0.5 (22 - 5) + 0.5 (16.5) = 16.75, trend 0.5 x 0.75 + 0.5 x 0.5 = 0.625, day 0's factor -4.5
  CHECK(forecast(b.world, 2) == Approx(16.75 + 0.625 - 4.5));
}

TEST_CASE("replenishment: multiplicative Holt-Winters scales the level by the day's factor, by hand", "[replenish]") {
  Built b(kSmoothedYaml);
  recordDemand(b.world, 3, 10);
  recordDemand(b.world, 3, 30);
  // start: level 20, trend 0, factors 0.5 and 1.5
  CHECK(forecast(b.world, 3) == Approx(10.0));
  recordDemand(b.world, 3, 12);
  // level 0.5 (12 / 0.5) + 0.5 x 20 = 22, trend 0.5 x 2 = 1: tomorrow (day 1) (22 + 1) x 1.5
  CHECK(forecast(b.world, 3) == Approx(34.5));
}

TEST_CASE("replenishment: an order-up-to target uses the group's forecaster", "[replenish]") {
  Built b(kSmoothedYaml);
  // with 10 then 20, a moving average would say 15 for day 0; Holt-Winters knows day 0 is the low one
  recordDemand(b.world, 2, 10);
  recordDemand(b.world, 2, 20);
  const double cover = b.world.spec->groups[2].replenish.coverDays;  // 7 by default
  CHECK(orderQuantity(b.world, 2, 1) == Approx(10.0 * (1 + cover)));
}

TEST_CASE("replenishment: the event-aware forecast learns the baseline and covers the calendar's coming days",
          "[replenish]") {
  Built b(kYaml);
  chan::World& w = b.world;
  chan::Members& mb = w.members;
  // the calendar's daily factors from tick 0 (as mechanisms/calendar publishes them); group 1
  // (`upto`: window 3, cover 4 days) forecasts with them, the others do not
  w.calendar.daily = {1, 1, 2, 0.5, 3, 1, 0.5, 1, 1, 2};
  w.calendar.forecastGroups = {0, 1, 0, 0};
  const double demand[] = {10, 40, 6};  // ticks 1..3, factors 1, 2, 0.5: baselines 10, 20, 12
  for (int t = 1; t <= 3; ++t) {
    w.tick = t;
    recordDemand(w, 1, demand[t - 1]);
    recordDemand(w, 3, demand[t - 1]);
  }
  CHECK(forecast(w, 1) == Approx((10.0 + 20.0 + 12.0) / 3));  // the baseline: 14
  CHECK(forecast(w, 3) == Approx((10.0 + 40.0 + 6.0) / 3));   // not calendar-aware: the raw mean
  // lead time 1 + cover 4 = ticks 4..8, factors 3 + 1 + 0.5 + 1 + 1 = 6.5: target 14 x 6.5 = 91
  mb.stock[1] = 11;
  mb.onOrder[1] = 0;
  CHECK(orderQuantity(w, 1, 1) == Approx(14.0 * 6.5 - 11));
  // lead 6 + cover 4 = ticks 4..13: 6.5, then tick 9's 2, and ticks 10..13 past the published
  // factors count with the last one (2)
  CHECK(orderQuantity(w, 1, 6) == Approx(14.0 * (6.5 + 2 + 4 * 2) - 11));
}
