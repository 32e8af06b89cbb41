// The report of an optimisation directory (chansim optimize; sim/report/html_report.hpp): the
// convergence curve (history.csv), the Pareto front (pareto.csv, two objectives), the best
// candidate's values and constraints, and its headline metrics next to the base scenario's
// with 95% confidence intervals from the replications (optimum.json).
#include <cmath>
#include <fstream>
#include <limits>
#include <optional>

#include <nlohmann/json.hpp>

#include "sim/report/charts.hpp"
#include "sim/report/csv_table.hpp"
#include "sim/report/html_report.hpp"
#include "sim/report/page.hpp"
#include "sim/report/svg.hpp"

namespace chan::report {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double numberOf(const Json& j) { return j.is_number() ? j.get<double>() : kNaN; }

std::string withInterval(const Json& m, const std::string& key) {
  if (!m.is_object()) return "";
  const double mean = numberOf(m.value("mean", Json())), lo = numberOf(m.value("ci_low", Json())),
               hi = numberOf(m.value("ci_high", Json()));
  std::string s = formatValue(mean, formatOf(key));
  if (std::isfinite(lo) && std::isfinite(hi))
    s += " [" + formatValue(lo, formatOf(key)) + ", " + formatValue(hi, formatOf(key)) + "]";
  return s;
}

std::string convergenceSection(const std::optional<CsvTable>& history, const Json& optimum) {
  std::string out = sectionOpen("convergence", "Convergence");
  if (!history || history->size() == 0) return out + para("missing", "no history.csv") + "</section>\n";
  const Json objectives = optimum.value("objectives", Json::array());
  if (!history->has("best") || objectives.empty()) {
    return out + para("note", "Two objectives: see the Pareto front; history.csv lists every candidate.") +
           "</section>\n";
  }
  const std::string metric = objectives[0].begin().value().get<std::string>();
  LineChart chart;
  chart.title = "Best " + metric + " so far (feasible first) and every candidate";
  chart.xLabel = "evaluation";
  chart.yLabel = metric;
  chart.yFromZero = false;
  chart.yFormat = formatOf(metric);
  Series all{"candidates (replication mean)",
             history->numbers("evaluation"),
             history->numbers(metric + ".mean"),
             {},
             {},
             "",
             false,
             true,
             false};
  const std::vector<double> feasible = history->numbers("feasible");
  for (std::size_t i = 0; i < all.y.size() && i < feasible.size(); ++i)
    if (feasible[i] != 1) all.y[i] = kNaN;  // infeasible candidates are left out of the scatter
  Series best{"best so far", history->numbers("evaluation"), history->numbers("best"), {}, {}, "", true, false, false};
  chart.series = {all, best};
  out += para("note",
              "Each dot is a feasible candidate's mean over its replications (common random numbers); the "
              "line is the best objective found so far under the feasibility-first rule.");
  return out + "<div class=\"charts\">" + renderLineChart(chart) + "</div>\n</section>\n";
}

std::string frontSection(const std::optional<CsvTable>& pareto, const std::optional<CsvTable>& history,
                         const Json& optimum) {
  const Json objectives = optimum.value("objectives", Json::array());
  if (objectives.size() != 2) return "";
  std::string out = sectionOpen("front", "Pareto front");
  if (!pareto || pareto->size() == 0) return out + para("missing", "no pareto.csv rows") + "</section>\n";
  const std::string m0 = objectives[0].begin().value().get<std::string>();
  const std::string m1 = objectives[1].begin().value().get<std::string>();
  LineChart chart;
  chart.title = m1 + " against " + m0;
  chart.xLabel = m0 + " (" + objectives[0].begin().key() + ")";
  chart.yLabel = m1 + " (" + objectives[1].begin().key() + ")";
  chart.yFromZero = false;
  chart.yFormat = formatOf(m1);
  if (history && history->has(m0 + ".mean")) {
    Series all{"evaluated candidates",
               history->numbers(m0 + ".mean"),
               history->numbers(m1 + ".mean"),
               {},
               {},
               "#bbbbbb",
               false,
               true,
               false};
    chart.series.push_back(all);
  }
  Series front{"Pareto front (feasible, non-dominated)",
               pareto->numbers(m0 + ".mean"),
               pareto->numbers(m1 + ".mean"),
               pareto->numbers(m1 + ".ci_low"),
               pareto->numbers(m1 + ".ci_high"),
               "",
               true,
               true,
               false};
  chart.series.push_back(front);
  out += para("note", "Whiskers: 95% confidence interval of " + m1 + " over the replications.");
  out += "<div class=\"charts\">" + renderLineChart(chart) + "</div>\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : pareto->rows) rows.push_back(r);
  return out + htmlTable(pareto->columns, rows, 1 + (pareto->columns.size() > 1 ? 0 : 0)) + "</section>\n";
}

std::string bestSection(const Json& optimum) {
  std::string out = sectionOpen("best", "Best candidate against the base scenario");
  const Json best = optimum.value("best", Json::object()), base = optimum.value("base", Json::object());
  if (best.empty())
    return out + para("missing", "no optimum.json (the optimisation has not finished)") + "</section>\n";
  if (optimum.value("objectives", Json::array()).size() == 2)
    out += para("note",
                "Two objectives: the candidate below is the front's best on the first objective; the Pareto "
                "front section lists every trade-off.");
  std::vector<std::vector<std::string>> values;
  const Json chosen = best.value("values", Json::object());  // a named copy: items() of a temporary dangles
  for (const auto& [key, v] : chosen.items()) values.push_back({key, v.get<std::string>()});
  out += "<h3>Decision values" + std::string(best.value("feasible", false) ? "" : " (no feasible candidate found)") +
         "</h3>\n" + htmlTable({"variable", "best value"}, values, 2);
  const Json constraints = best.value("constraints", Json::array());
  if (!constraints.empty()) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : constraints) {
      const bool isMin = c.contains("min");
      rows.push_back({c.value("metric", ""),
                      std::string(isMin ? ">= " : "<= ") + formatValue(numberOf(c[isMin ? "min" : "max"])),
                      formatValue(numberOf(c.value("mean", Json()))), c.value("satisfied", false) ? "yes" : "no",
                      c.value("binding", false) ? "binding" : ""});
    }
    out += "<h3>Constraints at the best</h3>\n" + htmlTable({"metric", "bound", "mean", "met", "binds"}, rows, 2);
  }
  std::vector<std::vector<std::string>> rows;
  const Json bm = best.value("metrics", Json::object()), sm = base.value("metrics", Json::object());
  for (const auto& [key, m] : bm.items()) {
    const Json b = sm.value(key, Json());
    const double d = numberOf(m.value("mean", Json())) - (b.is_object() ? numberOf(b.value("mean", Json())) : kNaN);
    rows.push_back(
        {key, b.is_object() ? withInterval(b, key) : "", withInterval(m, key), formatValue(d, formatOf(key))});
  }
  out += para("note",
              "Means over the replications with 95% confidence intervals (Student's t); the base scenario "
              "ran with the same seeds (common random numbers), so the change is not sampling noise alone.");
  out += "<h3>Headline metrics</h3>\n" + htmlTable({"metric", "base scenario", "best candidate", "change"}, rows, 1);
  return out + "</section>\n";
}

}  // namespace

