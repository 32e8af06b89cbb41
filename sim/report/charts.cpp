#include "sim/report/charts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "sim/report/svg.hpp"

namespace chan::report {
namespace {

constexpr double kCharWidth = 6.3;  // average width of an 11px sans-serif character, px
constexpr double kLegendRow = 16;
constexpr const char* kAxisColor = "#555555";
constexpr const char* kGridColor = "#e3e3e3";

bool finite(double v) { return std::isfinite(v); }

double textWidth(const std::string& s) { return kCharWidth * static_cast<double>(s.size()); }

/// Decimals needed to print multiples of step exactly (2.5 -> 1, 0.25 -> 2, 20 -> 0).
int decimalsFor(double step) {
  step = std::fabs(step);
  for (int d = 0; d < 8; ++d) {
    const double scaled = step * std::pow(10.0, d);
    if (std::fabs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, scaled)) return d;
  }
  return 8;
}

/// Tick label with just enough decimals for the step.
std::string tickLabel(double v, double step, ValueFormat format) {
  if (std::fabs(v) < 1e-12 * std::max(1.0, std::fabs(step))) return format == ValueFormat::Percent ? "0%" : "0";
  if (format == ValueFormat::Percent) return num(v * 100, decimalsFor(step * 100)) + "%";
  const double a = std::max(std::fabs(v), std::fabs(step));
  if (a >= 1e6) return num(v / 1e6, decimalsFor(step / 1e6)) + "M";
  if (a >= 1e4) return num(v / 1e3, decimalsFor(step / 1e3)) + "k";
  return num(v, decimalsFor(step));
}

struct Legend {
  struct Item {
    std::string name, color;
    bool dashed = false, marker = false, box = false;
  };
  std::vector<Item> items;
  std::string title;  // printed first

  /// Rows needed at this width.
  int rows(double left, double width) const {
    if (items.empty()) return 0;
    int r = 1;
    double x = left + (title.empty() ? 0 : textWidth(title) + 8);
    for (const Item& it : items) {
      const double w = 22 + textWidth(it.name) + 14;
      if (x + w > width - 8 && x > left) ++r, x = left;
      x += w;
    }
    return r;
  }
  void draw(Svg& svg, double left, double top, double width) const {
    double x = left, y = top;
    if (!title.empty() && !items.empty()) {
      svg.text(x, y, title, Attrs().add("class", "legend"));
      x += textWidth(title) + 8;
    }
    for (const Item& it : items) {
      const double w = 22 + textWidth(it.name) + 14;
      if (x + w > width - 8 && x > left) x = left, y += kLegendRow;
      if (it.box) {
        svg.rect(x, y - 9, 14, 10, Attrs().add("fill", it.color));
      } else {
        Attrs a;
        a.add("stroke", it.color).add("stroke-width", 2);
        if (it.dashed) a.add("stroke-dasharray", "5 3");
        svg.line(x, y - 4, x + 16, y - 4, a);
        if (it.marker) svg.circle(x + 8, y - 4, 3, Attrs().add("fill", it.color));
      }
      svg.text(x + 20, y, it.name, Attrs().add("class", "legend"));
      x += w;
    }
  }
};

void drawTitle(Svg& svg, const std::string& title) { svg.text(8, 17, title, Attrs().add("class", "title")); }

/// The y axis label, turned to run up the left margin, centred at height y.
void drawYLabel(Svg& svg, const std::string& label, double y) {
  if (label.empty()) return;
  svg.text(14, y, label,
           Attrs().add("class", "axis").add("text-anchor", "middle").add("transform", "rotate(-90 14 " + num(y, 1) + ")"));
}

/// Splits a category label into at most two lines near its middle (at '_' or ' ').
std::vector<std::string> wrapLabel(const std::string& label, double room) {
  if (textWidth(label) <= room) return {label};
  std::size_t best = std::string::npos;
  for (std::size_t i = 0; i < label.size(); ++i)
    if (label[i] == ' ' || label[i] == '_')
      if (best == std::string::npos || std::abs(static_cast<long>(i) - static_cast<long>(label.size() / 2)) <
                                           std::abs(static_cast<long>(best) - static_cast<long>(label.size() / 2)))
        best = i;
  if (best == std::string::npos) return {label};
  return {label.substr(0, best + (label[best] == '_' ? 1 : 0)), label.substr(best + 1)};
}

}  // namespace

const std::string& paletteColor(std::size_t index) {
  static const std::vector<std::string> colors = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                                  "#CC79A7", "#56B4E9", "#8C6D1F", "#000000"};
  return colors[index % colors.size()];
}

