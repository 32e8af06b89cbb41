#pragma once
// The search loop of chansim optimize, apart from the simulation: an algorithm proposes
// candidates in the unit cube of the decision variables, they are repaired (clamped to the
// bounds, integer variables rounded) and evaluated by a Problem, and the algorithm learns from
// the scores. Keeping the simulation behind Problem lets the tests check each algorithm
// against known optima with cheap closed-form objectives.
#include <cstddef>
#include <vector>

#include "sim/optimize/opt_spec.hpp"

namespace chan::optimize {

/// A candidate's evaluation as the algorithms see it.
struct Score {
  std::vector<double> f;  // objectives to minimise (a maximised objective enters negated)
  std::vector<double> g;  // each bound as g <= 0 when met: shortfall / max(1, |bound|), in bound order
  double violation = 0;   // sum of the positive g, 0 when feasible
};

/// What the algorithms call: evaluates a batch of repaired unit points, in order.
class Problem {
 public:
  virtual ~Problem() = default;
  /// Evaluates every point (a generation); called only while budgetLeft().
  virtual std::vector<Score> evaluate(const std::vector<std::vector<double>>& points) = 0;
  /// False once the evaluation or time budget is spent (checked between generations).
  virtual bool budgetLeft() const = 0;
};

/// Clamps a point into [0, 1]^n and snaps each integer variable's coordinate onto the unit
/// coordinate of its nearest whole value ("rounding with repair": the algorithm then learns
/// from the point that was actually simulated).
std::vector<double> repair(const OptSpec& spec, const std::vector<double>& point);

/// Feasibility-first comparison (Deb 2000, "An efficient constraint handling method for
/// genetic algorithms", Comput. Methods Appl. Mech. Eng. 186): a feasible score beats an
/// infeasible one, two infeasible ones compare by violation, two feasible ones by f[0].
bool better(const Score& a, const Score& b);

/// The score of replication means (one per metricNames entry): objectives in minimising form,
/// one g per bound (a constraint with min and max gives two) as the shortfall beyond the bound
/// divided by max(1, |bound|), so that constraints in different units weigh alike.
Score scoreOf(const OptSpec& spec, const std::vector<double>& means);

/// Why a search stopped.
enum class StopReason { Budget, Converged };

/// Runs spec.algorithm on problem until the budget is spent or the steps shrink below
/// spec.tolerance. Deterministic: the same scores give the same candidates.
StopReason search(const OptSpec& spec, Problem& problem);

}  // namespace chan::optimize
