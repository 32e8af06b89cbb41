#pragma once
// A small SVG writer for the charts of report.html.
//
// Why charts drawn in C++ rather than an npm charting library bundled into the page: the
// report is made by the same program that wrote the run, so it needs no JavaScript toolchain
// at build time (no node, no bundler, no lockfile to keep current) and no script at view time;
// the output is a pure function of the run directory (same bytes for the same inputs, so it
// can be diffed and tested), and the page opens from disk with no network access. The charts
// a channel report needs (lines with bands, stacked bars, a map of points and rectangles) are
// a few hundred lines of SVG.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chan::report {

/// Fixed-point text of v with at most `decimals` decimals, trailing zeros dropped ("12.5",
/// "3", "-0.25"); deterministic, locale-independent. NaN and infinities give "0".
std::string num(double v, int decimals = 2);

/// Text escaped for XML/HTML content and attribute values.
std::string escapeXml(std::string_view text);

/// Attributes of one element, in the order added.
class Attrs {
 public:
  Attrs() = default;
  Attrs& add(std::string_view name, std::string_view value);
  Attrs& add(std::string_view name, const char* value) { return add(name, std::string_view(value)); }
  Attrs& add(std::string_view name, const std::string& value) { return add(name, std::string_view(value)); }
  Attrs& add(std::string_view name, double value, int decimals = 2);
  Attrs& add(std::string_view name, int value);
  const std::string& text() const { return m_text; }

 private:
  std::string m_text;  // ` name="value"` for each attribute
};

/// An SVG document built element by element; str() returns the finished <svg> element
/// (without an XML declaration, ready to be inlined in HTML).
class Svg {
 public:
  /// role="img" with aria-label (the chart's title) for screen readers.
  Svg(double width, double height, std::string_view label, std::string_view cssClass = "chart");

  /// <tag attrs>escaped text<title>tooltip</title></tag>; self-closing when both are empty.
  void element(std::string_view tag, const Attrs& attrs, std::string_view text = {}, std::string_view tooltip = {});
  void open(std::string_view tag, const Attrs& attrs = {});
  void close(std::string_view tag);

  void rect(double x, double y, double w, double h, Attrs attrs, std::string_view tooltip = {});
  void line(double x1, double y1, double x2, double y2, Attrs attrs);
  void circle(double cx, double cy, double r, Attrs attrs, std::string_view tooltip = {});
  /// Polyline through the points (skipping none: callers split series at missing values).
  void polyline(const std::vector<std::pair<double, double>>& points, Attrs attrs, std::string_view tooltip = {});
  /// Closed polygon (bands).
  void polygon(const std::vector<std::pair<double, double>>& points, Attrs attrs, std::string_view tooltip = {});
  void text(double x, double y, std::string_view content, Attrs attrs = {});

  double width() const { return m_width; }
  double height() const { return m_height; }
  std::string str() const;

 private:
  double m_width, m_height;
  std::string m_head, m_body;
  std::vector<std::string> m_open;
};

}  // namespace chan::report
