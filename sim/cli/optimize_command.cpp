// The optimize subcommand: searches a scenario's decision variables for the best objective
// under constraints (or a Pareto front of two objectives), each candidate simulated through
// the sweep runner with common random numbers; resumable with the same command.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include <tbb/global_control.h>

#include "sim/cli/commands.hpp"
#include "sim/optimize/optimizer.hpp"

namespace chan::cli {
namespace {

namespace fs = std::filesystem;

struct OptimizeCliOptions {
  std::string file;
  std::string out;  // empty: outputs/optimize/<file name>
  int threads = 0;  // 0: this machine's cores, shared among the MPI ranks on it
  bool quiet = false;
};

int runOptimize(const OptimizeCliOptions& o) {
  sweep::MpiSession mpi;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int threads = o.threads > 0 ? o.threads : std::max(1, cores / sweep::MpiSession::localRanks());
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  optimize::OptSpec spec;
  mpi.together([&] { spec = optimize::loadOptSpec(o.file); });
  optimize::OptimizeOptions options;
  options.out = o.out.empty() ? fs::path("outputs") / "optimize" / fs::path(o.file).stem() : fs::path(o.out);
  options.threads = threads;
  options.quiet = o.quiet || mpi.rank() != 0;
  optimize::runOptimization(spec, options, mpi);
  if (mpi.rank() == 0 && !o.quiet)
    std::printf("optimize %s: %s\n", fs::path(o.file).stem().c_str(), (options.out / "optimum.json").c_str());
  return kExitOk;
}

}  // namespace

void addOptimizeCommand(CLI::App& app, int& exitCode) {
  auto o = std::make_shared<OptimizeCliOptions>();
  auto* cmd = app.add_subcommand(
      "optimize",
      "Find the decision values that optimise a summary key under constraints (cmaes, cobyla, bobyqa, nsga2)");
  cmd->add_option("optimization", o->file, "Optimisation YAML file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--out", o->out, "Output directory (default outputs/optimize/<file name>)");
  cmd->add_option("--threads", o->threads, "Worker threads (default: all cores, shared among local MPI ranks)")
      ->check(CLI::Range(1, 1024));
  cmd->add_flag("--quiet", o->quiet, "No progress and no summary");
  cmd->callback([o, &exitCode] { exitCode = guarded([&] { return runOptimize(*o); }); });
}

}  // namespace chan::cli
