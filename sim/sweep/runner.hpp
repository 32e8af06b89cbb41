#pragma once
// Executes the runs of a sweep. Every finished run is written to its directory at once (the
// core's outputs, or summary.json only, then run.json), so results never pile up in memory
// and a killed sweep loses at most the runs in flight.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <vector>

#include "sim/sweep/plan.hpp"

namespace chan::sweep {

/// The runs one process takes: ids with id % count == index (an MPI rank, or --shard i/N).
struct Shard {
  std::size_t index = 0, count = 1;
};

/// The shard's runs that have no complete run directory yet, in id order.
std::vector<std::size_t> pendingRuns(const Plan& plan, const std::filesystem::path& out, const Shard& shard);

/// Executes the runs in parallel on the current TBB pool (sized by the caller with
/// tbb::global_control): one task per run, and each run's own parallel loops nest in the same
/// pool, so run-level and in-run parallelism share `threads` threads without oversubscription.
/// onDone is called (from worker threads) after each run is written.
void executeRuns(const Plan& plan, const std::filesystem::path& out, const std::vector<std::size_t>& runs, int threads,
                 const std::function<void()>& onDone);

}  // namespace chan::sweep
