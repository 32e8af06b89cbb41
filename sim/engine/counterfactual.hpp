#pragma once
// A twin run: the same scenario run twice, with and without a change (`--counterfactual`), on
// common random numbers. Every draw is keyed by (seed, run, tick, purpose, agent), so the two
// runs share their consumers, places and draws, and their differences are the change's effect,
// not noise. It answers what the choice model cannot see on its own: stock-outs, supply and
// prices that respond to the change (README "Counterfactual runs").
#include <string>
#include <vector>

#include "sim/core/summary.hpp"
#include "sim/engine/engine.hpp"

namespace chan {

/// One compared quantity: `level` is summary, group, tier, kind or member; `name` the group,
/// tier, kind or member it belongs to (the metric's own name at the summary level).
struct TwinDifference {
  std::string level, name, metric;
  double base = 0, variant = 0;
};

/// Units sold, revenue and profit by group (matched by name), tier and kind, profit and units
/// by member (when both runs have the same members), and every summary metric both runs have.
std::vector<TwinDifference> compareRuns(const Engine& base, const Summary& baseSummary, const Engine& variant,
                                        const Summary& variantSummary);

}  // namespace chan
