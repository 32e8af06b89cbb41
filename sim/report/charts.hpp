#pragma once
// The report's chart types, drawn with the SVG writer: line charts (series with optional
// confidence bands or whiskers, reference lines, numeric, log or categorical x axis) and
// stacked bar charts (positive parts stacked up, negative parts down, an optional marker per
// bar). Each returns one <svg> element; titles are drawn inside, so a chart reads alone.
#include <string>
#include <vector>

namespace chan::report {

/// Okabe-Ito colours (distinguishable with the common colour-vision deficiencies).
const std::string& paletteColor(std::size_t index);

enum class ValueFormat { Number, Percent };

/// "1.25 M", "12.3 k", "0.042", "12.5%" (Percent: v is a share, 0.125).
std::string formatValue(double v, ValueFormat format = ValueFormat::Number);

/// About `count` round tick values (1, 2, 2.5 or 5 times a power of ten) covering [lo, hi].
std::vector<double> niceTicks(double lo, double hi, int count);

struct Series {
  std::string name;
  std::vector<double> x, y;       // a NaN y breaks the line
  std::vector<double> low, high;  // optional: band (line series) or whiskers (marker series)
  std::string color;              // empty: paletteColor(index of the series)
  bool line = true;
  bool markers = false;
  bool dashed = false;
};

struct RefLine {
  double y = 0;
  std::string label;
  std::string color = "#444444";
};

struct LineChart {
  std::string title, xLabel, yLabel;
  std::vector<Series> series;
  std::vector<RefLine> refs;
  std::string legendTitle;              // printed before the legend entries ("price =")
  std::vector<std::string> categories;  // non-empty: categorical x, x values index into it
  ValueFormat yFormat = ValueFormat::Number;
  bool yFromZero = true;
  bool xLog = false;
  /// Keep rare spikes (an opening stock build on tick 1, say) from flattening everything else:
  /// when the largest value exceeds 3x the 98th percentile, the axis stops at 1.3x that
  /// percentile and the chart notes the values off its scale.
  bool clipSpikes = false;
  double width = 600, height = 260;
};

std::string renderLineChart(const LineChart& chart);

struct StackedBars {
  struct Segment {
    std::string name, color;
    std::vector<double> values;  // one per category (negative values stack downwards)
  };
  std::string title, yLabel;
  std::vector<std::string> categories;
  std::vector<Segment> segments;
  std::string markerName;       // e.g. "revenue": a black tick across each bar
  std::vector<double> markers;  // one per category (empty: none)
  double width = 600, height = 300;
};

std::string renderStackedBars(const StackedBars& chart);

}  // namespace chan::report
