#pragma once
// Tables of a finished sweep, built from its run directories alone and streamed in run id
// order, so they are byte-identical however the runs were scheduled (threads, MPI ranks,
// shards, resumes) and never need all results in memory:
//   runs.csv       run_id, point_id, replication, seed, every axis, every metric
//   aggregate.csv  point_id, every axis, replications, then per metric <m>.mean, <m>.sd,
//                  <m>.ci_low, <m>.ci_high (95% CI of the mean, Student's t)
#include <filesystem>

#include "sim/sweep/plan.hpp"

namespace chan::sweep {

/// Writes both tables into out; throws std::runtime_error when some runs are not complete.
void mergeSweep(const std::filesystem::path& out, const Plan& plan);

}  // namespace chan::sweep
