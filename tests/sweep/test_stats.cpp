// Student's t quantiles against published tables, and the interval built from them.
#include <catch2/catch.hpp>

#include <cmath>

#include "sim/sweep/stats.hpp"

using chan::sweep::meanInterval;
using chan::sweep::studentQuantile;

TEST_CASE("Student's t quantiles match the published tables") {
  // t_{0.975, dof} (e.g. Abramowitz & Stegun table 26.10)
  CHECK(studentQuantile(0.975, 1) == Approx(12.7062047362).epsilon(1e-9));
  CHECK(studentQuantile(0.975, 2) == Approx(4.30265272975).epsilon(1e-9));
  CHECK(studentQuantile(0.975, 5) == Approx(2.57058183661).epsilon(1e-9));
  CHECK(studentQuantile(0.975, 29) == Approx(2.04522964213).epsilon(1e-9));
  CHECK(studentQuantile(0.975, 1000) == Approx(1.96233908082).epsilon(1e-9));
  CHECK(studentQuantile(0.995, 10) == Approx(3.16927267262).epsilon(1e-9));
  CHECK(studentQuantile(0.5, 7) == Approx(0).margin(1e-12));
  CHECK(studentQuantile(0.025, 5) == Approx(-2.57058183661).epsilon(1e-9));
  CHECK_THROWS(studentQuantile(1.0, 5));
}

TEST_CASE("the 95% interval of a mean uses Student's t with n - 1 degrees of freedom") {
  const auto i = meanInterval({1, 2, 3, 4});
  CHECK(i.mean == 2.5);
  CHECK(i.sd == Approx(std::sqrt(5.0 / 3.0)));
  const double half = 3.18244630528 * std::sqrt(5.0 / 3.0) / 2;  // t_{0.975,3} sd / sqrt(4)
  CHECK(i.low == Approx(2.5 - half));
  CHECK(i.high == Approx(2.5 + half));
  const auto one = meanInterval({7});
  CHECK(one.mean == 7);
  CHECK(std::isnan(one.sd));
  CHECK(std::isnan(one.low));
}
