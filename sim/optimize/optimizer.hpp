#pragma once
// chansim optimize: runs an optimisation file's search with every candidate simulated through
// the sweep runner (oneTBB threads, MPI ranks, resumable run directories), and writes
//   DIR/optimize.yaml   the file as read (a rerun into DIR must be the same optimisation)
//   DIR/runs/<id>/      candidate c's replication r is run c * replications + r (summary only)
//   DIR/base/runs/<r>/  the base scenario's replications, for the comparison
//   DIR/history.csv     every candidate proposed, in order (rewritten after each generation)
//   DIR/pareto.csv      two objectives: the feasible non-dominated candidates
//   DIR/best.yaml       the base scenario with the best candidate's values filled in
//   DIR/optimum.json    best (or front) and base: values, metrics with 95% intervals, constraints
// Every replication r of every candidate runs with the same seed and stream index (common
// random numbers), and the algorithm is a pure function of the scores, so a killed
// optimisation rerun with the same command replays the finished generations from their run
// directories and ends with the same result, at any thread or rank count.
#include <cstddef>
#include <filesystem>
#include <string>

#include "sim/optimize/opt_spec.hpp"
#include "sim/optimize/search.hpp"
#include "sim/sweep/mpi_session.hpp"

namespace chan::optimize {

struct OptimizeOptions {
  std::filesystem::path out;  // output directory
  int threads = 1;            // the TBB pool's size (the caller sets tbb::global_control)
  bool quiet = false;         // no progress lines on stderr
};

struct Outcome {
  std::size_t evaluations = 0;  // candidates proposed (rows of history.csv)
  std::size_t simulated = 0;    // distinct candidates (each run replications times)
  StopReason stop = StopReason::Budget;
  double seconds = 0;  // wall time of this call
};

/// Checks the scenario, the variables and the metric names (io::InputError on a mistake,
/// located in the optimisation file), then optimises. Collective under MPI.
Outcome runOptimization(const OptSpec& spec, const OptimizeOptions& options, const sweep::MpiSession& mpi);

/// Summary keys that the report shows for the best candidate and the base scenario besides
/// the objectives and constraints, when the scenario produces them.
const std::vector<std::string>& headlineMetrics();

}  // namespace chan::optimize
