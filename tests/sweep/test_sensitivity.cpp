// Sensitivity estimators on functions with known answers, through the pure function hook:
// the design's points are turned into parameter values by the axes, exactly as for a
// simulation, and the function stands in for the run.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <numbers>
#include <string>
#include <utility>

#include "sim/sweep/plan.hpp"
#include "sim/sweep/sensitivity.hpp"

using namespace chan::sweep;

namespace {

Plan rangePlan(const std::vector<std::pair<double, double>>& ranges, DesignSpec design) {
  SweepSpec spec;
  spec.file = "function hook";
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    Axis a;
    a.key = "x";
    a.key += std::to_string(i + 1);
    a.from = ranges[i].first;
    a.to = ranges[i].second;
    spec.axes.push_back(a);
  }
  spec.design = design;
  spec.baseSeed = 3;
  return Plan(spec);
}

/// f at every design point, from the values the axes give.
std::vector<double> evaluate(const Plan& plan, const std::function<double(const std::vector<double>&)>& f) {
  std::vector<double> y;
  for (std::size_t p = 0; p < plan.points(); ++p) {
    std::vector<double> x;
    for (const std::string& v : plan.values(p)) x.push_back(std::stod(v));
    y.push_back(f(x));
  }
  return y;
}

double ishigami(const std::vector<double>& x) {
  constexpr double a = 7, b = 0.1;
  return std::sin(x[0]) + a * std::sin(x[1]) * std::sin(x[1]) + b * std::pow(x[2], 4) * std::sin(x[0]);
}

}  // namespace

TEST_CASE("Sobol indices of the Ishigami function (a = 7, b = 0.1) are within 0.005 of the analytic values") {
  constexpr double pi = std::numbers::pi;
  const Plan plan = rangePlan({{-pi, pi}, {-pi, pi}, {-pi, pi}}, {DesignType::Sobol, 1 << 14, 0, 4});
  REQUIRE(plan.points() == (1u << 14) * 5);
  const SobolIndices s = sobolIndices(evaluate(plan, ishigami), 3);
  // analytic values (Ishigami & Homma 1990; Saltelli et al. 2010); with 2^14 quasi-random
  // base samples the estimators land within 0.002 of them (measured), 0.005 leaves room
  constexpr double tolerance = 0.005;
  CHECK(s.first[0] == Approx(0.3139).margin(tolerance));
  CHECK(s.first[1] == Approx(0.4424).margin(tolerance));
  CHECK(s.first[2] == Approx(0.0).margin(tolerance));
  CHECK(s.total[0] == Approx(0.5576).margin(tolerance));
  CHECK(s.total[1] == Approx(0.4424).margin(tolerance));
  CHECK(s.total[2] == Approx(0.2437).margin(tolerance));
  for (std::size_t i = 0; i < 3; ++i) {  // bootstrap half-widths: small, but not zero
    CHECK(s.firstConf[i] > 0);
    CHECK(s.firstConf[i] < 0.05);
    CHECK(s.totalConf[i] > 0);
    CHECK(s.totalConf[i] < 0.05);
  }
}

TEST_CASE("Morris mu* of a linear function is each coefficient times its range") {
  const Plan plan = rangePlan({{0, 1}, {-1, 1}, {10, 20}}, {DesignType::Morris, 0, 12, 4});
  REQUIRE(plan.points() == 12 * 4);
  const MorrisEffects e = morrisEffects(
      plan.design(), evaluate(plan, [](const std::vector<double>& x) { return 2 * x[0] - 3 * x[1] + 0.5 * x[2]; }));
  const std::vector<double> expected = {2 * 1, 3 * 2, 0.5 * 10};  // |coefficient| x range
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(e.muStar[i] == Approx(expected[i]).epsilon(1e-9));
    CHECK(e.sigma[i] == Approx(0).margin(1e-9));
    CHECK(e.muStarConf[i] == Approx(0).margin(1e-9));  // every resample sees the same effect
  }
  CHECK(e.mu[1] == Approx(-6).epsilon(1e-9));
}

TEST_CASE("Morris sigma flags an interaction, and an unused axis has no effect") {
  const Plan plan = rangePlan({{0, 1}, {0, 1}, {0, 1}}, {DesignType::Morris, 0, 20, 4});
  const MorrisEffects e =
      morrisEffects(plan.design(), evaluate(plan, [](const std::vector<double>& x) { return x[0] * x[1]; }));
  CHECK(e.sigma[0] > 0.1);
  CHECK(e.sigma[1] > 0.1);
  CHECK(e.muStar[2] == 0);
}

TEST_CASE("Sobol indices of an additive function are its variance shares") {
  const Plan plan = rangePlan({{0, 1}, {0, 2}}, {DesignType::Sobol, 1 << 12, 0, 4});
  const SobolIndices s = sobolIndices(evaluate(plan, [](const std::vector<double>& x) { return x[0] + x[1]; }), 2);
  // Var(x1) = 1/12, Var(x2) = 4/12: S = ST = 0.2 and 0.8
  CHECK(s.first[0] == Approx(0.2).margin(0.005));
  CHECK(s.first[1] == Approx(0.8).margin(0.005));
  CHECK(s.total[0] == Approx(0.2).margin(0.005));
  CHECK(s.total[1] == Approx(0.8).margin(0.005));
}
