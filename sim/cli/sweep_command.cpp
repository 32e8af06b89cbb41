// The sweep subcommands: `sweep` runs a parameter sweep on threads, MPI ranks or shards,
// `merge` builds its tables from the run directories, `analyze` computes sensitivity indices.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <tbb/global_control.h>

#include "sim/cli/commands.hpp"
#include "sim/io/yaml_reader.hpp"
#include "sim/sweep/analyze.hpp"
#include "sim/sweep/merge.hpp"
#include "sim/sweep/mpi_session.hpp"
#include "sim/sweep/output_dir.hpp"
#include "sim/sweep/progress.hpp"
#include "sim/sweep/runner.hpp"
#include "sim/sweep/validate.hpp"

namespace chan::cli {
namespace {

namespace fs = std::filesystem;

struct SweepOptions {
  std::string file;
  std::string out;    // empty: outputs/sweeps/<sweep file name>
  int threads = 0;    // 0: this machine's cores, shared among the MPI ranks on it
  std::string shard;  // "i/N", empty: all runs
  bool quiet = false;
};

sweep::Shard parseShard(const std::string& text) {
  sweep::Shard shard;
  const auto slash = text.find('/');
  auto number = [&](std::size_t from, std::size_t to, std::size_t& v) {
    const auto [end, ec] = std::from_chars(text.data() + from, text.data() + to, v);
    return from < to && ec == std::errc() && end == text.data() + to;
  };
  if (slash == std::string::npos || !number(0, slash, shard.index) || !number(slash + 1, text.size(), shard.count) ||
      shard.index >= shard.count)
    throw io::InputError("--shard " + text + ": expected i/N with 0 <= i < N (e.g. 0/4)");
  return shard;
}

int defaultThreads() {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / sweep::MpiSession::localRanks());
}

int runSweep(const SweepOptions& o) {
  sweep::MpiSession mpi;
  const int threads = o.threads > 0 ? o.threads : defaultThreads();
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  const bool leader = mpi.rank() == 0;
  std::optional<sweep::Plan> plan;
  sweep::Shard shard;
  fs::path out;
  // rank 0 checks what every rank would check alike and claims the directory; the others
  // wait for it, so no rank starts runs into a directory that belongs to another sweep
  mpi.together([&] {
    if (mpi.active() && !o.shard.empty()) throw io::InputError("--shard: not under mpirun (each rank is a shard)");
    shard = mpi.active()      ? sweep::Shard{static_cast<std::size_t>(mpi.rank()), static_cast<std::size_t>(mpi.size())}
            : o.shard.empty() ? sweep::Shard{}
                              : parseShard(o.shard);
    plan.emplace(sweep::loadSweep(o.file));
    out = o.out.empty() ? fs::path("outputs") / "sweeps" / fs::path(o.file).stem() : fs::path(o.out);
    if (!leader) return;
    sweep::validateAxes(*plan);
    sweep::validateMetrics(*plan);
    sweep::claimOutputDir(out, plan->spec());
  });
  std::vector<std::size_t> pending;
  mpi.together([&] {
    pending = sweep::pendingRuns(*plan, out, shard);
    sweep::validatePoints(*plan, pending);
  });
  const std::size_t owned = (plan->runs() + shard.count - 1 - shard.index) / shard.count;
  const auto start = std::chrono::steady_clock::now();
  mpi.together([&] {
    const std::string label = mpi.active() ? "rank " + std::to_string(mpi.rank()) + ": " : "";
    std::optional<sweep::Progress> progress;
    if (!o.quiet) progress.emplace(owned, owned - pending.size(), label);
    sweep::executeRuns(*plan, out, pending, threads, [&] {
      if (progress) progress->completed();
    });
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto ran = static_cast<std::size_t>(mpi.sum(static_cast<long long>(pending.size())));
  const bool merges = leader && (mpi.active() || shard.count == 1);
  if (merges) sweep::mergeSweep(out, *plan);
  if (o.quiet || !leader) return kExitOk;
  const sweep::SweepSpec& spec = plan->spec();
  std::printf("sweep %s: %zu runs (%s design, %zu points x %d replications)", fs::path(o.file).stem().c_str(),
              plan->runs(), sweep::designName(spec.design.type), plan->points(), spec.replications);
  if (!mpi.active() && shard.count > 1) std::printf(", shard %zu/%zu takes %zu", shard.index, shard.count, owned);
  const std::size_t mine = mpi.active() ? plan->runs() : owned;
  std::printf("\n  %zu ran, %zu already complete, in %.2f s: %.1f runs/s on %d thread%s", ran, mine - ran, seconds,
              static_cast<double>(ran) / std::max(seconds, 1e-9), threads, threads == 1 ? "" : "s");
  if (mpi.active()) std::printf(" x %d ranks", mpi.size());
  if (merges) std::printf("\n  tables: %s, %s\n", (out / "runs.csv").c_str(), (out / "aggregate.csv").c_str());
  else std::printf("\n  once every shard is done: chansim merge %s\n", out.c_str());
  return kExitOk;
}

}  // namespace

void addSweepCommand(CLI::App& app, int& exitCode) {
  auto o = std::make_shared<SweepOptions>();
  auto* cmd = app.add_subcommand("sweep", "Run a parameter sweep (threads, mpirun ranks or --shard); resumable");
  cmd->add_option("sweep", o->file, "Sweep YAML file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--out", o->out, "Output directory (default outputs/sweeps/<sweep file name>)");
  cmd->add_option("--threads", o->threads, "Worker threads (default: all cores, shared among local MPI ranks)")
      ->check(integerIn(1, 1024));
  cmd->add_option("--shard", o->shard, "Run only shard i of N (runs with id % N == i), e.g. 0/4; then chansim merge");
  cmd->add_flag("--quiet", o->quiet, "No progress and no summary");
  cmd->callback([o, &exitCode] { exitCode = guarded([&] { return runSweep(*o); }); });
}

void addMergeCommand(CLI::App& app, int& exitCode) {
  auto dir = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("merge", "Build runs.csv and aggregate.csv of a sweep from its run directories");
  cmd->add_option("dir", *dir, "Sweep output directory")->required()->check(CLI::ExistingDirectory);
  cmd->callback([dir, &exitCode] {
    exitCode = guarded([&] {
      const sweep::Plan plan(sweep::loadOutputDir(*dir));
      sweep::mergeSweep(*dir, plan);
      std::printf("merged %zu runs: %s, %s\n", plan.runs(), (fs::path(*dir) / "runs.csv").c_str(),
                  (fs::path(*dir) / "aggregate.csv").c_str());
      return kExitOk;
    });
  });
}

void addAnalyzeCommand(CLI::App& app, int& exitCode) {
  auto dir = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("analyze", "Sensitivity of a morris or sobol sweep's metrics (sensitivity.csv)");
  cmd->add_option("dir", *dir, "Sweep output directory")->required()->check(CLI::ExistingDirectory);
  cmd->callback([dir, &exitCode] {
    exitCode = guarded([&] {
      const sweep::Plan plan(sweep::loadOutputDir(*dir));
      const sweep::SensitivityTable table = sweep::analyzeSweep(*dir, plan);
      const fs::path file = fs::path(*dir) / "sensitivity.csv";
      sweep::writeSensitivityCsv(file, table);
      std::printf("%s sensitivity (%zu points x %d replications, means over replications)\n\n%s\n  written to %s\n",
                  sweep::designName(plan.spec().design.type), plan.points(), plan.spec().replications,
                  sweep::formatSensitivity(table).c_str(), file.c_str());
      return kExitOk;
    });
  });
}

}  // namespace chan::cli
