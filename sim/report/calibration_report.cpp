// report.html of a calibration directory (chansim calibrate --out DIR; chansim report DIR):
// the fit's statistics and warnings, the estimates with their 95% intervals and correlations,
// and observed against simulated moments (fitted and held out).
#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sim/report/html_report.hpp"
#include "sim/report/page.hpp"

namespace chan::report {

namespace fs = std::filesystem;

std::string calibrationReportHtml(const fs::path& dir) {
  std::vector<std::string> problems;
  Page page;
  page.title = "chansim calibration";
  nlohmann::json j;
  try {
    std::ifstream in(dir / "calibration.json");
    if (in) j = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    problems.push_back("calibration.json: " + std::string(e.what()));
  }
  std::ostringstream sub;
  if (j.is_object()) {
    auto num = [&](const char* k) { return j.contains(k) && j[k].is_number() ? j[k].get<double>() : std::nan(""); };
    page.title += ": " + j.value("scenario", std::string());
    sub << "method " << j.value("method", std::string()) << ", " << formatValue(num("fitted_moments")) << " fitted moments, "
        << formatValue(num("held_out_moments")) << " held out; " << formatValue(num("iterations")) << " iterations, "
        << formatValue(num("simulations")) << " simulations (" << j.value("stop", std::string()) << ")";
    std::string text = para("", sub.str());
    std::ostringstream fit;
    fit << "fit: RMSE of scaled residuals " << formatValue(j["fit"].value("rmse", 0.0)) << ", mean absolute error "
        << formatValue(j["fit"].value("mape", 0.0), ValueFormat::Percent);
    if (j.contains("holdout"))
      fit << "; holdout (periods from tick " << j["holdout"].value("from_tick", 0) << "): RMSE "
          << formatValue(j["holdout"].value("rmse", 0.0)) << ", mean absolute error "
          << formatValue(j["holdout"].value("mape", 0.0), ValueFormat::Percent);
    text += para("", fit.str());
    for (const auto& w : j.value("warnings", std::vector<std::string>{})) text += para("warning", "warning: " + w);
    page.subtitle = text;
  }
  std::string body;
  if (auto est = tryCsv(dir / "estimates.csv", problems)) {
    body += sectionOpen("estimates", "Estimates");
    std::vector<std::vector<std::string>> rows;
    const auto names = est->texts("parameter");
    for (std::size_t r = 0; r < est->size(); ++r) {
      auto field = [&](const char* c) { return est->rows[r][static_cast<std::size_t>(std::max(0, est->column(c)))]; };
      rows.push_back({names[r], field("path"), formatValue(parseNumber(field("estimate"))),
                      formatValue(parseNumber(field("std_error"))),
                      "[" + formatValue(parseNumber(field("ci95_low"))) + ", " + formatValue(parseNumber(field("ci95_high"))) + "]",
                      field("at_bound") == "1" ? "yes" : ""});
    }
    body += htmlTable({"parameter", "path", "estimate", "std. error", "95% interval", "at bound"}, rows, 2);
    std::vector<std::vector<std::string>> corr;
    for (std::size_t r = 0; r < est->size(); ++r) {
      std::vector<std::string> row{names[r]};
      for (const auto& n : names) row.push_back(formatValue(parseNumber(est->rows[r][static_cast<std::size_t>(est->column("corr_" + n))])));
      corr.push_back(row);
    }
    std::vector<std::string> header{"correlation"};
    header.insert(header.end(), names.begin(), names.end());
    body += htmlTable(header, corr, 1) + "</section>\n";
  }
  if (auto fit = tryCsv(dir / "fit.csv", problems)) {
    body += sectionOpen("fit", "Observed and simulated moments");
    const auto obs = fit->numbers("observed"), sim = fit->numbers("simulated");
    const auto set = fit->texts("set"), quantity = fit->texts("quantity");
    std::vector<std::string> quantities;
    for (const auto& q : quantity)
      if (std::find(quantities.begin(), quantities.end(), q) == quantities.end()) quantities.push_back(q);
    // one chart per quantity (units and prices do not share an axis); the diagonal is a perfect fit
    for (const std::string& q : quantities) {
      LineChart c;
      c.title = q + ": simulated against observed (one point per moment; on the diagonal = exact fit)";
      c.xLabel = "observed " + q;
      c.yLabel = "simulated";
      Series fitted, held;
      fitted.name = "fitted", held.name = "held out";
      fitted.line = held.line = false;
      fitted.markers = held.markers = true;
      double lo = INFINITY, hi = -INFINITY;
      for (std::size_t i = 0; i < obs.size(); ++i) {
        if (quantity[i] != q) continue;
        Series& s = set[i] == "holdout" ? held : fitted;
        s.x.push_back(obs[i]), s.y.push_back(sim[i]);
        lo = std::min({lo, obs[i], sim[i]}), hi = std::max({hi, obs[i], sim[i]});
      }
      Series diagonal;
      diagonal.name = "observed = simulated";
      diagonal.x = {lo, hi}, diagonal.y = {lo, hi};
      diagonal.color = "#888888";
      diagonal.dashed = true;
      c.series = {diagonal, fitted};
      if (!held.x.empty()) c.series.push_back(held);
      c.yFromZero = lo >= 0;
      body += renderLineChart(c);
    }
    body += "</section>\n";
  }
  page.nav = {{"estimates", "Estimates"}, {"fit", "Fit"}};
  page.body = body + problemsSection(problems);
  return page.html();
}

}  // namespace chan::report
