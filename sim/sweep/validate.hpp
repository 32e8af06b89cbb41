#pragma once
// Checks, before any run starts, what the sweep file alone cannot show: that each axis's key
// path fits the scenario, that every point to be run yields a valid scenario, and that every
// metric names an entry of the summary. A mistake thus costs seconds, not a half-finished
// sweep. Errors are io::InputError located in the sweep file.
#include <cstddef>
#include <string>
#include <vector>

#include "sim/sweep/plan.hpp"

namespace chan::sweep {

/// Applies each axis alone (at the first point) to the scenario.
void validateAxes(const Plan& plan);

/// The summary keys of one tick of scenario `file` with the overrides `sets` (what a metric,
/// objective or constraint may name).
std::vector<std::string> summaryNames(const std::string& file, std::vector<std::string> sets);

/// Runs one tick of the first point of each scenario file and looks every metric up in its
/// summary ("did you mean" on a near miss).
void validateMetrics(const Plan& plan);

/// Loads the scenario of every point that the given runs (in id order) use.
void validatePoints(const Plan& plan, const std::vector<std::size_t>& runs);

}  // namespace chan::sweep
