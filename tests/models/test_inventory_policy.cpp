// Stock-point simulation and the sample-average newsvendor (models/inventory_policy.hpp).
#include <catch2/catch.hpp>

#include <cmath>

#include "models/inventory_policy.hpp"

using namespace chan::models;

TEST_CASE("stock point: constant demand below the base stock never runs out", "[inventory]") {
  // base stock S = 10, lead 2, demand 3 every period: the pipeline holds 3 (L+1) = 9 units of
  // demand, so the end-of-period stock settles at S - 9 = 1 and every unit ships from stock
  const StockStats s = simulateStock({9, 10, 2}, [] { return 3.0; }, 1000, 100);
  CHECK(s.readyRate == Approx(1.0));
  CHECK(s.fillRate == Approx(1.0));
  CHECK(s.backorders == Approx(0.0));
  CHECK(s.onHand == Approx(1.0));
  CHECK(s.orderFrequency == Approx(1.0));
}

TEST_CASE("stock point: too little base stock backorders the shortfall every period", "[inventory]") {
  // S = 5, lead 1, demand 4: position after ordering is always 5, and end-of-period net stock
  // is 5 - 4 (L+1) = -3: three units backordered, none on hand, never ready
  const StockStats s = simulateStock({4, 5, 1}, [] { return 4.0; }, 1000, 100);
  CHECK(s.readyRate == Approx(0.0));
  CHECK(s.backorders == Approx(3.0));
  CHECK(s.onHand == Approx(0.0));
  // each period 4 arrive and 4 are demanded, but the 3 backordered take the arrivals first:
  // one unit a period leaves from stock on hand
  CHECK(s.fillRate == Approx(0.25));
}

TEST_CASE("stock point: (s,S) orders once per cycle of (S - s) / demand periods", "[inventory]") {
  // demand 2, s = 4, S = 10, lead 0: the position falls 10, 8, 6, 4 -> order 6: every third period
  const StockStats s = simulateStock({4, 10, 0}, [] { return 2.0; }, 3000, 99);
  CHECK(s.orderFrequency == Approx(1.0 / 3.0));
}

TEST_CASE("newsvendor: sample-average sales and the critical fractile", "[inventory]") {
  // observed demands 1..100: mean sales at q = 50.5 are (1 + ... + 50 + 50 x 50.5) / 100
  std::vector<double> d;
  for (int i = 1; i <= 100; ++i) d.push_back(i);
  const SampleAverageNewsvendor nv(d);
  CHECK(nv.meanSales(50.5) == Approx((50.0 * 51.0 / 2.0 + 50.0 * 50.5) / 100.0));
  CHECK(nv.meanLeftover(50.5) == Approx(50.5 - nv.meanSales(50.5)));
  // price 10, cost 3, no salvage: fractile 0.7 -> the 70th smallest observation
  CHECK(nv.bestOrder(10, 3, 0) == Approx(70.0).margin(1.0));
}
