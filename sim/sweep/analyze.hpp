#pragma once
// `chansim analyze`: sensitivity of every collected metric to every axis of a finished sweep,
// from the mean over replications at each design point: Morris effects (mu*, sigma, mu) for
// morris designs, first-order and total Sobol indices for sobol designs.
#include <filesystem>
#include <string>
#include <vector>

#include "sim/sweep/plan.hpp"

namespace chan::sweep {

struct SensitivityTable {
  std::vector<std::string> columns;  // names of the estimates ("mu_star", ... or "S1", ...);
                                     // *_conf: 95% bootstrap half-widths
  struct Row {
    std::string metric, parameter;
    std::vector<double> values;  // one per column
  };
  std::vector<Row> rows;  // metric by metric, axes in sweep order
};

/// io::InputError for designs without an estimator; std::runtime_error for missing runs.
SensitivityTable analyzeSweep(const std::filesystem::path& out, const Plan& plan);

/// sensitivity.csv: metric, parameter, then the estimate columns.
void writeSensitivityCsv(const std::filesystem::path& file, const SensitivityTable& table);

/// The table as aligned text, for the terminal.
std::string formatSensitivity(const SensitivityTable& table);

}  // namespace chan::sweep
