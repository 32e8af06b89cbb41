// The report of a sweep directory (sim/report/html_report.hpp): each metric against each swept
// parameter with confidence bands, and the sensitivity table.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include <yaml-cpp/yaml.h>

#include "sim/report/charts.hpp"
#include "sim/report/csv_table.hpp"
#include "sim/report/html_report.hpp"
#include "sim/report/page.hpp"
#include "sim/report/svg.hpp"

namespace chan::report {
namespace {

namespace fs = std::filesystem;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct SweepPoint {
  std::vector<std::string> values;                     // per axis
  std::map<std::string, std::array<double, 3>> stats;  // metric -> mean, ci_low, ci_high
  double replications = kNaN;
};

struct SweepData {
  fs::path dir;
  std::optional<CsvTable> runs, aggregate, sensitivity;
  YAML::Node sweepYaml;
  std::string sweepText;
  std::vector<std::string> axes, metrics;
  std::vector<SweepPoint> points;
  std::set<std::string> logAxes;
  std::vector<std::string> problems;
  std::string source;  // where the means came from
};

/// Two-sided 95% quantile of Student's t with dof degrees of freedom (table, then normal).
double t95(double dof) {
  static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                 2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                 2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (dof < 1) return kNaN;
  if (dof <= 30) return table[static_cast<int>(dof) - 1];
  return 1.96 + 2.4 / dof;  // within 0.002 of the exact quantile beyond 30
}

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

SweepData loadSweepDir(const fs::path& dir) {
  SweepData d;
  d.dir = dir;
  d.runs = tryCsv(dir / "runs.csv", d.problems);
  d.aggregate = tryCsv(dir / "aggregate.csv", d.problems);
  d.sensitivity = tryCsv(dir / "sensitivity.csv", d.problems);
  std::vector<std::string> yamlAxes;
  if (fs::exists(dir / "sweep.yaml")) {
    try {
      d.sweepText = readText(dir / "sweep.yaml");
      d.sweepYaml = YAML::Load(d.sweepText);
      if (d.sweepYaml["axes"] && d.sweepYaml["axes"].IsMap())
        for (const auto& kv : d.sweepYaml["axes"]) {
          const std::string key = kv.first.as<std::string>();
          yamlAxes.push_back(key);
          if (kv.second.IsMap() && kv.second["scale"] && kv.second["scale"].as<std::string>() == "log")
            d.logAxes.insert(key);
        }
    } catch (const std::exception& e) {
      d.problems.push_back(std::string("sweep.yaml: ") + e.what());
    }
  }
  if (d.aggregate && !d.aggregate->columns.empty()) {
    // aggregate.csv: point_id, axes..., replications, <metric>.mean, .sd, .ci_low, .ci_high
    const CsvTable& a = *d.aggregate;
    d.source = "aggregate.csv";
    const int reps = a.column("replications");
    for (std::size_t c = 0; c < a.columns.size(); ++c) {
      const std::string& name = a.columns[c];
      if (endsWith(name, ".mean")) {
        d.metrics.push_back(name.substr(0, name.size() - 5));
      } else if (name != "point_id" && name != "replications" && !endsWith(name, ".sd") && !endsWith(name, ".ci_low") &&
                 !endsWith(name, ".ci_high") && (reps < 0 || static_cast<int>(c) < reps)) {
        d.axes.push_back(name);
      }
    }
    std::vector<int> axisCols;
    for (const auto& ax : d.axes) axisCols.push_back(a.column(ax));
    for (const auto& row : a.rows) {
      SweepPoint p;
      for (int c : axisCols) p.values.push_back(row[static_cast<std::size_t>(c)]);
      if (reps >= 0) p.replications = parseNumber(row[static_cast<std::size_t>(reps)]);
      for (const auto& m : d.metrics) {
        auto get = [&](const char* suffix) {
          const int c = a.column(m + suffix);
          return c >= 0 ? parseNumber(row[static_cast<std::size_t>(c)]) : kNaN;
        };
        p.stats[m] = {get(".mean"), get(".ci_low"), get(".ci_high")};
      }
      d.points.push_back(std::move(p));
    }
  } else if (d.runs && !d.runs->columns.empty()) {
    // no aggregate.csv (sweep not merged by this chansim): means and t intervals from runs.csv
    const CsvTable& r = *d.runs;
    d.source = "runs.csv (no aggregate.csv: means and 95% t intervals computed here)";
    const std::set<std::string> fixed = {"run_id", "point_id", "replication", "seed"};
    for (const auto& c : r.columns) {
      if (fixed.count(c)) continue;
      const bool isAxis = yamlAxes.empty() ? !isNumericColumn(r, static_cast<std::size_t>(r.column(c)))
                                           : std::find(yamlAxes.begin(), yamlAxes.end(), c) != yamlAxes.end();
      (isAxis ? d.axes : d.metrics).push_back(c);
    }
    const int pointCol = r.column("point_id");
    std::map<std::string, std::vector<std::size_t>> byPoint;
    std::vector<std::string> pointOrder;
    for (std::size_t i = 0; i < r.size(); ++i) {
      const std::string key = pointCol >= 0 ? r.rows[i][static_cast<std::size_t>(pointCol)] : std::to_string(i);
      if (!byPoint.count(key)) pointOrder.push_back(key);
      byPoint[key].push_back(i);
    }
    for (const auto& key : pointOrder) {
      const auto& idx = byPoint[key];
      SweepPoint p;
      for (const auto& ax : d.axes) p.values.push_back(r.rows[idx.front()][static_cast<std::size_t>(r.column(ax))]);
      p.replications = static_cast<double>(idx.size());
      for (const auto& m : d.metrics) {
        const auto c = static_cast<std::size_t>(r.column(m));
        double sum = 0, n = 0;
        for (std::size_t i : idx) {
          const double v = parseNumber(r.rows[i][c]);
          if (std::isfinite(v)) sum += v, n += 1;
        }
        const double mean = n > 0 ? sum / n : kNaN;
        double ss = 0;
        for (std::size_t i : idx) {
          const double v = parseNumber(r.rows[i][c]);
          if (std::isfinite(v)) ss += (v - mean) * (v - mean);
        }
        const double half = n > 1 ? t95(n - 1) * std::sqrt(ss / (n - 1) / n) : kNaN;
        p.stats[m] = {mean, mean - half, mean + half};
      }
      d.points.push_back(std::move(p));
    }
  }
  return d;
}

std::string sweepOverview(const SweepData& d, Page& page) {
  std::string name = d.dir.filename().string();
  if (name.empty() || name == ".") name = fs::absolute(d.dir).parent_path().filename().string();
  page.title = "chansim sweep: " + name;
  std::string sub;
  if (d.sweepYaml && d.sweepYaml["description"]) sub += para("", d.sweepYaml["description"].as<std::string>(""));
  std::string line = std::to_string(d.points.size()) + " design points";
  if (d.runs) line += " · " + std::to_string(d.runs->size()) + " runs";
  if (d.sweepYaml && d.sweepYaml["replications"])
    line += " · " + d.sweepYaml["replications"].as<std::string>("?") + " replications";
  if (d.sweepYaml && d.sweepYaml["design"]) {
    const YAML::Node design = d.sweepYaml["design"];
    line += " · design " + (design.IsScalar() ? design.as<std::string>() : design["type"].as<std::string>("?"));
  }
  line +=
      " · " + std::to_string(d.axes.size()) + " swept parameters · " + std::to_string(d.metrics.size()) + " metrics";
  sub += para("", line);
  sub += para("", "directory: " + d.dir.string());
  return sub;
}

std::string sweepParameters(const SweepData& d) {
  std::string out = sectionOpen("overview", "Swept parameters and collected metrics");
  std::vector<std::vector<std::string>> rows;
  for (std::size_t a = 0; a < d.axes.size(); ++a) {
    std::set<std::string> distinct;
    for (const auto& p : d.points) distinct.insert(p.values[a]);
    std::string values;
    int shown = 0;
    for (const auto& v : distinct) {
      if (++shown > 8) {
        values += ", ...";
        break;
      }
      values += (values.empty() ? "" : ", ") + v;
    }
    rows.push_back({d.axes[a], std::to_string(distinct.size()), values});
  }
  out += htmlTable({"parameter (--set key)", "distinct values", "values"}, rows, 3);
  std::string metrics;
  for (const auto& m : d.metrics) metrics += (metrics.empty() ? "" : ", ") + m;
  out += para("note", "Metrics: " + metrics + ". Means and 95% confidence intervals from " + d.source + ".");
  if (!d.sweepText.empty())
    out += "<details><summary>sweep.yaml</summary><pre>" + escapeXml(d.sweepText) + "</pre></details>\n";
  return out + "</section>\n";
}

/// One panel: a metric against one axis; lines with bands per combination of the other axes
/// when there are few (a grid), else every point with its interval as whiskers.
std::string sweepPanel(const SweepData& d, const std::string& metric, std::size_t axis) {
  LineChart c;
  c.title = metric;
  c.xLabel = d.axes[axis];
  c.yFormat = formatOf(metric);
  c.yFromZero = false;
  c.width = 600;
  c.height = 280;
  // x: numbers when every value is one, else categories in first-seen order
  bool numeric = true;
  std::vector<std::string> categories;
  for (const auto& p : d.points) {
    numeric = numeric && std::isfinite(parseNumber(p.values[axis]));
    if (std::find(categories.begin(), categories.end(), p.values[axis]) == categories.end())
      categories.push_back(p.values[axis]);
  }
  if (!numeric) c.categories = categories;
  c.xLog = numeric && d.logAxes.count(d.axes[axis]) > 0;
  auto xOf = [&](const SweepPoint& p) {
    return numeric ? parseNumber(p.values[axis])
                   : static_cast<double>(std::find(categories.begin(), categories.end(), p.values[axis]) -
                                         categories.begin());
  };
  std::map<std::string, std::vector<const SweepPoint*>> groups;
  std::vector<std::string> groupOrder;
  // with one other axis the legend names it once ("members[5].pricing.markup =") and each
  // line by its value
  const bool oneOther = d.axes.size() == 2;
  if (oneOther) c.legendTitle = d.axes[1 - axis] + " =";
  for (const auto& p : d.points) {
    std::string key;
    for (std::size_t a = 0; a < d.axes.size(); ++a)
      if (a != axis) key += (key.empty() ? "" : ", ") + (oneOther ? "" : d.axes[a] + "=") + p.values[a];
    if (!groups.count(key)) groupOrder.push_back(key);
    groups[key].push_back(&p);
  }
  bool asLines = groups.size() <= 6;
  for (const auto& [key, pts] : groups) {
    std::set<double> xs;
    for (const SweepPoint* p : pts) xs.insert(xOf(*p));
    asLines = asLines && xs.size() == pts.size() && pts.size() >= 2;
  }
  if (asLines) {
    std::size_t k = 0;
    for (const auto& key : groupOrder) {
      auto pts = groups[key];
      std::sort(pts.begin(), pts.end(), [&](const SweepPoint* a, const SweepPoint* b) { return xOf(*a) < xOf(*b); });
      Series s;
      s.name = key.empty() ? "mean" : key;
      s.color = paletteColor(k++);
      s.markers = true;
      for (const SweepPoint* p : pts) {
        const auto& st = p->stats.at(metric);
        s.x.push_back(xOf(*p)), s.y.push_back(st[0]), s.low.push_back(st[1]), s.high.push_back(st[2]);
      }
      c.series.push_back(std::move(s));
    }
  } else {
    Series s;
    s.name = "design point mean (whisker: 95% CI)";
    s.line = false;
    s.markers = true;
    s.color = paletteColor(0);
    // points of a morris or grid-like design share x values: a small deterministic jitter
    // (up to 1% of the axis) keeps them apart
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const auto& p : d.points) lo = std::min(lo, xOf(p)), hi = std::max(hi, xOf(p));
    const double jitter = numeric && !c.xLog && hi > lo ? 0.01 * (hi - lo) : 0.0;
    std::size_t k = 0;
    for (const auto& p : d.points) {
      const auto& st = p.stats.at(metric);
      const double offset = jitter * (static_cast<double>((k++ * 7919) % 11) / 5.0 - 1.0);
      s.x.push_back(xOf(p) + offset), s.y.push_back(st[0]), s.low.push_back(st[1]), s.high.push_back(st[2]);
    }
    c.series.push_back(std::move(s));
  }
  return renderLineChart(c);
}

std::string sweepMetricsSection(const SweepData& d) {
  std::string out = sectionOpen("metrics", "Each metric against each swept parameter");
  if (d.points.empty() || d.metrics.empty())
    return out + para("missing", "no aggregate.csv or runs.csv with design points to plot") + "</section>\n";
  out += para("note",
              "Lines: means over replications at each design point, one line per combination of the other "
              "parameters; bands: 95% confidence interval of the mean (Student's t). Designs that do not "
              "repeat values (random, lhs, sobol, morris) show every point with its interval as a whisker.");
  if (d.axes.empty()) out += para("missing", "no swept parameter columns found");
  for (const auto& metric : d.metrics) {
    out += "<h3>" + escapeXml(metric) + "</h3>\n<div class=\"charts\">\n";
    for (std::size_t a = 0; a < d.axes.size(); ++a) out += sweepPanel(d, metric, a);
    out += "</div>\n";
  }
  return out + "</section>\n";
}

std::string sensitivitySection(const SweepData& d) {
  std::string out = sectionOpen("sensitivity", "Sensitivity");
  if (!d.sensitivity || d.sensitivity->columns.empty()) {
    out +=
        para("note", "No sensitivity.csv in this directory (chansim analyze writes it for morris and sobol designs).");
    return out + "</section>\n";
  }
  const CsvTable& s = *d.sensitivity;
  out += para("note",
              "From sensitivity.csv (chansim analyze). Morris: mu_star is the mean absolute elementary effect "
              "over the parameter's full range, sigma flags interactions and non-linearity. Sobol: S1 is the "
              "share of the metric's variance a parameter explains alone, ST with its interactions. *_conf: "
              "95% bootstrap half-widths. Bars are scaled per metric.");
  // the estimate drawn as a bar: mu_star, else ST, else S1, else the first numeric column
  int barCol = -1;
  for (const char* name : {"mu_star", "ST", "S1"})
    if (barCol < 0) barCol = s.column(name);
  const int metricCol = s.column("metric");
  std::map<std::string, double> maxAbs;
  if (barCol >= 0)
    for (const auto& row : s.rows) {
      const std::string key = metricCol >= 0 ? row[static_cast<std::size_t>(metricCol)] : "";
      const double v = parseNumber(row[static_cast<std::size_t>(barCol)]);
      if (std::isfinite(v)) maxAbs[key] = std::max(maxAbs[key], std::fabs(v));
    }
  out += "<table>\n<tr>";
  for (const auto& c : s.columns)
    out += std::string(c == "metric" || c == "parameter" ? "<th class=\"t\">" : "<th>") + escapeXml(c) + "</th>";
  if (barCol >= 0) out += "<th class=\"t\">" + escapeXml(s.columns[static_cast<std::size_t>(barCol)]) + "</th>";
  out += "</tr>\n";
  for (const auto& row : s.rows) {
    out += "<tr>";
    for (std::size_t c = 0; c < row.size(); ++c) {
      const double v = parseNumber(row[c]);
      const bool text = s.columns[c] == "metric" || s.columns[c] == "parameter" || !std::isfinite(v);
      out += std::string(text ? "<td class=\"t\">" : "<td>") + escapeXml(text ? row[c] : formatValue(v)) + "</td>";
    }
    if (barCol >= 0) {
      const std::string key = metricCol >= 0 ? row[static_cast<std::size_t>(metricCol)] : "";
      const double v = parseNumber(row[static_cast<std::size_t>(barCol)]);
      const double w = std::isfinite(v) && maxAbs[key] > 0 ? 120 * std::fabs(v) / maxAbs[key] : 0;
      out += "<td class=\"t\"><span class=\"bar" + std::string(v < 0 ? " neg" : "") + "\" style=\"width:" + num(w, 1) +
             "px\"></span></td>";
    }
    out += "</tr>\n";
  }
  out += "</table>\n";
  return out + "</section>\n";
}

}  // namespace

std::string sweepReportHtml(const fs::path& dir) {
  const SweepData d = loadSweepDir(dir);
  Page page;
  page.subtitle = sweepOverview(d, page);
  page.nav = {{"overview", "Parameters"}, {"metrics", "Metrics vs parameters"}, {"sensitivity", "Sensitivity"}};
  page.body = sweepParameters(d) + sweepMetricsSection(d) + sensitivitySection(d) + problemsSection(d.problems);
  return page.html();
}

}  // namespace chan::report
