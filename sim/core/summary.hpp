#pragma once
// Summary: a run's headline metrics (summary.json), dotted names with values in output order.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace chan {

/// Dotted metric names ("conflict.undercut_rate") with values, in output order.
using Summary = std::vector<std::pair<std::string, double>>;

/// Metrics that need a settled channel (bullwhip, the pre-disruption baseline) leave out the
/// first 1/kUnsettledShare of the measured ticks when the scenario sets no `warmup`.
inline constexpr std::size_t kUnsettledShare = 10;

}  // namespace chan
