#include "sim/report/member_panel.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "sim/report/charts.hpp"
#include "sim/report/page.hpp"

namespace chan::report {
namespace {

/// One member group's daily totals over its members, and its run totals.
struct GroupDays {
  std::string name;
  std::size_t members = 0;
  std::vector<double> stock, onOrder, ordered, sold, lost;  // per tick, summed over the members
  double emptyDays = 0;     // member-days that ended with no stock
  double stockoutDays = 0;  // member-days with lost requests
  bool holdsGoods = false;  // some stock, goods on order or orders placed (a manufacturer producing to order has none)
};

double sum(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}

}  // namespace

std::string memberPanelSection(const CsvTable& t) {
  std::string out = sectionOpen("panel", "Stock and orders by group (member_timeseries.csv)");
  for (const char* c : {"tick", "member", "group", "stock", "on_order", "orders_placed", "sold", "lost"})
    if (!t.has(c))
      return out + para("missing", std::string("member_timeseries.csv lacks the ") + c + " column") + "</section>\n";
  const auto tick = t.numbers("tick"), member = t.numbers("member"), stock = t.numbers("stock"),
             onOrder = t.numbers("on_order"), ordered = t.numbers("orders_placed"), sold = t.numbers("sold"),
             lost = t.numbers("lost");
  const auto group = t.texts("group");
  // ticks in the order written (ascending), each a chart's x
  std::vector<double> ticks;
  std::map<double, std::size_t> tickIndex;
  for (double x : tick)
    if (std::isfinite(x) && tickIndex.emplace(x, 0).second) ticks.push_back(x);
  std::sort(ticks.begin(), ticks.end());
  for (std::size_t k = 0; k < ticks.size(); ++k) tickIndex[ticks[k]] = k;
  // groups in the order their first member appears (member id order)
  std::vector<GroupDays> groups;
  std::map<std::string, std::size_t> groupIndex;
  std::map<double, bool> seenMember;
  auto value = [](const std::vector<double>& v, std::size_t r) { return std::isfinite(v[r]) ? v[r] : 0.0; };
  for (std::size_t r = 0; r < t.size(); ++r) {
    if (!std::isfinite(tick[r])) continue;
    auto [it, added] = groupIndex.emplace(group[r], groups.size());
    if (added) {
      GroupDays g;
      g.name = group[r];
      for (auto* v : {&g.stock, &g.onOrder, &g.ordered, &g.sold, &g.lost}) v->assign(ticks.size(), 0.0);
      groups.push_back(std::move(g));
    }
    GroupDays& g = groups[it->second];
    if (!seenMember[member[r]]) seenMember[member[r]] = true, ++g.members;
    const std::size_t k = tickIndex[tick[r]];
    g.stock[k] += value(stock, r);
    g.onOrder[k] += value(onOrder, r);
    g.ordered[k] += value(ordered, r);
    g.sold[k] += value(sold, r);
    g.lost[k] += value(lost, r);
    g.emptyDays += value(stock, r) <= 0;
    g.stockoutDays += value(lost, r) > 0;
    g.holdsGoods = g.holdsGoods || value(stock, r) > 0 || value(onOrder, r) > 0 || value(ordered, r) > 0;
  }
  if (groups.empty()) return out + para("missing", "member_timeseries.csv has no rows") + "</section>\n";
  // the group that lost the most sales first: where to look for why fill rate or profit fell
  std::stable_sort(groups.begin(), groups.end(),
                   [](const GroupDays& a, const GroupDays& b) { return sum(a.lost) > sum(b.lost); });
  out += para("note",
              "Each group's members summed, one point per tick: stock on hand and goods on order at the end of the "
              "day, units ordered from the supplier, units sold (outlets: to consumers; others: shipped to buyers) "
              "and lost (first-choice requests an outlet could not serve). Groups that lost the most come first. "
              "Empty days: member-days that ended with no stock; stock-out days: member-days with lost requests.");
  std::vector<std::vector<std::string>> rows;
  const double days = static_cast<double>(ticks.size());
  for (const GroupDays& g : groups)
    // (a group that never holds goods, a manufacturer producing to order, has no empty shelf)
    rows.push_back({g.name, std::to_string(g.members), formatValue(sum(g.stock) / days), formatValue(sum(g.ordered)),
                    formatValue(sum(g.sold)), formatValue(sum(g.lost)), g.holdsGoods ? formatValue(g.emptyDays) : "n/a",
                    formatValue(g.stockoutDays)});
  out += htmlTable({"group", "members", "mean stock", "units ordered", "units sold", "lost units", "empty days",
                    "stock-out days"},
                   rows);
  out += "<div class=\"charts\">\n";
  for (const GroupDays& g : groups) {
    if (!g.holdsGoods) continue;
    LineChart c;
    c.title = g.name + " (" + std::to_string(g.members) + (g.members == 1 ? " member)" : " members)");
    c.xLabel = "tick";
    c.yLabel = "units";
    c.clipSpikes = true;
    c.width = 460;
    c.height = 240;
    auto series = [&](const char* name, const std::vector<double>& y, std::size_t color, bool dashed) {
      Series s;
      s.name = name;
      s.x = ticks;
      s.y = y;
      s.color = paletteColor(color);
      s.dashed = dashed;
      return s;
    };
    c.series = {series("stock", g.stock, 0, false), series("on order", g.onOrder, 0, true),
                series("ordered", g.ordered, 1, false), series("sold", g.sold, 2, false)};
    if (sum(g.lost) > 0) c.series.push_back(series("lost", g.lost, 3, false));
    out += renderLineChart(c);
  }
  return out + "</div>\n</section>\n";
}

}  // namespace chan::report
