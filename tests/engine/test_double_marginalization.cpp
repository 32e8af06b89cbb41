// Validation case 1 (../shared/VALIDATION.md): double marginalisation in a serial chain
// (Spengler 1950). Every reseller prices by numerical best response against the demand it
// probes (the tiers below re-optimising), consumers have reservation prices at the quantiles
// of U[0, a/b], and the closed form below is only the expected value beside the simulation.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "sim/validation/cases.hpp"
#include "sim/validation/steady_state.hpp"

namespace {

using chan::validation::ChainParams;
using chan::validation::Coordination;

chan::validation::SteadyTick runChain(const ChainParams& p, int tiers, Coordination coordination) {
  return chan::validation::runSteady(
      chan::validation::scenarioFromText(chan::validation::serialChainYaml(p, tiers, coordination), "chain"));
}

}  // namespace

TEST_CASE("double marginalisation: best-response tiers reproduce Spengler's chain", "[validation]") {
  const double a = 100, b = 2, c = 10;
  for (int n = 1; n <= 4; ++n) {
    DYNAMIC_SECTION("n = " << n) {
      const auto r = runChain({a, b, c, 1000}, n, Coordination::None);
      // closed form: margin of tier k is (a/b - c) / 2^k, q = (a - b c) / 2^n,
      // profit of tier k is (a - b c)^2 / (b 2^(n+k))
      double price = c;
      for (int k = 1; k <= n; ++k) {
        price += (a / b - c) / std::pow(2.0, k);
        CHECK(r.price[static_cast<std::size_t>(k)] == Approx(price).epsilon(1e-4));
        CHECK(r.profit[static_cast<std::size_t>(k)] ==
              Approx((a - b * c) * (a - b * c) / (b * std::pow(2.0, n + k))).epsilon(1e-4));
      }
      CHECK(r.consumerUnits == Approx((a - b * c) / std::pow(2.0, n)).epsilon(1e-4));
      double channel = 0;
      for (double p : r.profit) channel += p;
      const double integrated = (a - b * c) * (a - b * c) / (4 * b);  // one owner: p = (a/b + c) / 2
      CHECK(channel / integrated == Approx(4.0 * (std::pow(2.0, n) - 1) / std::pow(4.0, n)).epsilon(1e-4));
    }
  }
}

TEST_CASE("double marginalisation: other parameters follow the same closed form", "[validation]") {
  const double a = 60, b = 0.5, c = 20;  // a/b = 120
  const auto r = runChain({a, b, c, 1000}, 3, Coordination::None);
  CHECK(r.price[3] == Approx(c + (a / b - c) * (0.5 + 0.25 + 0.125)).epsilon(1e-4));
  CHECK(r.consumerUnits == Approx((a - b * c) / 8).epsilon(1e-4));
}

TEST_CASE("double marginalisation: resale price maintenance at the integrated price restores q", "[validation]") {
  // the outlet must sell at (a/b + c)/2 = 30; the distributor above best-responds to that
  const double a = 100, b = 2, c = 10;
  ChainParams p{a, b, c, 1000};
  p.rpmPrice = 30;
  const auto r = runChain(p, 2, Coordination::ResalePriceMaintenance);
  CHECK(r.consumerUnits == Approx(40).epsilon(1e-4));
  double channel = 0;
  for (double p : r.profit) channel += p;
  CHECK(channel == Approx(800).epsilon(1e-4));
}
