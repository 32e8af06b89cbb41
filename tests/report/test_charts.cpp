// Chart rendering (sim/report/charts): tick values, number formats, and what the SVG holds.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "sim/report/charts.hpp"
#include "test_util.hpp"

using namespace chan::report;
using chan::report::test::count;

TEST_CASE("nice ticks cover the range with round steps", "[report][charts]") {
  CHECK(niceTicks(0, 10, 5) == std::vector<double>{0, 2, 4, 6, 8, 10});
  CHECK(niceTicks(0, 1, 4) == std::vector<double>{0, 0.25, 0.5, 0.75, 1});
  const auto t = niceTicks(27, 30.3, 5);
  CHECK(t.front() <= 27);
  CHECK(t.back() >= 30.3);
  const auto flat = niceTicks(5, 5, 5);  // a constant still gets a range
  CHECK(flat.front() < 5);
  CHECK(flat.back() > 5);
  const auto bad = niceTicks(std::numeric_limits<double>::quiet_NaN(), 1, 5);
  CHECK(bad.size() == 2);
}

TEST_CASE("values are formatted for people", "[report][charts]") {
  CHECK(formatValue(1234567) == "1.23 M");
  CHECK(formatValue(45678) == "45.7 k");
  CHECK(formatValue(28.3132) == "28.31");
  CHECK(formatValue(0.0421) == "0.0421");
  CHECK(formatValue(0.125, ValueFormat::Percent) == "12.5%");
  CHECK(formatValue(0, ValueFormat::Percent) == "0%");
  CHECK(formatValue(std::numeric_limits<double>::quiet_NaN()) == "n/a");
}

TEST_CASE("a line chart draws its series, bands, reference lines and legend", "[report][charts]") {
  LineChart c;
  c.title = "Price & MAP";
  c.xLabel = "tick";
  Series s;
  s.name = "mean";
  s.x = {1, 2, 3, 4};
  s.y = {28, 28.5, std::numeric_limits<double>::quiet_NaN(), 29};  // a gap splits the line
  s.low = {27, 27.5, 27, 28};
  s.high = {29, 29.5, 29, 30};
  c.series.push_back(s);
  c.refs.push_back({27, "MAP", "#D55E00"});
  const std::string svg = renderLineChart(c);
  CHECK(svg.find("aria-label=\"Price &amp; MAP\"") != std::string::npos);
  CHECK(count(svg, "<polyline") == 2);
  CHECK(count(svg, "<polygon") == 1);  // the band stops at the gap (one point after it: no area)
  CHECK(svg.find("MAP 27") != std::string::npos);
  CHECK(svg.find(">mean</text>") != std::string::npos);  // legend: series and reference line
  CHECK(svg == renderLineChart(c));                      // deterministic
}

TEST_CASE("a share axis stays within 0% and 100%", "[report][charts]") {
  LineChart c;
  c.yFormat = ValueFormat::Percent;
  Series s;
  s.name = "fill rate";
  s.x = {1, 2, 3};
  s.y = {0.97, 0.99, 1.0};
  s.low = {0.9, 0.95, 0.98};
  s.high = {1.04, 1.03, 1.02};  // an interval beyond 100%
  c.series.push_back(s);
  const std::string svg = renderLineChart(c);
  CHECK(svg.find(">100%<") != std::string::npos);
  CHECK(svg.find(">102") == std::string::npos);
  CHECK(svg.find(">105") == std::string::npos);
}

TEST_CASE("an all-zero series gets an axis from 0", "[report][charts]") {
  LineChart c;
  Series s;
  s.name = "stock-outs";
  s.x = {1, 2, 3};
  s.y = {0, 0, 0};
  c.series.push_back(s);
  const std::string svg = renderLineChart(c);
  CHECK(svg.find(">-") == std::string::npos);  // no negative ticks
  CHECK(svg.find(">0<") != std::string::npos);
}

TEST_CASE("spikes are clipped and noted when asked", "[report][charts]") {
  LineChart c;
  c.clipSpikes = true;
  Series s;
  s.name = "orders";
  for (int i = 1; i <= 60; ++i) s.x.push_back(i), s.y.push_back(i == 1 ? 200000 : 1000 + i);
  c.series.push_back(s);
  const std::string svg = renderLineChart(c);
  CHECK(svg.find("off scale: values up to 200 k") != std::string::npos);
  CHECK(svg.find(">200k<") == std::string::npos);
}

TEST_CASE("categorical and log x axes", "[report][charts]") {
  LineChart c;
  c.categories = {"small_channel.yaml", "small_two_tier.yaml"};
  Series s;
  s.name = "mean";
  s.x = {0, 1};
  s.y = {3, 4};
  s.markers = true;
  c.series.push_back(s);
  const std::string svg = renderLineChart(c);
  CHECK(svg.find("small_two_tier.yaml") != std::string::npos);
  CHECK(count(svg, "<circle") == 2);

  LineChart l;
  l.xLog = true;
  Series t;
  t.name = "noise";
  t.x = {0.1, 1, 10};
  t.y = {1, 2, 3};
  l.series.push_back(t);
  const std::string logSvg = renderLineChart(l);
  CHECK(logSvg.find(">0.1<") != std::string::npos);
  CHECK(logSvg.find(">10<") != std::string::npos);
}

TEST_CASE("stacked bars stack positives up and negatives down, with markers", "[report][charts]") {
  StackedBars b;
  b.title = "P&L";
  b.categories = {"tier 0", "tier 1"};
  b.segments.push_back({"cost", "#999999", {60, 80}});
  b.segments.push_back({"profit", "#009E73", {40, 0}});
  b.segments.push_back({"loss", "#D55E00", {0, -10}});
  b.markerName = "revenue";
  b.markers = {100, 70};
  const std::string svg = renderStackedBars(b);
  CHECK(svg.find("tier 0: cost 60") != std::string::npos);
  CHECK(svg.find("tier 1: loss -10") != std::string::npos);
  CHECK(svg.find("tier 0: revenue 100") != std::string::npos);
  CHECK(svg.find("tier 1: profit") == std::string::npos);  // zero parts are not drawn
  CHECK(svg.find(">-") != std::string::npos);              // the axis goes below zero
}
