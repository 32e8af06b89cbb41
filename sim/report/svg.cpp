#include "sim/report/svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace chan::report {

std::string num(double v, int decimals) {
  if (!std::isfinite(v)) return "0";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string escapeXml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

Attrs& Attrs::add(std::string_view name, std::string_view value) {
  m_text += ' ';
  m_text += name;
  m_text += "=\"";
  m_text += escapeXml(value);
  m_text += '"';
  return *this;
}

Attrs& Attrs::add(std::string_view name, double value, int decimals) { return add(name, num(value, decimals)); }

Attrs& Attrs::add(std::string_view name, int value) { return add(name, std::to_string(value)); }

Svg::Svg(double width, double height, std::string_view label, std::string_view cssClass)
    : m_width(width), m_height(height) {
  Attrs a;
  a.add("xmlns", "http://www.w3.org/2000/svg")
      .add("class", cssClass)
      .add("width", width, 0)
      .add("height", height, 0)
      .add("viewBox", "0 0 " + num(width, 0) + " " + num(height, 0))
      .add("role", "img")
      .add("aria-label", label);
  m_head = "<svg" + a.text() + ">";
}

void Svg::element(std::string_view tag, const Attrs& attrs, std::string_view text, std::string_view tooltip) {
  m_body += '<';
  m_body += tag;
  m_body += attrs.text();
  if (text.empty() && tooltip.empty()) {
    m_body += "/>\n";
    return;
  }
  m_body += '>';
  if (!tooltip.empty()) m_body += "<title>" + escapeXml(tooltip) + "</title>";
  m_body += escapeXml(text);
  m_body += "</";
  m_body += tag;
  m_body += ">\n";
}

void Svg::open(std::string_view tag, const Attrs& attrs) {
  m_body += '<';
  m_body += tag;
  m_body += attrs.text();
  m_body += ">\n";
  m_open.emplace_back(tag);
}

void Svg::close(std::string_view tag) {
  if (m_open.empty() || m_open.back() != tag)
    throw std::logic_error("svg: closing <" + std::string(tag) + "> out of order");
  m_open.pop_back();
  m_body += "</";
  m_body += tag;
  m_body += ">\n";
}

void Svg::rect(double x, double y, double w, double h, Attrs attrs, std::string_view tooltip) {
  m_body += "<rect" +
            Attrs().add("x", x).add("y", y).add("width", std::max(0.0, w)).add("height", std::max(0.0, h)).text() +
            attrs.text();
  if (tooltip.empty()) m_body += "/>\n";
  else m_body += "><title>" + escapeXml(tooltip) + "</title></rect>\n";
}

void Svg::line(double x1, double y1, double x2, double y2, Attrs attrs) {
  m_body += "<line" + Attrs().add("x1", x1).add("y1", y1).add("x2", x2).add("y2", y2).text() + attrs.text() + "/>\n";
}

void Svg::circle(double cx, double cy, double r, Attrs attrs, std::string_view tooltip) {
  m_body += "<circle" + Attrs().add("cx", cx).add("cy", cy).add("r", r).text() + attrs.text();
  if (tooltip.empty()) m_body += "/>\n";
  else m_body += "><title>" + escapeXml(tooltip) + "</title></circle>\n";
}

namespace {
std::string pointList(const std::vector<std::pair<double, double>>& points) {
  std::string s;
  s.reserve(points.size() * 12);
  for (const auto& [x, y] : points) {
    if (!s.empty()) s += ' ';
    s += num(x, 1);
    s += ',';
    s += num(y, 1);
  }
  return s;
}
}  // namespace

void Svg::polyline(const std::vector<std::pair<double, double>>& points, Attrs attrs, std::string_view tooltip) {
  if (points.empty()) return;
  m_body += "<polyline points=\"" + pointList(points) + "\"" + attrs.text();
  if (tooltip.empty()) m_body += "/>\n";
  else m_body += "><title>" + escapeXml(tooltip) + "</title></polyline>\n";
}

void Svg::polygon(const std::vector<std::pair<double, double>>& points, Attrs attrs, std::string_view tooltip) {
  if (points.empty()) return;
  m_body += "<polygon points=\"" + pointList(points) + "\"" + attrs.text();
  if (tooltip.empty()) m_body += "/>\n";
  else m_body += "><title>" + escapeXml(tooltip) + "</title></polygon>\n";
}

void Svg::text(double x, double y, std::string_view content, Attrs attrs) {
  m_body +=
      "<text" + Attrs().add("x", x, 1).add("y", y, 1).text() + attrs.text() + ">" + escapeXml(content) + "</text>\n";
}

std::string Svg::str() const {
  if (!m_open.empty()) throw std::logic_error("svg: <" + m_open.back() + "> left open");
  return m_head + "\n" + m_body + "</svg>\n";
}

}  // namespace chan::report
