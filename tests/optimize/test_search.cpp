// The search algorithms against known optima, with cheap objectives computed here from the
// validation cases' settings (../shared/VALIDATION.md): the newsvendor's critical fractile
// (case 8), the Salop store count (case 6), constrained and bound-only quadratics for NLopt's
// COBYLA and BOBYQA, and a two-objective front for NSGA-II.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>

#include "sim/core/rng.hpp"
#include "sim/optimize/nsga2.hpp"
#include "sim/optimize/search.hpp"

using namespace chan;
using namespace chan::optimize;

namespace {

/// A Problem from a function of the variables' values (not unit coordinates); counts proposals.
class FunctionProblem final : public Problem {
 public:
  FunctionProblem(const OptSpec& spec, std::function<Score(const std::vector<double>&)> f)
      : m_spec(spec), m_f(std::move(f)) {}
  std::vector<Score> evaluate(const std::vector<std::vector<double>>& points) override {
    std::vector<Score> out;
    for (const auto& p : points) {
      std::vector<double> x;
      for (std::size_t d = 0; d < p.size(); ++d) x.push_back(std::stod(m_spec.variables[d].valueAt(p[d])));
      out.push_back(m_f(x));
      seen.push_back(x);
    }
    return out;
  }
  bool budgetLeft() const override { return static_cast<long>(seen.size()) < m_spec.maxEvaluations; }
  std::vector<std::vector<double>> seen;  // every proposal's values

 private:
  const OptSpec& m_spec;
  std::function<Score(const std::vector<double>&)> m_f;
};

sweep::Axis variable(const std::string& key, double from, double to, bool integer = false) {
  sweep::Axis a;
  a.key = key;
  a.from = from;
  a.to = to;
  a.integer = integer;
  return a;
}

OptSpec specWith(Algorithm algorithm, std::vector<sweep::Axis> vars, long budget) {
  OptSpec s;
  s.variables = std::move(vars);
  s.start.assign(s.variables.size(), 0.5);
  s.algorithm = algorithm;
  s.maxEvaluations = budget;
  s.objectives.push_back({"objective", true, ""});
  s.seed = 3;
  return s;
}

/// The best proposal by the feasibility-first rule (the optimiser's report of the optimum).
std::vector<double> bestOf(FunctionProblem& p, const std::function<Score(const std::vector<double>&)>& f) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < p.seen.size(); ++i)
    if (better(f(p.seen[i]), f(p.seen[best]))) best = i;
  return p.seen[best];
}

double normalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

}  // namespace

TEST_CASE("cma-es finds the newsvendor's critical-fractile order on common random numbers", "[optimize]") {
  // case 8: mu = 100, sd = 20, price 10, cost 4, salvage 2: fractile (p - c)/(p - s) = 0.75,
  // q* = mu + z sd with Phi(z) = 0.75, z = 0.6744897501960817, so q* = 113.4898
  std::vector<double> demand(20000);
  Stream rng(7, 0, 0, StreamPurpose::Shopping, 0);
  for (std::size_t i = 0; i < demand.size(); ++i) {
    // stratified normal draws by inverting Phi with bisection (the same draws for every q: CRN)
    const double u = (static_cast<double>(i) + rng.uniform()) / static_cast<double>(demand.size());
    double lo = -10, hi = 10;
    for (int k = 0; k < 80; ++k) (normalCdf(0.5 * (lo + hi)) < u ? lo : hi) = 0.5 * (lo + hi);
    demand[i] = 100 + 20 * 0.5 * (lo + hi);
  }
  const auto profit = [&](const std::vector<double>& x) {
    double total = 0;
    for (double d : demand) total += 10 * std::min(x[0], d) + 2 * std::max(0.0, x[0] - d) - 4 * x[0];
    return Score{{-total / static_cast<double>(demand.size())}, {}, 0};
  };
  OptSpec spec = specWith(Algorithm::Cmaes, {variable("order", 50, 200)}, 200);
  spec.tolerance = 1e-5;
  FunctionProblem problem(spec, profit);
  search(spec, problem);
  CHECK(bestOf(problem, profit)[0] == Approx(113.4898).margin(1.0));
}