std::string formatValue(double v, ValueFormat format) {
  if (!finite(v)) return "n/a";
  if (format == ValueFormat::Percent) return num(v * 100, std::fabs(v) < 0.001 && v != 0 ? 3 : 1) + "%";
  const double a = std::fabs(v);
  if (a >= 1e9) return num(v / 1e9, 2) + " G";
  if (a >= 1e6) return num(v / 1e6, 2) + " M";
  if (a >= 1e4) return num(v / 1e3, 1) + " k";
  if (a >= 100) return num(v, 1);
  if (a >= 10) return num(v, 2);
  if (a >= 1) return num(v, 3);
  if (a == 0) return "0";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

std::vector<double> niceTicks(double lo, double hi, int count) {
  if (!finite(lo) || !finite(hi)) return {0, 1};
  if (hi < lo) std::swap(lo, hi);
  if (hi - lo < 1e-12 * std::max(1.0, std::fabs(hi))) {
    const double pad = lo == 0 ? 1 : std::fabs(lo) * 0.1;
    lo -= pad, hi += pad;
  }
  const double raw = (hi - lo) / std::max(1, count);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  const double first = std::floor(lo / step + 1e-9) * step;
  std::vector<double> ticks;
  for (double t = first; t < hi + step * 0.999; t += step) {
    ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
    if (ticks.size() > 50) break;
  }
  return ticks;
}

std::string renderLineChart(const LineChart& c) {
  Svg svg(c.width, c.height, c.title);
  drawTitle(svg, c.title);

  // legend: only when there is more than one thing to tell apart
  Legend legend;
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const Series& s = c.series[i];
    legend.items.push_back({s.name, s.color.empty() ? paletteColor(i) : s.color, s.dashed, s.markers && !s.line});
  }
  for (const RefLine& r : c.refs) legend.items.push_back({r.label, r.color, true, false});
  if (legend.items.size() < 2) legend.items.clear();
  if (!legend.items.empty() && !c.legendTitle.empty()) legend.title = c.legendTitle;
  const double left = 62, right = 16;
  const int legendRows = legend.rows(left, c.width);
  const double top = 28 + legendRows * kLegendRow + 6, bottom = c.xLabel.empty() ? 26 : 40;
  legend.draw(svg, left, 28 + 8, c.width);
  const double plotW = c.width - left - right, plotH = c.height - top - bottom;

  // ranges
  double xmin = std::numeric_limits<double>::infinity(), xmax = -xmin, ymin = xmin, ymax = -xmin;
  auto seeY = [&](double v) {
    if (finite(v)) ymin = std::min(ymin, v), ymax = std::max(ymax, v);
  };
  for (const Series& s : c.series) {
    for (std::size_t k = 0; k < s.x.size() && k < s.y.size(); ++k) {
      if (!finite(s.y[k]) || !finite(s.x[k]) || (c.xLog && s.x[k] <= 0)) continue;
      xmin = std::min(xmin, s.x[k]), xmax = std::max(xmax, s.x[k]);
      seeY(s.y[k]);
    }
  }
  for (const RefLine& r : c.refs) seeY(r.y);
  // a share (values in [0, 1]) keeps its axis within 0% and 100%, whatever its intervals do
  const bool share = c.yFormat == ValueFormat::Percent && ymin >= 0 && ymax <= 1;
  {  // bands and whiskers widen the range by at most half the values' span (a 2-replication
     // interval, t = 12.7, would otherwise flatten the means); beyond it they are cut off
    const double span = finite(ymin) ? std::max(ymax - ymin, 1e-9 * std::max(1.0, std::fabs(ymax))) : 0;
    double lo = ymin, hi = ymax;
    for (const Series& s : c.series)
      for (std::size_t k = 0; k < s.x.size() && k < s.y.size(); ++k) {
        if (!finite(s.y[k])) continue;
        if (k < s.low.size() && finite(s.low[k])) lo = std::min(lo, std::max(s.low[k], ymin - 0.5 * span));
        if (k < s.high.size() && finite(s.high[k])) hi = std::max(hi, std::min(s.high[k], ymax + 0.5 * span));
      }
    if (finite(lo)) ymin = lo, ymax = hi;
  }
  double clipAt = std::numeric_limits<double>::infinity(), clippedMax = 0;
  if (c.clipSpikes) {
    std::vector<double> all;
    for (const Series& s : c.series)
      for (double v : s.y)
        if (finite(v)) all.push_back(v);
    if (all.size() >= 20) {
      std::sort(all.begin(), all.end());
      const double p98 = all[static_cast<std::size_t>(0.98 * static_cast<double>(all.size() - 1))];
      if (p98 > 0 && all.back() > 3 * p98) {
        clipAt = 1.3 * p98, clippedMax = all.back(), ymax = clipAt;
        for (const RefLine& r : c.refs) ymax = std::max(ymax, r.y);
      }
    }
  }
  const bool empty = !finite(xmin);
  if (empty) xmin = 0, xmax = 1, ymin = 0, ymax = 1;
  if (c.yFromZero) ymin = std::min(ymin, 0.0), ymax = std::max(ymax, 0.0);
  const bool allZero = c.yFromZero && ymin == 0 && ymax == 0;
  if (allZero) ymax = c.yFormat == ValueFormat::Percent ? 0.01 : 1;
  if (share) ymin = std::max(ymin, 0.0), ymax = std::min(ymax, 1.0);
  if (ymax - ymin < 1e-12 * std::max(1.0, std::fabs(ymax))) {  // a constant: show it in a range around it
    const double pad = ymax == 0 ? 1 : 0.1 * std::fabs(ymax);
    ymin -= pad, ymax += pad;
  }
  {  // headroom, so that a line at the extreme does not run along the frame
    const double span = ymax - ymin;
    if (!std::isfinite(clipAt) && !allZero) ymax += 0.04 * span;
    if (!c.yFromZero || ymin < 0) ymin -= 0.04 * span;
    if (share) ymax = std::min(ymax, 1.0), ymin = std::max(ymin, 0.0);
  }
  std::vector<double> yTicks = niceTicks(ymin, ymax, 5);
  if (share) {  // a share never needs ticks beyond 0% and 100%
    while (yTicks.size() > 2 && yTicks.back() > 1 + 1e-12) yTicks.pop_back();
    while (yTicks.size() > 2 && yTicks.front() < -1e-12) yTicks.erase(yTicks.begin());
  }
  const double y0 = yTicks.front(), y1 = yTicks.back();
  const double yStep = yTicks.size() > 1 ? yTicks[1] - yTicks[0] : 1;
  const bool categorical = !c.categories.empty();
  if (categorical) xmin = -0.5, xmax = static_cast<double>(c.categories.size()) - 0.5;
  if (!categorical && xmax - xmin < 1e-12) xmin -= 0.5, xmax += 0.5;
  const double lx0 = c.xLog ? std::log10(xmin) : xmin, lx1 = c.xLog ? std::log10(xmax) : xmax;
  auto px = [&](double x) {
    const double v = c.xLog ? std::log10(x) : x;
    return left + (lx1 > lx0 ? (v - lx0) / (lx1 - lx0) : 0.5) * plotW;
  };
  auto py = [&](double y) {
    y = std::clamp(y, std::min(y0, y1), std::max(y0, y1));  // values off the scale run along its edge
    return top + plotH - (y1 > y0 ? (y - y0) / (y1 - y0) : 0.5) * plotH;
  };

  // grid and y axis
  for (double t : yTicks) {
    svg.line(left, py(t), left + plotW, py(t), Attrs().add("stroke", t == 0 ? "#bbbbbb" : kGridColor));
    svg.text(left - 6, py(t) + 4, tickLabel(t, yStep, c.yFormat),
             Attrs().add("class", "tick").add("text-anchor", "end"));
  }
  svg.line(left, top, left, top + plotH, Attrs().add("stroke", kAxisColor));
  svg.line(left, top + plotH, left + plotW, top + plotH, Attrs().add("stroke", kAxisColor));
  drawYLabel(svg, c.yLabel, top + plotH / 2);
  // x axis
  if (categorical) {
    const double band = plotW / static_cast<double>(c.categories.size());
    for (std::size_t i = 0; i < c.categories.size(); ++i) {
      const double x = px(static_cast<double>(i));
      svg.line(x, top + plotH, x, top + plotH + 4, Attrs().add("stroke", kAxisColor));
      const auto lines = wrapLabel(c.categories[i], band - 4);
      for (std::size_t l = 0; l < lines.size(); ++l)
        svg.text(x, top + plotH + 16 + 11 * static_cast<double>(l), lines[l],
                 Attrs().add("class", "tick").add("text-anchor", "middle"));
    }
  } else {
    std::vector<double> xTicks;
    if (c.xLog) {
      for (double dec = std::pow(10.0, std::floor(lx0)); dec <= xmax * 1.0001; dec *= 10)
        for (double m : {1.0, 2.0, 5.0})
          if (m * dec >= xmin * 0.9999 && m * dec <= xmax * 1.0001) xTicks.push_back(m * dec);
    } else {
      for (double t : niceTicks(xmin, xmax, std::max(2, static_cast<int>(plotW / 90))))
        if (t >= xmin - 1e-9 * std::fabs(xmax - xmin) && t <= xmax + 1e-9 * std::fabs(xmax - xmin)) xTicks.push_back(t);
    }
    const double xStep = xTicks.size() > 1 ? xTicks[1] - xTicks[0] : 1;
    for (double t : xTicks) {
      svg.line(px(t), top + plotH, px(t), top + plotH + 4, Attrs().add("stroke", kAxisColor));
      svg.text(px(t), top + plotH + 16, c.xLog ? formatValue(t) : tickLabel(t, xStep, ValueFormat::Number),
               Attrs().add("class", "tick").add("text-anchor", "middle"));
    }
  }
  if (!c.xLabel.empty())
    svg.text(left + plotW / 2, c.height - 6, c.xLabel, Attrs().add("class", "axis").add("text-anchor", "middle"));
  if (std::isfinite(clipAt))
    svg.text(left + plotW - 4, top + 12, "off scale: values up to " + formatValue(clippedMax, c.yFormat),
             Attrs().add("class", "tick").add("text-anchor", "end").add("fill", "#a33"));
  if (empty)
    svg.text(left + plotW / 2, top + plotH / 2, "no data", Attrs().add("class", "tick").add("text-anchor", "middle"));

  // reference lines
  for (const RefLine& r : c.refs) {
    svg.line(left, py(r.y), left + plotW, py(r.y),
             Attrs().add("stroke", r.color).add("stroke-width", 1.3).add("stroke-dasharray", "6 4"));
    svg.text(left + plotW - 4, py(r.y) - 4, r.label + " " + formatValue(r.y, c.yFormat),
             Attrs().add("class", "tick").add("text-anchor", "end").add("fill", r.color));
  }

  // series: bands first, so that every line stays on top
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const Series& s = c.series[i];
    const std::string color = s.color.empty() ? paletteColor(i) : s.color;
    if (!s.line || s.low.size() != s.y.size() || s.high.size() != s.y.size()) continue;
    std::vector<std::pair<double, double>> upper, lower;
    auto flush = [&] {
      if (upper.size() > 1) {
        std::vector<std::pair<double, double>> poly = upper;
        poly.insert(poly.end(), lower.rbegin(), lower.rend());
        svg.polygon(poly, Attrs().add("fill", color).add("fill-opacity", 0.18).add("stroke", "none"),
                    s.name + ": 95% confidence band");
      }
      upper.clear(), lower.clear();
    };
    for (std::size_t k = 0; k < s.y.size() && k < s.x.size(); ++k) {
      if (!finite(s.y[k]) || !finite(s.low[k]) || !finite(s.high[k]) || !finite(s.x[k]) || (c.xLog && s.x[k] <= 0)) {
        flush();
        continue;
      }
      upper.emplace_back(px(s.x[k]), py(s.high[k]));
      lower.emplace_back(px(s.x[k]), py(s.low[k]));
    }
    flush();
  }
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const Series& s = c.series[i];
    const std::string color = s.color.empty() ? paletteColor(i) : s.color;
    if (s.line) {
      Attrs a;
      a.add("fill", "none").add("stroke", color).add("stroke-width", 1.6).add("stroke-linejoin", "round");
      if (s.dashed) a.add("stroke-dasharray", "5 3");
      std::vector<std::pair<double, double>> run;
      for (std::size_t k = 0; k < s.y.size() && k < s.x.size(); ++k) {
        if (!finite(s.y[k]) || !finite(s.x[k]) || (c.xLog && s.x[k] <= 0)) {
          svg.polyline(run, a, s.name);
          run.clear();
          continue;
        }
        run.emplace_back(px(s.x[k]), py(s.y[k]));
      }
      svg.polyline(run, a, s.name);
    }
    if (s.markers) {
      const bool whiskers = !s.line && s.low.size() == s.y.size() && s.high.size() == s.y.size();
      for (std::size_t k = 0; k < s.y.size() && k < s.x.size(); ++k) {
        if (!finite(s.y[k]) || !finite(s.x[k]) || (c.xLog && s.x[k] <= 0)) continue;
        std::string tip = s.name + ": " +
                          (categorical ? c.categories[static_cast<std::size_t>(s.x[k])] : formatValue(s.x[k])) +
                          " -> " + formatValue(s.y[k], c.yFormat);
        if (s.low.size() == s.y.size() && finite(s.low[k]) && finite(s.high[k]))
          tip += " (95% CI " + formatValue(s.low[k], c.yFormat) + " to " + formatValue(s.high[k], c.yFormat) + ")";
        if (whiskers && finite(s.low[k]) && finite(s.high[k]))
          svg.line(px(s.x[k]), py(s.low[k]), px(s.x[k]), py(s.high[k]),
                   Attrs().add("stroke", color).add("stroke-opacity", 0.45));
        svg.circle(px(s.x[k]), py(s.y[k]), 2.8, Attrs().add("fill", color), tip);
      }
    }
  }
  return svg.str();
}

