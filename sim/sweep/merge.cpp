#include "sim/sweep/merge.hpp"

#include <string>
#include <vector>

#include "sim/io/run_output.hpp"
#include "sim/sweep/csv_writer.hpp"
#include "sim/sweep/output_dir.hpp"
#include "sim/sweep/stats.hpp"

namespace chan::sweep {

void mergeSweep(const std::filesystem::path& out, const Plan& plan) {
  const SweepSpec& spec = plan.spec();
  CsvWriter runs(out / "runs.csv"), aggregate(out / "aggregate.csv");
  std::vector<std::string> runHeader = {"run_id", "point_id", "replication", "seed"};
  std::vector<std::string> pointHeader = {"point_id"};
  for (const Axis& a : spec.axes) {
    runHeader.push_back(a.key);
    pointHeader.push_back(a.key);
  }
  pointHeader.push_back("replications");
  for (const std::string& m : spec.metrics) {
    runHeader.push_back(m);
    for (const char* suffix : {".mean", ".sd", ".ci_low", ".ci_high"}) pointHeader.push_back(m + suffix);
  }
  runs.row(runHeader);
  aggregate.row(pointHeader);

  // the replications of a point are adjacent runs: gather them, write the point, forget them
  std::vector<std::vector<double>> samples(spec.metrics.size());
  forEachRun(out, plan, [&](std::size_t run, const std::vector<double>& metrics) {
    const std::size_t point = plan.pointOf(run);
    const std::vector<std::string> values = plan.values(point);
    std::vector<std::string> row = {std::to_string(run), std::to_string(point), std::to_string(plan.replicationOf(run)),
                                    std::to_string(plan.seed(run))};
    row.insert(row.end(), values.begin(), values.end());
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      row.push_back(io::formatNumber(metrics[m]));
      samples[m].push_back(metrics[m]);
    }
    runs.row(row);
    if (plan.replicationOf(run) + 1 < spec.replications) return;
    std::vector<std::string> summary = {std::to_string(point)};
    summary.insert(summary.end(), values.begin(), values.end());
    summary.push_back(std::to_string(spec.replications));
    for (auto& column : samples) {
      const Interval i = meanInterval(column);
      for (double v : {i.mean, i.sd, i.low, i.high}) summary.push_back(io::formatNumber(v));
      column.clear();
    }
    aggregate.row(summary);
  });
  runs.commit();
  aggregate.commit();
}

}  // namespace chan::sweep
