#include "sim/sweep/runner.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>

#include <sys/resource.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>

#include "sim/engine/engine.hpp"
#include "sim/io/atomic_file.hpp"
#include "sim/io/run_output.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/sweep/output_dir.hpp"
#include "sim/sweep/run_writer.hpp"

namespace chan::sweep {
namespace {

namespace fs = std::filesystem;

double peakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

/// A simulated run waiting to be written. Heap-allocated and never moved: the engine keeps a
/// pointer to the spec beside it.
struct FinishedRun {
  std::size_t run = 0;
  std::string file;
  std::vector<std::string> sets;
  ScenarioSpec spec;
  std::optional<Engine> engine;
  Summary summary;
  std::vector<double> metrics;
  double seconds = 0;
};

std::vector<double> collect(const Summary& summary, const std::vector<std::string>& metrics, std::size_t run) {
  std::vector<double> values;
  for (const std::string& name : metrics) {
    const auto it = std::find_if(summary.begin(), summary.end(), [&](const auto& e) { return e.first == name; });
    // validation checked the first point of each scenario; a point can still drop a metric
    // (a tier that an override removed, say)
    if (it == summary.end())
      throw std::runtime_error("run " + std::to_string(run) + ": its summary has no metric " + name);
    values.push_back(it->second);
  }
  return values;
}

std::shared_ptr<FinishedRun> simulate(const Plan& plan, const fs::path& out, std::size_t run) {
  fs::remove_all(runDir(out, run));  // whatever a killed attempt left behind
  const auto start = std::chrono::steady_clock::now();
  auto r = std::make_shared<FinishedRun>();
  r->run = run;
  r->file = plan.scenarioFile(plan.pointOf(run));
  r->sets = plan.overrides(run);
  r->spec = io::loadScenario(r->file, r->sets);
  r->engine.emplace(r->spec);
  r->engine->run();
  r->summary = r->engine->summary();
  r->metrics = collect(r->summary, plan.spec().metrics, run);
  r->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

void save(const FinishedRun& r, const Plan& plan, const fs::path& out, int threads) {
  const fs::path dir = runDir(out, r.run);
  if (plan.spec().summaryOnly) io::writeFileAtomic(dir / "summary.json", io::summaryJson(r.summary));
  else io::writeRunOutputs(dir, *r.engine, r.summary, io::RunInfo{r.file, r.sets, threads, r.seconds, peakRssMb(), {}});
  writeRunRecord(dir, plan, r.run, r.metrics);  // last: marks the run complete
}

}  // namespace

std::vector<std::size_t> pendingRuns(const Plan& plan, const fs::path& out, const Shard& shard) {
  std::vector<std::size_t> runs;
  for (std::size_t run = shard.index; run < plan.runs(); run += shard.count)
    if (!isComplete(runDir(out, run))) runs.push_back(run);
  return runs;
}

void executeRuns(const Plan& plan, const fs::path& out, const std::vector<std::size_t>& runs, int threads,
                 const std::function<void()>& onDone) {
  // two writers per compute thread keep a disk with ~5 ms fsyncs ahead of the simulation
  RunWriter writer(std::max(4, 2 * threads));
  // grain 1 with simple_partitioner: one task per run, so idle threads steal single runs
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, runs.size(), 1),
      [&](const tbb::blocked_range<std::size_t>& range) {
        for (std::size_t i = range.begin(); i != range.end(); ++i) {
          std::shared_ptr<FinishedRun> finished = simulate(plan, out, runs[i]);
          writer.submit([finished, &plan, &out, threads, &onDone] {
            save(*finished, plan, out, threads);
            onDone();
          });
        }
      },
      tbb::simple_partitioner());
  writer.finish();
}

}  // namespace chan::sweep
