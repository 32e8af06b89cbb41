#include "sim/cli/commands.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include <sys/resource.h>
#include <tbb/global_control.h>

#include "chan/version.hpp"
#include "sim/core/metric_names.hpp"
#include "sim/engine/engine.hpp"
#include "sim/io/atomic_file.hpp"
#include "sim/io/run_output.hpp"
#include "sim/io/scenario_loader.hpp"

namespace chan::cli {
namespace {

double peakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

std::string percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * share);
  return buf;
}

std::string money(double v) {
  char buf[32];
  if (std::fabs(v) >= 1e6) std::snprintf(buf, sizeof buf, "%.2f M", v / 1e6);
  else if (std::fabs(v) >= 1e3) std::snprintf(buf, sizeof buf, "%.1f k", v / 1e3);
  else std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

void printSummary(const Summary& summary, const World& w, double seconds, int threads) {
  // a metric missing from the summary is a programming error, never a silent 0
  const std::map<std::string, double, std::less<>> values(summary.begin(), summary.end());
  const auto s = [&](std::string_view key) {
    const auto it = values.find(key);
    if (it == values.end()) throw std::logic_error("the summary has no metric '" + std::string(key) + "'");
    return it->second;
  };
  const double decisions = static_cast<double>(w.consumers.size()) * w.tick;
  std::printf("chansim %s  %s: %zu consumers, %zu members in %d tiers, %d ticks, %d threads\n", kVersion,
              w.spec->name.c_str(), w.consumers.size(), w.members.size(), w.tierCount(), w.tick, threads);
  std::printf("  ran in %.2f s (%.1f M consumer-ticks/s), peak memory %.0f MB\n\n", seconds,
              decisions / seconds / 1e6, peakRssMb());
  std::printf("  Conflict   undercut rate %s, cross-territory %s, cannibalization %s, index %.3f\n",
              percent(s(metric::kUndercutRate)).c_str(), percent(s(metric::kCrossTerritoryShare)).c_str(),
              percent(s(metric::kCannibalization)).c_str(), s(metric::kConflictIndex));
  std::printf("  Margin     channel profit %s, manufacturer %s (%s of channel), brand incl. own outlets %s (%s)",
              money(s(metric::kChannelProfit)).c_str(), money(s(metric::kManufacturerProfit)).c_str(),
              percent(s(metric::kManufacturerShare)).c_str(), money(s(metric::kBrandProfit)).c_str(),
              percent(s(metric::kBrandShare)).c_str());
  if (values.count(metric::kIntegratedEfficiency))
    std::printf(", vs integrated optimum %s", percent(s(metric::kIntegratedEfficiency)).c_str());
  std::printf("\n            by tier:");
  for (int t = 0; t < w.tierCount(); ++t) {
    const std::string key = "margin.tier" + std::to_string(t);
    std::printf(" %d: %s (%s)", t, money(s(key + ".profit")).c_str(), percent(s(key + ".margin_rate")).c_str());
  }
  std::printf("\n  Coverage   reach %s, numeric distribution %s, fill rate %s, stock-out rate %s, lost %s units\n",
              percent(s(metric::kConsumerReach)).c_str(), percent(s(metric::kNumericDistribution)).c_str(),
              percent(s(metric::kFillRate)).c_str(), percent(s(metric::kStockoutRate)).c_str(),
              money(s(metric::kLostUnits)).c_str());
  std::printf("  Sales      %s units, revenue %s, mean price %.2f, online share %s\n", money(s(metric::kSalesUnits)).c_str(),
              money(s(metric::kSalesRevenue)).c_str(), s(metric::kMeanPrice), percent(s(metric::kOnlineShare)).c_str());
}

}  // namespace

CLI::Validator integerIn(long long min, long long max) {
  const std::string range = std::to_string(min) + " to " + std::to_string(max);
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        long long v = 0;
        const char* first = text.data() + (!text.empty() && text.front() == '+' ? 1 : 0);
        const auto [end, ec] = std::from_chars(first, text.data() + text.size(), v);
        if (first == text.data() + text.size() || end != text.data() + text.size() || ec != std::errc() || v < min ||
            v > max)
          return "expected an integer from " + range + ", got " + text;
        return {};
      },
      "INT in [" + range + "]");
}

std::filesystem::path dataDirectory() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path program = fs::canonical("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = program.parent_path().parent_path() / "share" / "chansim";
    if (fs::is_directory(installed / "scenarios", ec)) return installed;
  }
  return CHAN_SOURCE_DIR;
}

int guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const io::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const ConservationError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitCheckFailed;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitFailure;
  }
}

namespace {

struct RunOptions {
  std::string scenario;
  std::string out;                 // empty: outputs/<scenario name>
  std::vector<std::string> sets;   // key.path=value overrides
  std::optional<long long> seed, ticks;
  int threads = 0;                 // 0: all cores
  bool quiet = false;
  bool check = false;
  std::vector<std::string> counterfactual;  // the twin run's changes (key.path=value)
  bool memberTimeseries = false;   // also write member_timeseries.csv
  bool progress = false;           // "progress: T/N ticks" lines on stderr (chansim serve reads them)
  bool timing = false;             // print where the run's time went (set-up, stages, summary, outputs)
};

/// Runs the engine to the end; with `progress`, a line per hundredth of the run on stderr.
void runWithProgress(Engine& engine, int ticks, bool progress) {
  if (!progress) return engine.run();
  const int every = std::max(1, ticks / 100);
  while (engine.world().tick < ticks) {
    engine.step();
    if (engine.world().tick % every == 0 || engine.world().tick == ticks)
      std::fprintf(stderr, "progress: %d/%d ticks\n", engine.world().tick, ticks);
  }
}

/// Where a run's time went (chansim run --timing): set-up, the ticks by engine stage, the
/// summary (the integrated optimum's passes) and writing the outputs (a twin run is not counted).
void printTiming(const Engine& engine, double setup, double ticks, double summary, double outputs) {
  std::printf("timing: set-up %.3f s, %d ticks %.3f s, summary %.3f s, outputs %.3f s\n  ticks by stage:", setup,
              engine.world().tick, ticks, summary, outputs);
  const StageTimes& stages = engine.stageTimes();
  for (int k = 0; k < StageTimes::Count; ++k)
    std::printf(" %s %.3f%s", std::string(StageTimes::kNames[static_cast<std::size_t>(k)]).c_str(),
                stages.seconds[static_cast<std::size_t>(k)], k + 1 < StageTimes::Count ? "," : "\n");
}

/// Prints what the twin run changed: units by group and the headline money and coverage.
void printCounterfactual(const std::vector<TwinDifference>& rows, const std::vector<std::string>& changes) {
  std::string joined;
  for (const std::string& c : changes) joined += (joined.empty() ? "" : ", ") + c;
  std::printf("\n  Twin run with %s (same seed: common random numbers)\n    units by group:", joined.c_str());
  for (const TwinDifference& r : rows)
    if (r.level == "group" && r.metric == "units_sold" && (r.base != 0 || r.variant != 0))
      std::printf(" %s %s -> %s,", r.name.c_str(), money(r.base).c_str(), money(r.variant).c_str());
  std::printf("\n   ");
  for (std::string_view key : {metric::kChannelProfit, metric::kBrandProfit, metric::kSalesUnits})
    for (const TwinDifference& r : rows)
      if (r.level == "summary" && r.metric == key)
        std::printf(" %s %s -> %s,", r.metric.c_str(), money(r.base).c_str(), money(r.variant).c_str());
  for (std::string_view key : {metric::kConsumerReach, metric::kFillRate})
    for (const TwinDifference& r : rows)
      if (r.level == "summary" && r.metric == key)
        std::printf(" %s %s -> %s,", r.metric.c_str(), percent(r.base).c_str(), percent(r.variant).c_str());
  std::printf("\n    (every difference: counterfactual.csv; the twin run's own outputs: counterfactual/)\n");
}

int runScenario(const RunOptions& options) {
  std::vector<std::string> sets = options.sets;
  if (options.seed) sets.push_back("seed=" + std::to_string(*options.seed));
  if (options.ticks) sets.push_back("ticks=" + std::to_string(*options.ticks));
  if (options.check) sets.push_back("check=true");
  if (options.memberTimeseries) sets.push_back("outputs.member_timeseries=true");
  const ScenarioSpec spec = io::loadScenario(options.scenario, sets);
  // the twin: the same scenario and seed with the changes on top (read now, so that a mistake
  // in a change is reported before the base run)
  std::vector<std::string> twinSets = sets;
  twinSets.insert(twinSets.end(), options.counterfactual.begin(), options.counterfactual.end());
  const std::optional<ScenarioSpec> twinSpec =
      options.counterfactual.empty() ? std::nullopt : std::optional(io::loadScenario(options.scenario, twinSets));
  const int threads = options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  using Clock = std::chrono::steady_clock;
  const auto since = [](Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); };
  const auto start = Clock::now();
  Engine engine(spec);
  const double setupSeconds = since(start);
  runWithProgress(engine, spec.ticks, options.progress);
  const double runSeconds = since(start);
  const Summary summary = engine.summary();
  const double seconds = since(start);
  const std::filesystem::path out = options.out.empty() ? std::filesystem::path("outputs") / spec.name : std::filesystem::path(options.out);
  io::RunInfo info{options.scenario, sets, threads, seconds, peakRssMb(), {}};
  std::vector<TwinDifference> differences;
  if (twinSpec) {
    // the twin's outputs first, so that the base run's manifest, written last, marks the whole
    // folder complete
    const auto twinStart = std::chrono::steady_clock::now();
    Engine twin(*twinSpec);
    runWithProgress(twin, twinSpec->ticks, options.progress);
    const Summary twinSummary = twin.summary();
    const double twinSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - twinStart).count();
    io::writeRunOutputs(out / "counterfactual", twin, twinSummary,
                        io::RunInfo{options.scenario, twinSets, threads, twinSeconds, peakRssMb(), {}});
    differences = compareRuns(engine, summary, twin, twinSummary);
    io::writeFileAtomic(out / "counterfactual.csv", io::counterfactualCsv(differences));
    info.counterfactual = options.counterfactual;
  }
  const auto outputStart = Clock::now();
  io::writeRunOutputs(out, engine, summary, info);
  const double outputSeconds = since(outputStart);
  if (options.timing)
    printTiming(engine, setupSeconds, runSeconds - setupSeconds, seconds - runSeconds, outputSeconds);
  if (!options.quiet) {
    printSummary(summary, engine.world(), seconds, threads);
    if (!options.counterfactual.empty()) printCounterfactual(differences, options.counterfactual);
    std::printf("\n  outputs written to %s/\n", out.string().c_str());
  }
  return kExitOk;
}

}  // namespace

