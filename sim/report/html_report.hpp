#pragma once
// report.html: one self-contained page (inline CSS and SVG, no script, no network) that shows
// a run directory or a sweep directory.
//   run    headline KPIs (summary.json); time series (timeseries.csv): sales, demand vs sold,
//          mean retail price vs the brands' MAP and MSRP (scenario.resolved.yaml), stock-outs;
//          P&L by tier and by member kind (members.csv); the territories as a map with the
//          members at their positions (rebuilt from scenario.resolved.yaml) and consumer
//          density; conflict series, and conflict events by type when events.csv exists
//   sweep  (runs.csv or aggregate.csv present) each collected metric against each swept
//          parameter with the mean and 95% confidence band of aggregate.csv, and the
//          sensitivity table of sensitivity.csv
//   optimize (optimize.yaml present) the convergence curve, the Pareto front, the best
//          candidate's values, constraints and headline metrics next to the base scenario's
// Every file is optional: a missing or unreadable one leaves a note in its section instead
// of failing the report, so that older, newer or partial directories still give a page.
#include <filesystem>
#include <string>

namespace chan::report {

enum class DirectoryKind { Run, Sweep, Optimize, Calibration };

/// Optimize when it holds optimize.yaml (chansim optimize), sweep when it holds runs.csv or aggregate.csv, run when it
/// holds summary.json or timeseries.csv; io::InputError otherwise.
DirectoryKind detectDirectory(const std::filesystem::path& dir);

std::string runReportHtml(const std::filesystem::path& dir);
std::string sweepReportHtml(const std::filesystem::path& dir);
/// Convergence, Pareto front and best-vs-base table of an optimisation (optimize_report.cpp).
std::string optimizeReportHtml(const std::filesystem::path& dir);
/// A calibration directory (estimates.csv, fit.csv, calibration.json): sim/report/calibration_report.cpp.
std::string calibrationReportHtml(const std::filesystem::path& dir);
/// The report of either kind of directory.
std::string reportHtml(const std::filesystem::path& dir);

/// Writes reportHtml(dir) atomically to out (default dir/report.html); returns the path.
std::filesystem::path writeReport(const std::filesystem::path& dir, const std::filesystem::path& out = {});

}  // namespace chan::report
