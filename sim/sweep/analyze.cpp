#include "sim/sweep/analyze.hpp"

#include <algorithm>
#include <cstdio>

#include "sim/io/run_output.hpp"
#include "sim/io/yaml_reader.hpp"
#include "sim/sweep/csv_writer.hpp"
#include "sim/sweep/output_dir.hpp"
#include "sim/sweep/sensitivity.hpp"

namespace chan::sweep {
namespace {

/// Mean of each metric over the replications of each point: [metric][point].
std::vector<std::vector<double>> pointMeans(const std::filesystem::path& out, const Plan& plan) {
  std::vector<std::vector<double>> means(plan.spec().metrics.size(), std::vector<double>(plan.points(), 0.0));
  forEachRun(out, plan, [&](std::size_t run, const std::vector<double>& metrics) {
    for (std::size_t m = 0; m < metrics.size(); ++m)
      means[m][plan.pointOf(run)] += metrics[m] / plan.spec().replications;
  });
  return means;
}

}  // namespace

SensitivityTable analyzeSweep(const std::filesystem::path& out, const Plan& plan) {
  const SweepSpec& spec = plan.spec();
  const DesignType type = spec.design.type;
  if (type != DesignType::Morris && type != DesignType::Sobol)
    throw io::InputError(out.string() + ": a " + designName(type) +
                         " design has no sensitivity estimator; sweep with design type morris or sobol");
  const auto means = pointMeans(out, plan);
  SensitivityTable table;
  table.columns = type == DesignType::Morris ? std::vector<std::string>{"mu_star", "mu_star_conf", "sigma", "mu"}
                                             : std::vector<std::string>{"S1", "S1_conf", "ST", "ST_conf"};
  for (std::size_t m = 0; m < spec.metrics.size(); ++m) {
    std::vector<std::vector<double>> columns;
    if (type == DesignType::Morris) {
      const MorrisEffects e = morrisEffects(plan.design(), means[m]);
      columns = {e.muStar, e.muStarConf, e.sigma, e.mu};
    } else {
      const SobolIndices s = sobolIndices(means[m], spec.axes.size());
      columns = {s.first, s.firstConf, s.total, s.totalConf};
    }
    for (std::size_t a = 0; a < spec.axes.size(); ++a) {
      SensitivityTable::Row row{spec.metrics[m], spec.axes[a].key, {}};
      for (const auto& c : columns) row.values.push_back(c[a]);
      table.rows.push_back(row);
    }
  }
  return table;
}

void writeSensitivityCsv(const std::filesystem::path& file, const SensitivityTable& table) {
  CsvWriter csv(file);
  std::vector<std::string> header = {"metric", "parameter"};
  header.insert(header.end(), table.columns.begin(), table.columns.end());
  csv.row(header);
  for (const auto& r : table.rows) {
    std::vector<std::string> fields = {r.metric, r.parameter};
    for (double v : r.values) fields.push_back(io::formatNumber(v));
    csv.row(fields);
  }
  csv.commit();
}

std::string formatSensitivity(const SensitivityTable& table) {
  std::size_t metricWidth = 6, parameterWidth = 9;
  for (const auto& r : table.rows) {
    metricWidth = std::max(metricWidth, r.metric.size());
    parameterWidth = std::max(parameterWidth, r.parameter.size());
  }
  auto line = [&](const std::string& metric, const std::string& parameter, const std::vector<std::string>& cells) {
    char buf[64];
    std::string out = metric + std::string(metricWidth + 2 - metric.size(), ' ') + parameter +
                      std::string(parameterWidth - parameter.size(), ' ');
    for (const auto& c : cells) {
      std::snprintf(buf, sizeof buf, "  %11s", c.c_str());
      out += buf;
    }
    return out + "\n";
  };
  std::string out = line("metric", "parameter", table.columns);
  std::string previous;
  for (const auto& r : table.rows) {
    std::vector<std::string> cells;
    for (double v : r.values) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.4g", v);
      cells.push_back(buf);
    }
    out += line(r.metric == previous ? "" : r.metric, r.parameter, cells);  // each metric named once
    previous = r.metric;
  }
  return out;
}

}  // namespace chan::sweep
