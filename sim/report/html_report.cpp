#include "sim/report/html_report.hpp"

#include <string>

#include "sim/io/atomic_file.hpp"
#include "sim/io/yaml_reader.hpp"

namespace chan::report {

namespace fs = std::filesystem;

DirectoryKind detectDirectory(const fs::path& dir) {
  if (!fs::is_directory(dir)) throw io::InputError(dir.string() + ": not a directory");
  if (fs::exists(dir / "optimize.yaml")) return DirectoryKind::Optimize;
  if (fs::exists(dir / "estimates.csv") && fs::exists(dir / "fit.csv")) return DirectoryKind::Calibration;
  if (fs::exists(dir / "runs.csv") || fs::exists(dir / "aggregate.csv")) return DirectoryKind::Sweep;
  if (fs::exists(dir / "summary.json") || fs::exists(dir / "timeseries.csv")) return DirectoryKind::Run;
  throw io::InputError(dir.string() +
                       ": neither a run directory (summary.json, timeseries.csv), a sweep directory (runs.csv, "
                       "aggregate.csv) nor a calibration directory (estimates.csv, fit.csv)");
}

std::string reportHtml(const fs::path& dir) {
  switch (detectDirectory(dir)) {
    case DirectoryKind::Optimize: return optimizeReportHtml(dir);
    case DirectoryKind::Sweep: return sweepReportHtml(dir);
    case DirectoryKind::Calibration: return calibrationReportHtml(dir);
    case DirectoryKind::Run: break;
  }
  return runReportHtml(dir);
}

fs::path writeReport(const fs::path& dir, const fs::path& out) {
  const fs::path file = out.empty() ? dir / "report.html" : out;
  io::writeFileAtomic(file, reportHtml(dir));
  return file;
}

}  // namespace chan::report