TEST_CASE("cma-es with integer rounding finds the Salop store count that maximises surplus net of fixed costs",
          "[optimize]") {
  // case 6: n stores evenly on a circle of length 1, transport cost t per unit distance, fixed
  // cost F per store; the total of transport and fixed costs n F + t/(4n) is least at
  // n* = (1/2) sqrt(t/F) (half the free-entry count sqrt(t/F)). t = 1, F = 1/400: n* = 10.
  // Transport cost is summed here over 4000 consumers at the quantiles, not taken from 1/(4n).
  const double t = 1, F = 1.0 / 400;
  const auto surplus = [&](const std::vector<double>& x) {
    const int n = static_cast<int>(x[0]);
    REQUIRE(x[0] == std::round(x[0]));  // integer variables are simulated at whole values
    double transport = 0;
    for (int i = 0; i < 4000; ++i) {
      const double at = (i + 0.5) / 4000 * n;  // position in store spacings; stores at whole numbers
      const double frac = at - std::floor(at);
      transport += t * std::min(frac, 1 - frac) / n;
    }
    return Score{{transport / 4000 + n * F}, {}, 0};  // minimised: costs
  };
  OptSpec spec = specWith(Algorithm::Cmaes, {variable("stores", 1, 40, true)}, 120);
  spec.objectives[0].maximize = false;
  FunctionProblem problem(spec, surplus);
  search(spec, problem);
  CHECK(bestOf(problem, surplus)[0] == 10);
}

TEST_CASE("cobyla stops on a binding constraint and bobyqa finds a bound-constrained minimum", "[optimize]") {
  // min (x - 0.8)^2 subject to x <= 0.5: the constraint binds, x* = 0.5
  OptSpec spec = specWith(Algorithm::Cobyla, {variable("x", 0, 1)}, 200);
  spec.objectives[0].maximize = false;
  spec.constraints.push_back({"x", false, true, 0, 0.5, ""});
  const auto f = [](const std::vector<double>& x) {
    Score s{{(x[0] - 0.8) * (x[0] - 0.8)}, {x[0] - 0.5}, 0};
    s.violation = std::max(0.0, s.g[0]);
    return s;
  };
  FunctionProblem cobyla(spec, f);
  CHECK(search(spec, cobyla) == StopReason::Converged);
  CHECK(bestOf(cobyla, f)[0] == Approx(0.5).margin(1e-3));

  // min (x - 0.3)^2 + (y + 2)^2 on [0, 1] x [-1, 1]: the lower bound of y binds, (0.3, -1)
  OptSpec box = specWith(Algorithm::Bobyqa, {variable("x", 0, 1), variable("y", -1, 1)}, 300);
  box.objectives[0].maximize = false;
  const auto q = [](const std::vector<double>& x) {
    return Score{{(x[0] - 0.3) * (x[0] - 0.3) + (x[1] + 2) * (x[1] + 2)}, {}, 0};
  };
  FunctionProblem bobyqa(box, q);
  search(box, bobyqa);
  const std::vector<double> best = bestOf(bobyqa, q);
  CHECK(best[0] == Approx(0.3).margin(1e-3));
  CHECK(best[1] == Approx(-1).margin(1e-6));
}

TEST_CASE("cma-es under a feasibility-first rule ends on the constraint boundary", "[optimize]") {
  // maximise x + y subject to x^2 + y^2 <= 1 on [-2, 2]^2: x = y = 1/sqrt(2), objective sqrt(2)
  OptSpec spec = specWith(Algorithm::Cmaes, {variable("x", -2, 2), variable("y", -2, 2)}, 1200);
  spec.constraints.push_back({"r2", false, true, 0, 1, ""});
  const auto f = [](const std::vector<double>& x) {
    Score s{{-(x[0] + x[1])}, {x[0] * x[0] + x[1] * x[1] - 1}, 0};
    s.violation = std::max(0.0, s.g[0]);
    return s;
  };
  FunctionProblem problem(spec, f);
  search(spec, problem);
  const std::vector<double> best = bestOf(problem, f);
  CHECK(f(best).violation == 0);
  CHECK(best[0] + best[1] == Approx(std::sqrt(2.0)).margin(5e-3));
}

