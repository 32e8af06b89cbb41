// Forecasters and the order-up-to stage of the bullwhip case (models/forecast.hpp).
#include <catch2/catch.hpp>

#include "models/forecast.hpp"

using chan::models::ExponentialSmoothing;
using chan::models::MovingAverage;
using chan::models::OrderUpToStage;

TEST_CASE("moving average: mean of the last p observations once the window is full", "[forecast]") {
  MovingAverage ma(3);
  ma.observe(3);
  ma.observe(6);
  CHECK_FALSE(ma.ready());
  ma.observe(9);
  CHECK(ma.ready());
  CHECK(ma.forecast() == Approx(6.0));  // (3 + 6 + 9) / 3
  ma.observe(12);
  CHECK(ma.forecast() == Approx(9.0));  // (6 + 9 + 12) / 3: the oldest left the window
}

TEST_CASE("exponential smoothing: level moves alpha of the way to each observation", "[forecast]") {
  ExponentialSmoothing es(0.25, 100);
  es.observe(140);
  CHECK(es.forecast() == Approx(110.0));  // 100 + 0.25 (140 - 100)
  es.observe(110);
  CHECK(es.forecast() == Approx(110.0));
}

TEST_CASE("order-up-to stage: q_t = y_t - y_{t-1} + d_t with y = L x moving average", "[forecast]") {
  OrderUpToStage<MovingAverage> stage(2.0, MovingAverage(2));
  stage.order(10, 10);                   // window not full: passes demand through
  CHECK(stage.order(20, 20) == Approx(20));  // window full now: y = 2 x 15 = 30, first level: order = demand
  // next: forecast (20 + 30)/2 = 25, y = 50, change 20, plus demand 30 -> 50
  CHECK(stage.order(30, 30) == Approx(50));
  // constant demand after the window refills: level is flat, orders equal demand
  stage.order(30, 30);
  CHECK(stage.order(30, 30) == Approx(30));
}

TEST_CASE("order-up-to stage with shared information replaces incoming orders", "[forecast]") {
  // forecasting from consumer demand (flat 10) while replacing an incoming order of 17
  OrderUpToStage<MovingAverage> stage(3.0, MovingAverage(1));
  stage.order(10, 10);
  CHECK(stage.order(10, 17) == Approx(17));  // level unchanged, so the order is the incoming one
}
