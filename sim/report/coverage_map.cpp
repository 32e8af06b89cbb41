#include "sim/report/coverage_map.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "sim/engine/world_builder.hpp"
#include "sim/report/charts.hpp"
#include "sim/report/page.hpp"
#include "sim/report/svg.hpp"

namespace chan::report {
namespace {

const std::string& kindColor(MemberKind k) {
  static const std::vector<std::string> colors = {"#000000", "#0072B2", "#E69F00", "#CC79A7",
                                                  "#009E73", "#D55E00", "#56B4E9", "#999999"};
  return colors[static_cast<std::size_t>(k)];
}

}  // namespace

std::string coverageSection(const std::optional<ScenarioSpec>& scenario, const std::optional<CsvTable>& memberTable) {
  std::string out = sectionOpen("coverage", "Coverage: territories, members and consumers");
  if (!scenario)
    return out + para("missing", "scenario.resolved.yaml is missing or unreadable: no map") + "</section>\n";
  // Positions are not in members.csv: rebuild the world from the resolved scenario (members
  // are placed from their own random streams, so a smaller consumer sample leaves them where
  // the run had them; the sample only draws the density shading).
  ScenarioSpec spec = *scenario;
  const int totalConsumers = spec.consumers.count;
  spec.consumers.count = std::min(spec.consumers.count, 60000);
  const World w = buildWorld(spec);
  const Members& mb = w.members;
  const bool haveMembers = memberTable && memberTable->size() == mb.size();
  std::vector<double> stockout(mb.size(), 0), sold(mb.size(), 0), revenue(mb.size(), 0), lost(mb.size(), 0);
  if (haveMembers) {
    const auto s = memberTable->numbers("stockout_ticks"), u = memberTable->numbers("units_sold"),
               r = memberTable->numbers("revenue"), l = memberTable->numbers("lost_units");
    for (std::size_t i = 0; i < mb.size(); ++i) {
      if (i < s.size() && std::isfinite(s[i])) stockout[i] = s[i];
      if (i < u.size() && std::isfinite(u[i])) sold[i] = u[i];
      if (i < r.size() && std::isfinite(r[i])) revenue[i] = r[i];
      if (i < l.size() && std::isfinite(l[i])) lost[i] = l[i];
    }
  }
  double maxStockout = 0;
  for (std::size_t i = 0; i < mb.size(); ++i)
    if (isOutlet(mb.kind[i])) maxStockout = std::max(maxStockout, stockout[i]);

  // geometry: the map keeps its aspect ratio inside a 560 x 560 box, legend on the right
  const double box = 560, scale = box / std::max(spec.width, spec.height);
  const double mapW = spec.width * scale, mapH = spec.height * scale, left = 16, top = 34;
  const double legendX = left + mapW + 28, width = legendX + 320, height = std::max(top + mapH + 30, 470.0);
  auto X = [&](double x) { return left + x * scale; };
  auto Y = [&](double y) { return top + (spec.height - y) * scale; };  // north up
  Svg svg(width, height, "Map of territories, members and consumers");
  svg.text(8, 17, "Territories, members at their positions, consumer density", Attrs().add("class", "title"));
  svg.rect(left, top, mapW, mapH, Attrs().add("fill", "#fbfbfb").add("stroke", "#999999"));

  // consumer density on a grid
  const int cellsX = 50, cellsY = std::max(1, static_cast<int>(std::lround(50 * spec.height / spec.width)));
  std::vector<int> cells(static_cast<std::size_t>(cellsX * cellsY), 0);
  for (std::size_t i = 0; i < w.consumers.size(); ++i) {
    const int cx = std::clamp(static_cast<int>(w.consumers.x[i] / spec.width * cellsX), 0, cellsX - 1);
    const int cy = std::clamp(static_cast<int>(w.consumers.y[i] / spec.height * cellsY), 0, cellsY - 1);
    ++cells[static_cast<std::size_t>(cy * cellsX + cx)];
  }
  const int maxCell = std::max(1, *std::max_element(cells.begin(), cells.end()));
  const double cw = spec.width / cellsX, ch = spec.height / cellsY;
  for (int cy = 0; cy < cellsY; ++cy)
    for (int cx = 0; cx < cellsX; ++cx) {
      const int n = cells[static_cast<std::size_t>(cy * cellsX + cx)];
      if (n == 0) continue;
      svg.rect(
          X(cx * cw), Y((cy + 1) * ch), cw * scale + 0.1, ch * scale + 0.1,
          Attrs().add("fill", "#5b6b7b").add("fill-opacity", 0.5 * std::sqrt(static_cast<double>(n) / maxCell), 3));
    }
  // territories
  for (std::size_t t = 0; t < spec.territories.size(); ++t) {
    const TerritorySpec& r = spec.territories[t];
    const std::string& color = paletteColor(t);
    svg.rect(X(r.x0), Y(r.y1), (r.x1 - r.x0) * scale, (r.y1 - r.y0) * scale,
             Attrs().add("fill", color).add("fill-opacity", 0.035).add("stroke", color).add("stroke-width", 1.8),
             "territory " + r.name);
    svg.text(X(r.x0) + 5, Y(r.y1) + 14, r.name, Attrs().add("class", "label").add("fill", color));
  }
  // supply links between physical members; a link that crosses into another territory is red
  for (std::size_t m = 0; m < mb.size(); ++m) {
    const int s = mb.supplier[m];
    if (s < 0 || isOnline(mb.kind[m]) || isOnline(mb.kind[static_cast<std::size_t>(s)])) continue;
    const auto si = static_cast<std::size_t>(s);
    // an outlet supplied by a distributor based in another territory
    const bool cross = isOutlet(mb.kind[m]) && mb.kind[si] == MemberKind::Distributor && mb.territory[m] >= 0 &&
                       mb.territory[si] >= 0 && mb.territory[m] != mb.territory[si];
    svg.line(X(mb.x[si]), Y(mb.y[si]), X(mb.x[m]), Y(mb.y[m]),
             Attrs()
                 .add("stroke", cross ? "#D55E00" : "#7a7a7a")
                 .add("stroke-opacity", cross ? 0.8 : 0.3)
                 .add("stroke-width", cross ? 1.0 : 0.6));
  }
  // members: outlets as circles sized by stock-out ticks, distributors as squares, makers as diamonds
  auto tooltip = [&](std::size_t m) {
    std::string t = spec.groups[static_cast<std::size_t>(mb.group[m])].name + " #" + std::to_string(m) + " (" +
                    kindName(mb.kind[m]) + ")";
    if (mb.territory[m] >= 0) t += ", " + spec.territories[static_cast<std::size_t>(mb.territory[m])].name;
    if (haveMembers)
      t += ": sold " + formatValue(sold[m]) + " units, revenue " + formatValue(revenue[m]) + ", stocked out " +
           formatValue(stockout[m]) + " ticks";
    return t;
  };
  std::vector<std::size_t> online;
  for (int pass = 0; pass < 2; ++pass)  // outlets first, suppliers drawn on top
    for (std::size_t m = 0; m < mb.size(); ++m) {
      if (isOnline(mb.kind[m])) {
        if (pass == 0) online.push_back(m);
        continue;
      }
      const bool outlet = isOutlet(mb.kind[m]);
      if ((pass == 0) != outlet) continue;
      const std::string& color = kindColor(mb.kind[m]);
      const double x = X(mb.x[m]), y = Y(mb.y[m]);
      if (outlet) {
        const double r = 3.0 + (maxStockout > 0 ? 7.0 * std::sqrt(stockout[m] / maxStockout) : 0.0);
        svg.circle(
            x, y, r,
            Attrs().add("fill", color).add("fill-opacity", 0.75).add("stroke", "#ffffff").add("stroke-width", 0.6),
            tooltip(m));
      } else if (mb.kind[m] == MemberKind::Distributor) {
        svg.rect(x - 5.5, y - 5.5, 11, 11, Attrs().add("fill", color).add("stroke", "#ffffff").add("stroke-width", 1.2),
                 tooltip(m));
      } else {
        svg.polygon({{x, y - 8}, {x + 8, y}, {x, y + 8}, {x - 8, y}},
                    Attrs().add("fill", color).add("stroke", "#ffffff").add("stroke-width", 1.2), tooltip(m));
      }
    }
  // legend
  double ly = top + 6;
  svg.text(legendX, ly + 4, "Members (colour = kind)", Attrs().add("class", "label"));
  ly += 20;
  std::set<MemberKind> present(mb.kind.begin(), mb.kind.end());
  for (MemberKind k : present) {
    const std::string& color = kindColor(k);
    if (isOnline(k)) continue;
    if (k == MemberKind::Distributor) svg.rect(legendX, ly - 9, 10, 10, Attrs().add("fill", color));
    else if (k == MemberKind::Manufacturer)
      svg.polygon({{legendX + 5, ly - 10}, {legendX + 11, ly - 4}, {legendX + 5, ly + 2}, {legendX - 1, ly - 4}},
                  Attrs().add("fill", color));
    else svg.circle(legendX + 5, ly - 4, 4.5, Attrs().add("fill", color));
    svg.text(legendX + 18, ly, kindName(k), Attrs().add("class", "legend"));
    ly += 17;
  }
  ly += 6;
  svg.text(legendX, ly, "Outlet size = ticks stocked out", Attrs().add("class", "legend"));
  ly += 16;
  if (maxStockout > 0 && haveMembers) {
    double lx = legendX + 6;
    std::set<double> shown = {0, std::max(1.0, std::round(maxStockout / 4)), maxStockout};
    for (double v : shown) {
      const double r = 3.0 + 7.0 * std::sqrt(v / maxStockout);
      svg.circle(lx, ly + 4, r, Attrs().add("fill", "#888888").add("fill-opacity", 0.6));
      svg.text(lx + r + 4, ly + 8, num(v, 0), Attrs().add("class", "tick"));
      lx += 2 * r + 40;
    }
    ly += 28;
  } else {
    svg.text(legendX, ly + 2, haveMembers ? "(no outlet was stocked out)" : "(members.csv missing)",
             Attrs().add("class", "tick"));
    ly += 18;
  }
  svg.line(legendX, ly, legendX + 18, ly, Attrs().add("stroke", "#7a7a7a").add("stroke-opacity", 0.6));
  svg.text(legendX + 24, ly + 4, "supply link", Attrs().add("class", "legend"));
  ly += 16;
  svg.line(legendX, ly, legendX + 18, ly, Attrs().add("stroke", "#D55E00"));
  svg.text(legendX + 24, ly + 4, "outlet supplied from another territory", Attrs().add("class", "legend"));
  ly += 16;
  svg.rect(legendX, ly - 8, 18, 10, Attrs().add("fill", "#5b6b7b").add("fill-opacity", 0.4));
  svg.text(legendX + 24, ly + 1, "consumer density", Attrs().add("class", "legend"));
  ly += 24;
  if (!online.empty()) {
    svg.text(legendX, ly, "Online outlets (no place on the map)", Attrs().add("class", "label"));
    ly += 17;
    for (std::size_t m : online) {
      if (ly > height - 10) break;
      svg.circle(legendX + 5, ly - 4, 4.5, Attrs().add("fill", kindColor(mb.kind[m])));
      std::string label = spec.groups[static_cast<std::size_t>(mb.group[m])].name + " (" + kindName(mb.kind[m]) + ")";
      if (haveMembers) label += ": " + formatValue(sold[m]) + " units";
      svg.text(legendX + 18, ly, label, Attrs().add("class", "legend"));
      ly += 16;
    }
  }
  svg.text(left, top + mapH + 18, "map " + num(spec.width) + " x " + num(spec.height) + " km, north up",
           Attrs().add("class", "tick"));
  out += para("note",
              "Each store sits where the run placed it (rebuilt from scenario.resolved.yaml); larger outlets were "
              "stocked out on more ticks. Shading: where consumers live (" +
                  std::to_string(w.consumers.size()) + " of " + std::to_string(totalConsumers) +
                  " consumer agents drawn). Hover a marker for its figures.");
  out += "<div class=\"charts\">\n" + svg.str() + "</div>\n";

  // coverage by region
  std::vector<std::string> names;
  for (const auto& t : spec.territories) names.push_back(t.name);
  names.push_back("(outside every territory)");
  const std::size_t none = names.size() - 1;
  std::vector<double> consumers(names.size(), 0), outlets(names.size(), 0), rSold(names.size(), 0),
      rRevenue(names.size(), 0), rStockout(names.size(), 0), rLost(names.size(), 0);
  for (std::size_t i = 0; i < w.consumers.size(); ++i) {
    const int r = w.consumers.region[i];
    consumers[r >= 0 ? static_cast<std::size_t>(r) : none] +=
        static_cast<double>(totalConsumers) / static_cast<double>(w.consumers.size());
  }
  for (std::size_t m = 0; m < mb.size(); ++m) {
    if (!isOutlet(mb.kind[m]) || isOnline(mb.kind[m])) continue;
    const std::size_t r = mb.territory[m] >= 0 ? static_cast<std::size_t>(mb.territory[m]) : none;
    outlets[r] += 1, rSold[r] += sold[m], rRevenue[r] += revenue[m], rStockout[r] += stockout[m], rLost[r] += lost[m];
  }
  std::vector<std::vector<std::string>> rows;
  for (std::size_t r = 0; r < names.size(); ++r) {
    if (r == none && outlets[r] == 0 && consumers[r] < 0.5) continue;
    rows.push_back({names[r], formatValue(std::round(consumers[r])), num(outlets[r], 0),
                    consumers[r] > 0 ? num(outlets[r] / consumers[r] * 10000, 2) : "n/a", formatValue(rSold[r]),
                    formatValue(rRevenue[r]), num(rStockout[r], 0), formatValue(rLost[r]),
                    consumers[r] > 0 ? formatValue(rSold[r] / consumers[r] * 1000) : "n/a"});
  }
  out += "<h3>Physical coverage by territory</h3>\n";
  out += para("note",
              "Consumers estimated from the drawn sample; outlets, sales, stock-out ticks and lost units of the "
              "physical outlets located in each territory (online outlets sell everywhere and are not included).");
  out += htmlTable({"territory", "consumers (est.)", "physical outlets", "outlets per 10k consumers", "units sold",
                    "revenue", "stock-out ticks", "lost units", "units per 1k consumers"},
                   rows);
  out += "</section>\n";
  return out;
}

}  // namespace chan::report