TEST_CASE("non-dominated sorting and crowding follow Deb's definitions on a hand example", "[optimize]") {
  // minimise both: a(1,4) b(2,2) c(4,1) are mutually non-dominated; d(3,3) is dominated by b;
  // e(1,1) infeasible loses to every feasible point under constrained domination
  std::vector<Score> s = {{{1, 4}, {}, 0}, {{2, 2}, {}, 0}, {{4, 1}, {}, 0}, {{3, 3}, {}, 0}, {{1, 1}, {}, 0.5}};
  const std::vector<int> front = frontOf(s);
  CHECK(front == std::vector<int>{0, 0, 0, 1, 2});
  // crowding of the first front: ends infinite; b's = (4-1)/(4-1) + (4-1)/(4-1) = 2
  const std::vector<double> d = crowding(s, {0, 1, 2});
  CHECK(std::isinf(d[0]));
  CHECK(d[1] == Approx(2.0));
  CHECK(std::isinf(d[2]));
}

TEST_CASE("nsga2 spreads a front along the known Pareto set of two quadratics", "[optimize]") {
  // minimise x^2 and (x - 1)^2 (+ y^2 on both) over [-1, 2] x [-1, 1]: the Pareto set is
  // 0 <= x <= 1, y = 0, whose front is f2 = (1 - sqrt(f1))^2
  OptSpec spec = specWith(Algorithm::Nsga2, {variable("x", -1, 2), variable("y", -1, 1)}, 20 * 30);
  spec.population = 20;
  spec.objectives = {{"f1", false, ""}, {"f2", false, ""}};
  const auto f = [](const std::vector<double>& x) {
    return Score{{x[0] * x[0] + x[1] * x[1], (x[0] - 1) * (x[0] - 1) + x[1] * x[1]}, {}, 0};
  };
  FunctionProblem problem(spec, f);
  search(spec, problem);
  std::vector<Score> scores;
  for (const auto& x : problem.seen) scores.push_back(f(x));
  const std::vector<int> level = frontOf(scores);
  double lo = 1, hi = 0, meanY = 0;
  int onFront = 0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (level[i] != 0) continue;
    ++onFront;
    // within reach of the Pareto set: 0 <= x <= 1, y = 0 (a front of 600 evaluations is not exact)
    INFO("x = " << problem.seen[i][0] << ", y = " << problem.seen[i][1]);
    CHECK(std::fabs(problem.seen[i][1]) < 0.2);
    meanY += std::fabs(problem.seen[i][1]);
    CHECK(problem.seen[i][0] > -0.05);
    CHECK(problem.seen[i][0] < 1.05);
    lo = std::min(lo, problem.seen[i][0]);
    hi = std::max(hi, problem.seen[i][0]);
  }
  CHECK(onFront >= 20);
  CHECK(meanY / onFront < 0.05);  // on average close to y = 0
  CHECK(lo < 0.1);                // the front reaches both ends of the Pareto set
  CHECK(hi > 0.9);
}

TEST_CASE("repair clamps to the bounds and snaps integer variables to whole values", "[optimize]") {
  OptSpec spec = specWith(Algorithm::Cmaes, {variable("a", 0, 1), variable("n", 2, 6, true)}, 1);
  // n's unit coordinate 0.3 is 2 + 0.3 * 4 = 3.2 -> 3, i.e. unit (3 - 2)/4 = 0.25
  const std::vector<double> r = repair(spec, {-0.5, 0.3});
  CHECK(r[0] == 0.0);
  CHECK(r[1] == 0.25);
  CHECK(repair(spec, {1.5, 1.2})[1] == 1.0);
}
