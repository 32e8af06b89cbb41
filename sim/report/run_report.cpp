// The report of a run directory (sim/report/html_report.hpp): headline figures, time series,
// P&L by tier and kind, the coverage map, conflict and conflict events.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "sim/core/metric_names.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/report/charts.hpp"
#include "sim/report/coverage_map.hpp"
#include "sim/report/csv_table.hpp"
#include "sim/report/html_report.hpp"
#include "sim/report/member_panel.hpp"
#include "sim/report/page.hpp"
#include "sim/report/svg.hpp"

namespace chan::report {
namespace {

namespace fs = std::filesystem;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct RunData {
  fs::path dir;
  nlohmann::json manifest;  // null when absent
  std::vector<std::pair<std::string, double>> summary;
  std::optional<CsvTable> timeseries, members, events, source, twin;
  std::optional<ScenarioSpec> spec;
  std::optional<CsvTable> panel;      // member_timeseries.csv, written only when the scenario asks
  std::vector<std::string> problems;  // files that could not be read
};

void flatten(const nlohmann::json& j, const std::string& prefix, std::vector<std::pair<std::string, double>>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
  } else if (j.is_number()) {
    out.emplace_back(prefix, j.get<double>());
  } else if (j.is_null()) {
    out.emplace_back(prefix, kNaN);
  }
}

RunData loadRun(const fs::path& dir) {
  RunData d;
  d.dir = dir;
  auto json = [&](const char* name) -> nlohmann::json {
    const fs::path file = dir / name;
    if (!fs::exists(file)) return nullptr;
    try {
      return nlohmann::json::parse(readText(file));
    } catch (const std::exception& e) {
      d.problems.push_back(std::string(name) + ": " + e.what());
      return nullptr;
    }
  };
  d.manifest = json("manifest.json");
  flatten(json("summary.json"), "", d.summary);
  d.timeseries = tryCsv(dir / "timeseries.csv", d.problems);
  d.members = tryCsv(dir / "members.csv", d.problems);
  d.events = tryCsv(dir / "events.csv", d.problems);
  d.source = tryCsv(dir / "source_of_volume.csv", d.problems);
  d.twin = tryCsv(dir / "counterfactual.csv", d.problems);
  const fs::path resolved = dir / "scenario.resolved.yaml";
  if (fs::exists(resolved)) {
    try {
      d.spec = io::loadScenario(resolved.string());
    } catch (const std::exception& e) {
      d.problems.push_back(std::string("scenario.resolved.yaml: ") + e.what());
    }
  }
  d.panel = tryCsv(dir / "member_timeseries.csv", d.problems);
  return d;
}

double summaryValue(const RunData& d, const std::string& key) {
  for (const auto& [k, v] : d.summary)
    if (k == key) return v;
  return kNaN;
}

std::string runHeader(const RunData& d, Page& page) {
  std::string name = d.spec ? d.spec->name : d.dir.filename().string();
  if (d.manifest.is_object() && d.manifest.contains("scenario") && d.manifest["scenario"].contains("name") &&
      d.manifest["scenario"]["name"].is_string())
    name = d.manifest["scenario"]["name"].get<std::string>();
  page.title = "chansim run: " + name;
  std::string sub;
  if (d.spec && !d.spec->description.empty()) sub += para("", d.spec->description);
  if (d.manifest.is_object()) {
    auto field = [&](const char* key) -> std::string {
      if (!d.manifest.contains(key)) return "?";
      const auto& v = d.manifest[key];
      if (v.is_string()) return v.get<std::string>();
      if (v.is_number_float()) return formatValue(v.get<double>());
      return v.dump();
    };
    std::string line = "scenario " + field("scenario_file") + " · seed " + field("seed") + " · " + field("ticks") +
                       " ticks · " + field("consumers") + " consumers · " + field("members") + " members · chansim " +
                       field("chansim_version");
    if (d.manifest.contains("git_commit") && d.manifest["git_commit"].is_string() &&
        !d.manifest["git_commit"].get<std::string>().empty())
      line += " (" + field("git_commit") + ")";
    line += " · ran in " + field("wall_seconds") + " s on " + field("threads") + " threads";
    sub += para("", line);
    if (d.manifest.contains("overrides") && d.manifest["overrides"].is_array() && !d.manifest["overrides"].empty()) {
      std::string o;
      for (const auto& v : d.manifest["overrides"])
        o += (o.empty() ? "" : "  ") + (v.is_string() ? v.get<std::string>() : v.dump());
      sub += para("", "overrides: " + o);
    }
  }
  sub += para("", "directory: " + d.dir.string());
  return sub;
}

std::string kpiSection(const RunData& d) {
  std::string out = sectionOpen("kpis", "Headline figures");
  if (d.summary.empty()) return out + para("missing", "summary.json is missing or empty") + "</section>\n";
  struct Kpi {
    std::string_view key;
    const char* label;
  };
  const std::vector<std::pair<const char*, std::vector<Kpi>>> groups = {
      {"Conflict",
       {{metric::kConflictIndex, "conflict index"},
        {metric::kUndercutRate, "undercut rate (below MAP)"},
        {metric::kCannibalization, "cannibalization"},
        {metric::kCrossTerritoryShare, "cross-territory share"}}},
      {"Margin",
       {{metric::kChannelProfit, "channel profit"},
        {metric::kManufacturerProfit, "manufacturer profit"},
        {metric::kManufacturerShare, "manufacturer share"},
        {metric::kIntegratedEfficiency, "vs integrated optimum"}}},
      {"Coverage",
       {{metric::kConsumerReach, "consumer reach"},
        {metric::kNumericDistribution, "numeric distribution"},
        {metric::kFillRate, "fill rate"},
        {metric::kStockoutRate, "stock-out rate"},
        {metric::kLostUnits, "lost units"}}},
      {"Sales",
       {{metric::kSalesUnits, "units sold"},
        {metric::kSalesRevenue, "consumer revenue"},
        {metric::kMeanPrice, "mean price paid"},
        {metric::kOnlineShare, "online share"}}},
  };
  out += "<div class=\"kpis\">\n";
  for (const auto& [group, kpis] : groups) {
    out += "<div class=\"kpigroup\"><h3>" + std::string(group) + "</h3>\n";
    for (const Kpi& k : kpis) {
      const double v = summaryValue(d, std::string(k.key));
      if (std::isnan(v)) continue;
      out += "<div class=\"kpi\" title=\"" + std::string(k.key) + "\"><span class=\"l\">" + k.label +
             "</span><span class=\"v\">" + escapeXml(formatValue(v, formatOf(std::string(k.key)))) + "</span></div>\n";
    }
    out += "</div>\n";
  }
  out += "</div>\n<details><summary>every figure of summary.json</summary>\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& [k, v] : d.summary) rows.push_back({k, formatValue(v, formatOf(k))});
  out += htmlTable({"metric", "value"}, rows) + "</details>\n</section>\n";
  return out;
}

Series column(const CsvTable& t, const std::vector<double>& x, const char* name, const char* label,
              std::string color = {}, double scale = 1) {
  Series s;
  s.name = label;
  s.x = x;
  s.y = t.numbers(name);
  for (double& v : s.y) v *= scale;
  s.color = std::move(color);
  return s;
}

std::string timeseriesSection(const RunData& d) {
  std::string out = sectionOpen("timeseries", "Over time");
  if (!d.timeseries) return out + para("missing", "timeseries.csv is missing") + "</section>\n";
  const CsvTable& t = *d.timeseries;
  const std::vector<double> tick = t.numbers("tick");
  out += para("note",
              "One point per tick (day). Mean retail price is the unweighted mean of the outlets' list prices; "
              "dashed lines are each brand's MAP (minimum advertised price) and MSRP from scenario.resolved.yaml.");
  if (t.has("warmup")) {  // the scenario's warm-up ticks: drawn, but left out of every summary figure
    const std::vector<double> flag = t.numbers("warmup");
    const auto warm = std::count(flag.begin(), flag.end(), 1.0);
    if (warm > 0)
      out += para("note", "Ticks 1–" + std::to_string(warm) +
                              " are the warm-up (the scenario's warmup key): drawn here, left out of the headline "
                              "figures, members and events.");
  }
  out += "<div class=\"charts\">\n";
  {
    LineChart c;
    c.title = "Units sold per day";
    c.xLabel = "tick";
    c.clipSpikes = true;
    c.yLabel = "units";
    c.series = {column(t, tick, "sold_units", "all outlets", paletteColor(0)),
                column(t, tick, "online_units", "online outlets", paletteColor(2))};
    out += renderLineChart(c);
  }
  {
    LineChart c;
    c.title = "Demand vs sold (first choices vs units sold)";
    c.xLabel = "tick";
    c.clipSpikes = true;
    c.yLabel = "units";
    c.series = {column(t, tick, "demand_units", "demand", paletteColor(1)),
                column(t, tick, "sold_units", "sold", paletteColor(0)),
                column(t, tick, "lost_units", "lost", paletteColor(3))};
    c.series[0].dashed = true;
    out += renderLineChart(c);
  }
  {
    LineChart c;
    c.title = "Mean retail price vs MAP and MSRP";
    c.xLabel = "tick";
    c.clipSpikes = true;
    c.yLabel = "price";
    c.yFromZero = false;
    c.series = {column(t, tick, "mean_retail_price", "mean outlet price", paletteColor(0))};
    if (d.spec) {
      const bool several = d.spec->brands.size() > 1;
      for (const BrandSpec& b : d.spec->brands) {
        const std::string suffix = several ? " (" + b.name + ")" : "";
        if (b.minAdvertised > 0) c.refs.push_back({b.minAdvertised, "MAP" + suffix, "#D55E00"});
        if (b.suggestedRetail > 0) c.refs.push_back({b.suggestedRetail, "MSRP" + suffix, "#555555"});
      }
    }
    out += renderLineChart(c);
  }
  {
    LineChart c;
    c.title = "Revenue per day (consumer spending)";
    c.xLabel = "tick";
    c.clipSpikes = true;
    c.yLabel = "currency";
    c.series = {column(t, tick, "revenue", "revenue", paletteColor(0))};
    out += renderLineChart(c);
  }
  {
    LineChart c;
    c.title = "Outlets stocked out (could not serve every request)";
    c.xLabel = "tick";
    c.clipSpikes = true;
    c.yLabel = "outlets";
    c.series = {column(t, tick, "outlets_stocked_out", "stocked out", paletteColor(3))};
    out += renderLineChart(c);
  }
  {
    LineChart c;
    c.title = "Fill rate and consumer reach";
    c.xLabel = "tick";
    c.clipSpikes = true;
    c.yFormat = ValueFormat::Percent;
    c.yFromZero = false;
    c.series = {column(t, tick, "fill_rate", "fill rate", paletteColor(0)),
                column(t, tick, "consumer_reach", "consumer reach", paletteColor(2))};
    out += renderLineChart(c);
  }
  {  // orders each tier places upstream, when the run records them (the bullwhip effect shows here)
    LineChart c;
    c.title = "Orders placed per day by tier (bullwhip)";
    c.xLabel = "tick";
    c.clipSpikes = true;
    c.yLabel = "units ordered";
    for (const auto& name : t.columns)
      if (name.rfind("orders_tier", 0) == 0)
        c.series.push_back(
            column(t, tick, name.c_str(), ("tier " + name.substr(11)).c_str(), paletteColor(c.series.size())));
    if (!c.series.empty()) out += renderLineChart(c);
  }
  out += "</div>\n</section>\n";
  return out;
}

// P&L of members.csv summed over a key (tier or kind)
struct PnlRow {
  std::string label;
  double revenue = 0, cogs = 0, commission = 0, shipping = 0, holding = 0, fixed = 0, profit = 0, units = 0;
  double stock = 0, stockoutTicks = 0;  // units on hand at the end; ticks stocked out (outlets)
  int members = 0;
  std::set<std::string> kinds;
  /// Fixed fees received minus paid: what profit holds beyond revenue minus the listed costs
  /// (rounding residue below a millionth of the flows is no fee).
  double feesNet() const {
    const double fees = profit - (revenue - cogs - commission - shipping - holding - fixed);
    return std::fabs(fees) > 1e-6 * std::max(1.0, revenue + cogs) ? fees : 0.0;
  }
};

std::string pnlChart(const std::string& title, const std::vector<PnlRow>& rows) {
  StackedBars c;
  c.title = title;
  c.yLabel = "currency";
  c.width = 600;
  c.height = 330;
  for (const PnlRow& r : rows) c.categories.push_back(r.label);
  auto seg = [&](const char* name, const char* color, const std::function<double(const PnlRow&)>& f) {
    StackedBars::Segment s{name, color, {}};
    bool any = false;
    for (const PnlRow& r : rows) {
      s.values.push_back(f(r));
      any = any || std::fabs(s.values.back()) > 1e-9;
    }
    if (any) c.segments.push_back(std::move(s));
  };
  seg("cost of goods", "#9AA5B1", [](const PnlRow& r) { return r.cogs; });
  seg("commission", "#CC79A7", [](const PnlRow& r) { return r.commission; });
  seg("shipping", "#56B4E9", [](const PnlRow& r) { return r.shipping; });
  seg("holding", "#F0E442", [](const PnlRow& r) { return r.holding; });
  seg("fixed", "#E69F00", [](const PnlRow& r) { return r.fixed; });
  seg("fixed fees paid (net)", "#8C6D1F", [](const PnlRow& r) { return std::max(0.0, -r.feesNet()); });
  seg("profit", "#009E73", [](const PnlRow& r) { return std::max(0.0, r.profit); });
  seg("loss", "#D55E00", [](const PnlRow& r) { return std::min(0.0, r.profit); });
  c.markerName = "revenue";
  for (const PnlRow& r : rows) c.markers.push_back(r.revenue);
  return renderStackedBars(c);
}

std::string pnlTable(const std::string& key, const std::vector<PnlRow>& rows) {
  bool fees = false;  // the fixed-fee column only when some contract has a fee
  for (const PnlRow& r : rows) fees = fees || r.feesNet() != 0;
  std::vector<std::string> header = {key,          "members",  "units sold", "revenue", "cost of goods",
                                     "commission", "shipping", "holding",    "fixed"};
  if (fees) header.push_back("fixed fees (net)");
  for (const char* h : {"profit", "margin", "stock at end", "stock-out ticks"}) header.push_back(h);
  std::vector<std::vector<std::string>> out;
  for (const PnlRow& r : rows) {
    std::vector<std::string> row = {r.label,
                                    std::to_string(r.members),
                                    formatValue(r.units),
                                    formatValue(r.revenue),
                                    formatValue(r.cogs),
                                    formatValue(r.commission),
                                    formatValue(r.shipping),
                                    formatValue(r.holding),
                                    formatValue(r.fixed)};
    if (fees) row.push_back(formatValue(r.feesNet()));
    for (const std::string& v :
         {formatValue(r.profit), r.revenue > 0 ? formatValue(r.profit / r.revenue, ValueFormat::Percent) : "n/a",
          formatValue(r.stock), formatValue(r.stockoutTicks)})
      row.push_back(v);
    out.push_back(std::move(row));
  }
  return htmlTable(header, out);
}

std::string pnlSection(const RunData& d) {
  std::string out = sectionOpen("pnl", "Profit and loss by tier and by member kind");
  if (!d.members) return out + para("missing", "members.csv is missing") + "</section>\n";
  const CsvTable& m = *d.members;
  const auto kinds = m.texts("kind");
  const auto tiers = m.numbers("tier");
  const auto revenue = m.numbers("revenue"), cogs = m.numbers("cogs"), commission = m.numbers("commission"),
             shipping = m.numbers("shipping"), holding = m.numbers("holding"), fixed = m.numbers("fixed"),
             profit = m.numbers("profit"), units = m.numbers("units_sold"), stock = m.numbers("stock"),
             stockouts = m.numbers("stockout_ticks");
  if (kinds.empty() || tiers.empty() || revenue.empty() || profit.empty())
    return out + para("missing", "members.csv lacks the kind, tier, revenue or profit column") + "</section>\n";
  auto at = [](const std::vector<double>& v, std::size_t i) {
    return i < v.size() && std::isfinite(v[i]) ? v[i] : 0.0;
  };
  std::map<int, PnlRow> byTier;
  std::map<std::string, PnlRow> byKind;
  auto add = [&](PnlRow& r, std::size_t i) {
    r.revenue += at(revenue, i), r.cogs += at(cogs, i), r.commission += at(commission, i);
    r.shipping += at(shipping, i), r.holding += at(holding, i), r.fixed += at(fixed, i);
    r.profit += at(profit, i), r.units += at(units, i), r.stock += at(stock, i), r.stockoutTicks += at(stockouts, i);
    ++r.members;
    r.kinds.insert(kinds[i]);
  };
  for (std::size_t i = 0; i < m.size(); ++i) {
    add(byTier[static_cast<int>(at(tiers, i))], i);
    add(byKind[kinds[i]], i);
  }
  std::vector<PnlRow> tierRows, kindRows;
  for (auto& [tier, r] : byTier) {
    std::string names;
    for (const auto& k : r.kinds) names += (names.empty() ? "" : ", ") + k;
    r.label = "tier " + std::to_string(tier) + ": " + names;
    tierRows.push_back(r);
  }
  // kinds in the schema's order
  const std::vector<std::string> order = {"manufacturer", "distributor", "offline_store", "specialty_store",
                                          "e_store",      "marketplace", "social_seller", "logistics"};
  for (const auto& k : order)
    if (byKind.count(k)) kindRows.push_back(byKind[k]), kindRows.back().label = k;
  for (auto& [k, r] : byKind)
    if (std::find(order.begin(), order.end(), k) == order.end()) kindRows.push_back(r), kindRows.back().label = k;
  out +=
      para("note",
           "Each bar stacks where a group's money went: costs (cost of goods, platform commission, delivery "
           "shipping, holding, fixed operating cost, fixed fees paid to suppliers) and profit; the black tick is "
           "its revenue (bars reach above it by the fixed fees received). Accrual accounting over the whole run, "
           "summed from members.csv; goods sold between tiers count as revenue of the seller and cost of the buyer.");
  out += "<div class=\"charts\">\n" + pnlChart("P&L by tier (0 = manufacturer)", tierRows) +
         pnlChart("P&L by member kind (channel)", kindRows) + "</div>\n";
  out += "<h3>By tier</h3>\n" + pnlTable("tier", tierRows) + "<h3>By member kind</h3>\n" + pnlTable("kind", kindRows);
  out += "</section>\n";
  return out;
}

std::string conflictSection(const RunData& d) {
  std::string out = sectionOpen("conflict", "Channel conflict");
  out += para("note",
              "Undercut share: outlets whose list price is below the brand's reference (MAP, else MSRP). "
              "Cannibalized units: online sales that consumers would otherwise have bought at the brand's "
              "stores (choice-model counterfactual, see Source of volume). Cross-territory "
              "units: distributor shipments into another distributor's exclusive territory.");
  if (!d.timeseries) {
    out += para("missing", "timeseries.csv is missing");
  } else {
    const CsvTable& t = *d.timeseries;
    const std::vector<double> tick = t.numbers("tick");
    out += "<div class=\"charts\">\n";
    {
      LineChart c;
      c.title = "Undercut share (outlets priced below MAP)";
      c.xLabel = "tick";
      c.clipSpikes = true;
      c.yFormat = ValueFormat::Percent;
      c.series = {column(t, tick, "undercut_share", "undercut share", paletteColor(3))};
      out += renderLineChart(c);
    }
    {
      LineChart c;
      c.title = "Cannibalized units vs all online units";
      c.xLabel = "tick";
      c.clipSpikes = true;
      c.yLabel = "units";
      c.series = {column(t, tick, "online_units", "online units", paletteColor(2)),
                  column(t, tick, "cannibalized_units", "cannibalized units", paletteColor(3))};
      out += renderLineChart(c);
    }
    {
      LineChart c;
      c.title = "Cross-territory shipments vs all distributor shipments";
      c.xLabel = "tick";
      c.clipSpikes = true;
      c.yLabel = "units";
      c.series = {column(t, tick, "distributor_units", "distributor units", paletteColor(0)),
                  column(t, tick, "cross_territory_units", "cross-territory units", paletteColor(3))};
      out += renderLineChart(c);
    }
    out += "</div>\n";
  }
  // events.csv (conflict events by type), when the run wrote one
  out += "<h3 id=\"events\">Conflict events by type</h3>\n";
  if (!d.events) {
    out += para("note", "This run directory has no events.csv (runs that record conflict events write one).");
    return out + "</section>\n";
  }
  const CsvTable& e = *d.events;
  int typeCol = -1;
  for (const char* name : {"type", "event_type", "event", "kind"})
    if (typeCol < 0) typeCol = e.column(name);
  if (typeCol < 0) {
    out += para("missing", "events.csv has no type column (looked for type, event_type, event, kind)");
    return out + "</section>\n";
  }
  const std::vector<double> ticks = e.numbers("tick");
  const std::vector<double> weights = e.has("count") ? e.numbers("count") : std::vector<double>{};
  std::map<std::string, double> totals;
  std::vector<std::string> order;
  double maxTick = 0;
  for (std::size_t i = 0; i < e.size(); ++i) {
    const std::string& type = e.rows[i][static_cast<std::size_t>(typeCol)];
    if (!totals.count(type)) order.push_back(type);
    totals[type] += i < weights.size() && std::isfinite(weights[i]) ? weights[i] : 1.0;
    if (i < ticks.size() && std::isfinite(ticks[i])) maxTick = std::max(maxTick, ticks[i]);
  }
  std::sort(order.begin(), order.end());
  StackedBars bars;
  bars.title = "Conflict events by type (whole run)";
  bars.yLabel = weights.empty() ? "events" : "count";
  bars.categories = order;
  bars.segments.push_back({"events", paletteColor(3), {}});
  for (const auto& type : order) bars.segments[0].values.push_back(totals[type]);
  out += "<div class=\"charts\">\n" + renderStackedBars(bars);
  if (!ticks.empty() && maxTick > 0) {
    const int binCount = static_cast<int>(std::min(60.0, maxTick));
    const double binWidth = maxTick / binCount;
    LineChart c;
    c.title = "Conflict events over time by type";
    c.xLabel = "tick";
    c.clipSpikes = true;
    c.yLabel = binWidth > 1.0001 ? "events per " + num(binWidth, 1) + " ticks" : "events per tick";
    for (std::size_t k = 0; k < order.size(); ++k) {
      Series s;
      s.name = order[k];
      s.color = paletteColor(k);
      s.y.assign(static_cast<std::size_t>(binCount), 0.0);
      for (int b = 0; b < binCount; ++b) s.x.push_back((b + 0.5) * binWidth);
      for (std::size_t i = 0; i < e.size(); ++i) {
        if (e.rows[i][static_cast<std::size_t>(typeCol)] != order[k] || !std::isfinite(ticks[i])) continue;
        const int b = std::clamp(static_cast<int>((ticks[i] - 1e-9) / binWidth), 0, binCount - 1);
        s.y[static_cast<std::size_t>(b)] += i < weights.size() && std::isfinite(weights[i]) ? weights[i] : 1.0;
      }
      c.series.push_back(std::move(s));
    }
    out += renderLineChart(c);
  }
  out += "</div>\n";
  // per type: what the other columns say, where they exist (units, severity, detected, action)
  const std::vector<double> units = e.numbers("units"), severity = e.numbers("severity"),
                            detected = e.numbers("detected");
  const std::vector<std::string> actions = e.texts("action");
  std::vector<std::string> header = {"event type", weights.empty() ? "events" : "count"};
  if (!units.empty()) header.push_back("units");
  if (!severity.empty()) header.push_back("mean severity");
  if (!detected.empty()) header.push_back("detected");
  if (!actions.empty()) header.push_back("actions taken");
  std::vector<std::vector<std::string>> rows;
  for (const auto& type : order) {
    double u = 0, sev = 0, sevN = 0, det = 0, detN = 0;
    std::map<std::string, int> acted;
    for (std::size_t i = 0; i < e.size(); ++i) {
      if (e.rows[i][static_cast<std::size_t>(typeCol)] != type) continue;
      if (i < units.size() && std::isfinite(units[i])) u += units[i];
      if (i < severity.size() && std::isfinite(severity[i])) sev += severity[i], sevN += 1;
      if (i < detected.size() && std::isfinite(detected[i])) det += detected[i] != 0, detN += 1;
      if (i < actions.size() && !actions[i].empty()) ++acted[actions[i]];
    }
    std::vector<std::string> row = {type, formatValue(totals[type])};
    if (!units.empty()) row.push_back(formatValue(u));
    if (!severity.empty()) row.push_back(sevN > 0 ? formatValue(sev / sevN) : "n/a");
    if (!detected.empty()) row.push_back(detN > 0 ? formatValue(det / detN, ValueFormat::Percent) : "n/a");
    if (!actions.empty()) {
      std::string a;
      for (const auto& [name, count] : acted) a += (a.empty() ? "" : ", ") + name + " " + std::to_string(count);
      row.push_back(a.empty() ? "none" : a);
    }
    rows.push_back(std::move(row));
  }
  out += htmlTable(header, rows);
  return out + "</section>\n";
}

}  // namespace

