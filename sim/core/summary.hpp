#pragma once
// Summary: a run's headline metrics (summary.json), dotted names with values in output order.
#include <string>
#include <utility>
#include <vector>

namespace chan {

/// Dotted metric names ("conflict.undercut_rate") with values, in output order.
using Summary = std::vector<std::pair<std::string, double>>;

}  // namespace chan
