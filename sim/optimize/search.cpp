#include "sim/optimize/search.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>

#include <nlopt.hpp>

#include "sim/optimize/cmaes.hpp"
#include "sim/optimize/nsga2.hpp"

namespace chan::optimize {
namespace {

std::size_t indexOf(const std::vector<std::string>& names, const std::string& name) {
  return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

StopReason runCmaes(const OptSpec& spec, Problem& problem) {
  Cmaes es(spec.start, spec.sigma, spec.population, spec.seed);
  while (problem.budgetLeft()) {
    std::vector<std::vector<double>> points = es.ask();
    for (auto& p : points) p = repair(spec, p);
    const std::vector<Score> scores = problem.evaluate(points);
    std::vector<std::size_t> rank(points.size());
    for (std::size_t i = 0; i < rank.size(); ++i) rank[i] = i;
    std::stable_sort(rank.begin(), rank.end(),
                     [&](std::size_t a, std::size_t b) { return better(scores[a], scores[b]); });
    es.tell(points, rank);
    if (es.spread() < spec.tolerance) return StopReason::Converged;
  }
  return StopReason::Budget;
}

StopReason runNsga2(const OptSpec& spec, Problem& problem) {
  // default 4n + 4 (even): enough parents for crossover to mix every pair of variables
  const int population = spec.population > 0 ? spec.population : 4 * static_cast<int>(spec.variables.size()) + 4;
  Nsga2 ga(static_cast<int>(spec.variables.size()), std::max(4, population), spec.seed);
  while (problem.budgetLeft()) {
    std::vector<std::vector<double>> points = ga.ask();
    for (auto& p : points) p = repair(spec, p);
    ga.tell(points, problem.evaluate(points));
  }
  return StopReason::Budget;
}

struct NloptContext {
  const OptSpec* spec;
  Problem* problem;
  std::vector<double> lastX;
  Score last;
  std::exception_ptr failure;  // NLopt's C++ wrapper swallows callbacks' exceptions: kept to rethrow
  bool spent = false;
};

struct NloptBound {
  NloptContext* context;
  std::size_t index;  // which g
};

/// The score at x, evaluated once per distinct point (COBYLA asks for f and every g at each x).
const Score& scoreAt(NloptContext& c, const double* x) {
  const std::vector<double> point = repair(*c.spec, std::vector<double>(x, x + c.spec->variables.size()));
  if (point != c.lastX) {
    if (!c.problem->budgetLeft()) {
      c.spent = true;
      throw nlopt::forced_stop();
    }
    c.last = c.problem->evaluate({point}).at(0);
    c.lastX = point;
  }
  return c.last;
}

double nloptObjective(unsigned, const double* x, double*, void* data) {
  auto& c = *static_cast<NloptContext*>(data);
  try {
    return scoreAt(c, x).f[0];
  } catch (const nlopt::forced_stop&) {
    throw;
  } catch (...) {
    c.failure = std::current_exception();
    throw nlopt::forced_stop();
  }
}

double nloptConstraint(unsigned, const double* x, double*, void* data) {
  auto& b = *static_cast<NloptBound*>(data);
  try {
    return scoreAt(*b.context, x).g.at(b.index);
  } catch (const nlopt::forced_stop&) {
    throw;
  } catch (...) {
    b.context->failure = std::current_exception();
    throw nlopt::forced_stop();
  }
}

/// COBYLA (Powell 1994) with each bound as an inequality, or BOBYQA (Powell 2009) with box
/// bounds only, from Debian's NLopt; one candidate per call, so each generation is one candidate.
StopReason runNlopt(const OptSpec& spec, Problem& problem) {
  const auto n = static_cast<unsigned>(spec.variables.size());
  nlopt::opt opt(spec.algorithm == Algorithm::Cobyla ? nlopt::LN_COBYLA : nlopt::LN_BOBYQA, n);
  opt.set_lower_bounds(std::vector<double>(n, 0.0));
  opt.set_upper_bounds(std::vector<double>(n, 1.0));
  opt.set_initial_step(std::vector<double>(n, spec.sigma));
  opt.set_xtol_abs(std::vector<double>(n, spec.tolerance));
  NloptContext ctx{&spec, &problem, {}, {}, nullptr, false};
  opt.set_min_objective(nloptObjective, &ctx);
  std::vector<NloptBound> bounds;
  for (const Constraint& c : spec.constraints)
    for (int k = 0; k < (c.hasMin ? 1 : 0) + (c.hasMax ? 1 : 0); ++k) bounds.push_back({&ctx, bounds.size()});
  for (NloptBound& b : bounds) opt.add_inequality_constraint(nloptConstraint, &b, 0.0);
  std::vector<double> x = spec.start;
  double fx = 0;
  try {
    opt.optimize(x, fx);
  } catch (const nlopt::forced_stop&) {
  } catch (const nlopt::roundoff_limited&) {  // converged as far as floating point allows
  }
  if (ctx.failure) std::rethrow_exception(ctx.failure);
  return ctx.spent ? StopReason::Budget : StopReason::Converged;
}

}  // namespace

std::vector<double> repair(const OptSpec& spec, const std::vector<double>& point) {
  std::vector<double> out(point.size());
  for (std::size_t d = 0; d < point.size(); ++d) {
    double u = std::clamp(std::isfinite(point[d]) ? point[d] : 0.5, 0.0, 1.0);
    const sweep::Axis& v = spec.variables[d];
    if (v.integer) {
      const double value = std::round(v.from + u * (v.to - v.from));
      u = (value - v.from) / (v.to - v.from);
    }
    out[d] = u;
  }
  return out;
}

bool better(const Score& a, const Score& b) {
  const bool fa = a.violation == 0, fb = b.violation == 0;
  if (fa != fb) return fa;
  if (!fa) return a.violation < b.violation;
  return a.f[0] < b.f[0];
}

Score scoreOf(const OptSpec& spec, const std::vector<double>& means) {
  const std::vector<std::string> names = metricNames(spec);
  Score s;
  for (const Objective& o : spec.objectives) {
    const double v = means[indexOf(names, o.metric)];
    // a NaN objective (a ratio over zero sales, say) ranks last rather than poisoning the order
    s.f.push_back(std::isnan(v) ? std::numeric_limits<double>::max() : (o.maximize ? -v : v));
  }
  for (const Constraint& c : spec.constraints) {
    const double v = means[indexOf(names, c.metric)];
    if (c.hasMin) s.g.push_back(std::isnan(v) ? 1.0 : (c.min - v) / std::max(1.0, std::fabs(c.min)));
    if (c.hasMax) s.g.push_back(std::isnan(v) ? 1.0 : (v - c.max) / std::max(1.0, std::fabs(c.max)));
  }
  for (double g : s.g) s.violation += std::max(0.0, g);
  return s;
}

StopReason search(const OptSpec& spec, Problem& problem) {
  switch (spec.algorithm) {
    case Algorithm::Cmaes: return runCmaes(spec, problem);
    case Algorithm::Nsga2: return runNsga2(spec, problem);
    case Algorithm::Cobyla:
    case Algorithm::Bobyqa: return runNlopt(spec, problem);
  }
  return StopReason::Budget;
}

}  // namespace chan::optimize