void addRunCommand(CLI::App& app, int& exitCode) {
  auto options = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand("run", "Run a scenario and write its outputs");
  cmd->add_option("scenario", options->scenario, "Scenario YAML file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--out", options->out, "Output directory (default outputs/<scenario name>)");
  // the bounds of the scenario keys seed and ticks (scenario_loader.cpp)
  cmd->add_option("--seed", options->seed, "Random seed (overrides the scenario's seed)")
      ->check(integerIn(0, std::numeric_limits<long long>::max()));
  cmd->add_option("--ticks", options->ticks, "Number of ticks (days) to run")->check(integerIn(1, 10'000'000));
  cmd->add_option("--threads", options->threads, "Worker threads (default: all cores)")->check(integerIn(1, 1024));
  cmd->add_option("--set", options->sets, "Override a scenario value: key.path=value (repeatable)");
  cmd->add_flag("--quiet", options->quiet, "Print nothing but errors");
  cmd->add_flag("--check", options->check, "Verify conservation of goods and money every tick");
  cmd->add_option("--counterfactual", options->counterfactual,
                  "Also run a twin with this change (key.path=value, repeatable: all apply together), same seed; "
                  "writes counterfactual.csv and counterfactual/");
  cmd->add_flag("--member-timeseries", options->memberTimeseries,
                "Also write member_timeseries.csv: one row per member per tick (outputs.member_timeseries)");
  cmd->add_flag("--progress", options->progress, "Print \"progress: T/N ticks\" lines on stderr while running");
  cmd->add_flag("--timing", options->timing,
                "Print where the time went: set-up, the ticks by engine stage, summary, outputs (also with --quiet)");
  cmd->callback([options, &exitCode] { exitCode = guarded([&] { return runScenario(*options); }); });
}

void addCheckCommand(CLI::App& app, int& exitCode) {
  auto file = std::make_shared<std::string>();
  auto sets = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("check", "Validate a scenario without running it");
  cmd->add_option("scenario", *file, "Scenario YAML file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--set", *sets, "Override a scenario value: key.path=value (repeatable)");
  cmd->callback([file, sets, &exitCode] {
    exitCode = guarded([&] {
      const ScenarioSpec spec = io::loadScenario(*file, *sets);
      long long members = 0;  // groups of up to 10^6 members each: the sum may pass INT_MAX
      for (const auto& g : spec.groups) members += g.count;
      std::printf("ok: %s: %zu member groups (%lld members), %d consumers, %d ticks\n", spec.name.c_str(),
                  spec.groups.size(), members, spec.consumers.count, spec.ticks);
      return kExitOk;
    });
  });
}

}  // namespace chan::cli
