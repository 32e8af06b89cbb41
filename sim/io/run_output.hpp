#pragma once
// The files a run writes into its output directory (all atomically):
//   manifest.json, summary.json, timeseries.csv, members.csv, events.csv, scenario.resolved.yaml,
//   and, when the scenario records it, member_timeseries.csv
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "sim/engine/counterfactual.hpp"
#include "sim/engine/engine.hpp"

namespace chan::io {

/// How a run was made, recorded in manifest.json.
struct RunInfo {
  std::string scenarioFile;
  std::vector<std::string> overrides;
  int threads = 1;
  double wallSeconds = 0;
  double peakRssMb = 0;
  std::vector<std::string> counterfactual;  // the twin run's changes (--counterfactual), if any
};

/// Shortest text that reads back as the same double ("0.1", "1e-07", "42").
std::string formatNumber(double v);

std::string summaryJson(const Summary& summary);
std::string timeseriesCsv(const MetricsRecorder& metrics, const ScenarioSpec& spec);
std::string membersCsv(const World& world);
/// The same, streamed to `out` (the run's members.csv is written this way).
void writeMembersCsv(std::ostream& out, const World& world);
/// counterfactual.csv: level, name, metric, base, variant, difference (variant - base).
std::string counterfactualCsv(const std::vector<TwinDifference>& rows);
/// source_of_volume.csv: per outlet group that sold (rows), its units and where they would have
/// gone without the group: each outlet group, or no purchase (columns; README "Output files").
std::string sourceOfVolumeCsv(const models::SourceOfVolume& source, const World& world);
std::string eventsCsv(const World& world);
/// member_timeseries.csv: one row per member per tick (README "Output files").
std::string memberTimeseriesCsv(const MemberPanel& panel, const World& world);

/// Writes every output file of a finished run into dir.
void writeRunOutputs(const std::filesystem::path& dir, const Engine& engine, const Summary& summary,
                     const RunInfo& info);

}  // namespace chan::io