std::string renderStackedBars(const StackedBars& c) {
  Svg svg(c.width, c.height, c.title);
  drawTitle(svg, c.title);
  Legend legend;
  for (const auto& s : c.segments) legend.items.push_back({s.name, s.color, false, false, true});
  if (!c.markers.empty()) legend.items.push_back({c.markerName, "#111111", false, false, false});
  const double left = 62, right = 12;
  const int legendRows = legend.rows(left, c.width);
  const double top = 28 + legendRows * kLegendRow + 6, bottom = 40;
  legend.draw(svg, left, 28 + 8, c.width);
  const double plotW = c.width - left - right, plotH = c.height - top - bottom;
  const std::size_t n = c.categories.size();

  double lo = 0, hi = 0;
  for (std::size_t k = 0; k < n; ++k) {
    double up = 0, down = 0;
    for (const auto& s : c.segments) {
      const double v = k < s.values.size() && finite(s.values[k]) ? s.values[k] : 0;
      (v >= 0 ? up : down) += v;
    }
    hi = std::max(hi, up), lo = std::min(lo, down);
    if (k < c.markers.size() && finite(c.markers[k])) hi = std::max(hi, c.markers[k]), lo = std::min(lo, c.markers[k]);
  }
  const std::vector<double> ticks = niceTicks(lo, hi, 5);
  const double y0 = ticks.front(), y1 = ticks.back(), step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1;
  auto py = [&](double y) { return top + plotH - (y - y0) / (y1 - y0) * plotH; };
  for (double t : ticks) {
    svg.line(left, py(t), left + plotW, py(t), Attrs().add("stroke", t == 0 ? "#999999" : kGridColor));
    svg.text(left - 6, py(t) + 4, tickLabel(t, step, ValueFormat::Number),
             Attrs().add("class", "tick").add("text-anchor", "end"));
  }
  svg.line(left, top, left, top + plotH, Attrs().add("stroke", kAxisColor));
  drawYLabel(svg, c.yLabel, top + plotH / 2);
  if (n == 0) {
    svg.text(left + plotW / 2, top + plotH / 2, "no data", Attrs().add("class", "tick").add("text-anchor", "middle"));
    return svg.str();
  }
  const double band = plotW / static_cast<double>(n), barW = std::min(70.0, band * 0.62);
  for (std::size_t k = 0; k < n; ++k) {
    const double cx = left + band * (static_cast<double>(k) + 0.5);
    double up = 0, down = 0;
    for (const auto& s : c.segments) {
      const double v = k < s.values.size() && finite(s.values[k]) ? s.values[k] : 0;
      if (v == 0) continue;
      const double from = v > 0 ? up : down, to = from + v;
      (v > 0 ? up : down) = to;
      const double yTop = py(std::max(from, to)), yBottom = py(std::min(from, to));
      svg.rect(cx - barW / 2, yTop, barW, yBottom - yTop, Attrs().add("fill", s.color),
               c.categories[k] + ": " + s.name + " " + formatValue(v));
    }
    if (k < c.markers.size() && finite(c.markers[k])) {
      const double y = py(c.markers[k]);
      svg.line(cx - barW / 2 - 5, y, cx + barW / 2 + 5, y, Attrs().add("stroke", "#111111").add("stroke-width", 2.2));
      svg.rect(cx - barW / 2 - 5, y - 4, barW + 10, 8, Attrs().add("fill", "transparent"),
               c.categories[k] + ": " + c.markerName + " " + formatValue(c.markers[k]));
    }
    const auto lines = wrapLabel(c.categories[k], band - 4);
    for (std::size_t l = 0; l < lines.size(); ++l)
      svg.text(cx, top + plotH + 15 + 12 * static_cast<double>(l), lines[l],
               Attrs().add("class", "tick").add("text-anchor", "middle"));
  }
  return svg.str();
}

}  // namespace chan::report