std::string optimizeReportHtml(const fs::path& dir) {
  std::vector<std::string> problems;
  Json optimum = Json::object();
  if (fs::exists(dir / "optimum.json")) {
    std::ifstream in(dir / "optimum.json");
    optimum = Json::parse(in, nullptr, false);
    if (optimum.is_discarded()) {
      problems.push_back("optimum.json: not valid JSON");
      optimum = Json::object();
    }
  }
  const std::optional<CsvTable> history = tryCsv(dir / "history.csv", problems);
  const std::optional<CsvTable> pareto = tryCsv(dir / "pareto.csv", problems);
  Page page;
  page.title = "chansim optimisation: " + dir.filename().string();
  std::string sub = "Algorithm " + optimum.value("algorithm", std::string("?")) + ", " +
                    std::to_string(optimum.value("evaluations", 0)) + " evaluations (" +
                    std::to_string(optimum.value("simulated", 0)) + " distinct candidates x " +
                    std::to_string(optimum.value("replications", 0)) + " replications), stopped by " +
                    optimum.value("stop", std::string("?")) + ".";
  page.subtitle = para("", sub);
  page.nav = {{"best", "Best vs base"}, {"convergence", "Convergence"}};
  if (optimum.value("objectives", Json::array()).size() == 2) page.nav.push_back({"front", "Pareto front"});
  page.body = bestSection(optimum) + convergenceSection(history, optimum) + frontSection(pareto, history, optimum) +
              problemsSection(problems);
  return page.html();
}

}  // namespace chan::report