/// source_of_volume.csv as a table with each cell also as a share of the seller's units.
std::string sourceSection(const RunData& d) {
  std::string out = sectionOpen("source", "Source of volume");
  out += para("note",
              "Where each outlet group's sales would have gone without the group (multinomial logit, "
              "independence of irrelevant alternatives): to each other group, or not bought at all. Shares of "
              "the seller's units.");
  if (!d.source || !d.source->has("units")) return out + para("missing", "source_of_volume.csv is missing") + "</section>\n";
  const CsvTable& t = *d.source;
  const int units = t.column("units");
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : t.rows) {
    std::vector<std::string> cells{row[0], formatValue(parseNumber(row[static_cast<std::size_t>(units)]))};
    const double total = parseNumber(row[static_cast<std::size_t>(units)]);
    for (std::size_t c = static_cast<std::size_t>(units) + 1; c < row.size(); ++c)
      cells.push_back(total > 0 ? formatValue(parseNumber(row[c]) / total, ValueFormat::Percent) : "");
    rows.push_back(cells);
  }
  return out + htmlTable(t.columns, rows) + "</section>\n";
}

/// counterfactual.csv (chansim run --counterfactual): the twin run's changes by group and in
/// the headline figures.
std::string twinSection(const RunData& d) {
  std::string out = sectionOpen("twin", "Twin run (counterfactual)");
  std::string changes;
  if (d.manifest.is_object() && d.manifest.contains("counterfactual"))
    for (const auto& c : d.manifest["counterfactual"]) changes += (changes.empty() ? "" : ", ") + c.get<std::string>();
  out += para("note", "The same scenario and seed run again with " + (changes.empty() ? std::string("a change") : changes) +
                          ": common random numbers, so the differences are the change's effect.");
  const CsvTable& t = *d.twin;
  const int level = t.column("level"), name = t.column("name"), metric = t.column("metric");
  if (level < 0 || name < 0 || metric < 0 || !t.has("base") || !t.has("variant"))
    return out + para("missing", "counterfactual.csv lacks its columns") + "</section>\n";
  const auto base = t.numbers("base"), variant = t.numbers("variant");
  std::vector<std::vector<std::string>> groups, headline;
  const std::vector<std::string> keys{"sales.units", "margin.channel_profit", "margin.brand_profit",
                                      "coverage.consumer_reach", "coverage.fill_rate", "conflict.cannibalization"};
  for (std::size_t r = 0; r < t.size(); ++r) {
    const auto& row = t.rows[r];
    const std::string& lv = row[static_cast<std::size_t>(level)];
    const std::string& m = row[static_cast<std::size_t>(metric)];
    if (lv == "group" && m != "revenue")
      groups.push_back({row[static_cast<std::size_t>(name)], m, formatValue(base[r]), formatValue(variant[r]),
                        formatValue(variant[r] - base[r])});
    if (lv == "summary" && std::find(keys.begin(), keys.end(), m) != keys.end())
      headline.push_back({m, formatValue(base[r]), formatValue(variant[r]), formatValue(variant[r] - base[r])});
  }
  out += htmlTable({"metric", "base", "twin", "difference"}, headline);
  out += htmlTable({"group", "quantity", "base", "twin", "difference"}, groups, 2);
  return out + "</section>\n";
}

std::string runReportHtml(const fs::path& dir) {
  const RunData d = loadRun(dir);
  Page page;
  page.subtitle = runHeader(d, page);
  page.nav = {{"kpis", "Headline"},
              {"timeseries", "Over time"},
              {"pnl", "P&L"},
              {"coverage", "Coverage map"},
              {"conflict", "Conflict"},
              {"source", "Source of volume"}};
  if (d.panel) page.nav.insert(page.nav.begin() + 2, {"panel", "Stock and orders"});
  if (d.twin) page.nav.push_back({"twin", "Twin run"});
  page.body = kpiSection(d) + timeseriesSection(d) + (d.panel ? memberPanelSection(*d.panel) : std::string()) +
              pnlSection(d) + coverageSection(d.spec, d.members) + conflictSection(d) + sourceSection(d) +
              (d.twin ? twinSection(d) : std::string()) + problemsSection(d.problems);
  return page.html();
}

}  // namespace chan::report
