#include "sim/report/page.hpp"

#include <exception>

#include "chan/version.hpp"
#include "sim/report/svg.hpp"

namespace chan::report {
namespace {

const char* const kCss = R"css(
*{box-sizing:border-box}
body{font-family:"DejaVu Sans",system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;background:#f4f5f7;font-size:14px}
header{background:#1f3b57;color:#fff;padding:16px 28px 12px}
header h1{margin:0 0 4px;font-size:22px}
header p{margin:2px 0;color:#d5e2ee;font-size:13px}
nav{margin-top:8px}
nav a{color:#9fd0ff;margin-right:16px;text-decoration:none;font-size:13px}
main{padding:4px 28px 40px;max-width:1360px}
section{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:12px 18px 16px;margin:16px 0}
section h2{margin:2px 0 8px;font-size:18px;color:#1f3b57}
section h3{margin:14px 0 6px;font-size:15px;color:#333}
p.note{color:#666;font-size:12.5px;margin:4px 0 8px;max-width:1100px}
p.missing{color:#a33;font-size:13px}
.charts{display:flex;flex-wrap:wrap;gap:12px 18px}
.charts svg{background:#fff;border:1px solid #eef0f2;border-radius:4px}
.kpis{display:grid;grid-template-columns:repeat(4,minmax(220px,1fr));gap:10px}
.kpigroup{border:1px solid #e3e6ea;border-radius:6px;padding:8px 12px}
.kpigroup h3{margin:0 0 6px;font-size:13px;text-transform:uppercase;letter-spacing:.05em;color:#557}
.kpi{display:flex;justify-content:space-between;align-items:baseline;margin:3px 0}
.kpi .l{color:#555;font-size:12.5px}
.kpi .v{font-size:17px;font-weight:600;font-variant-numeric:tabular-nums}
table{border-collapse:collapse;font-size:12.5px;margin:6px 0}
.wide{overflow-x:auto;max-width:100%}
th,td{padding:3px 9px;border-bottom:1px solid #eceef0;text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
th{background:#f2f4f6;font-weight:600}
td.t,th.t{text-align:left}
.bar{display:inline-block;height:9px;background:#0072B2;border-radius:2px;vertical-align:middle}
.bar.neg{background:#D55E00}
pre{background:#f6f7f8;border:1px solid #e5e7ea;padding:8px;font-size:12px;overflow:auto;max-height:360px}
details summary{cursor:pointer;color:#1f3b57;margin:6px 0}
svg text{font-family:"DejaVu Sans",system-ui,sans-serif}
svg text.title{font-size:13px;font-weight:600;fill:#222}
svg text.tick{font-size:11px;fill:#555}
svg text.legend{font-size:11px;fill:#333}
svg text.axis{font-size:11px;fill:#333}
svg text.label{font-size:11px;fill:#333;font-weight:600}
footer{color:#888;font-size:12px;padding:0 28px 24px}
)css";

}  // namespace

std::string Page::html() const {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
      escapeXml(title) + "</title>\n<style>" + kCss + "</style>\n</head>\n<body>\n<header>\n<h1>" + escapeXml(title) +
      "</h1>\n" + subtitle + "<nav>";
  for (const auto& [id, label] : nav) out += "<a href=\"#" + id + "\">" + escapeXml(label) + "</a>";
  out +=
      "</nav>\n</header>\n<main>\n" + body + "</main>\n<footer>made by chansim " + std::string(kVersion) +
      " (chansim report): charts are inline SVG, the page needs no network and no script</footer>\n</body>\n</html>\n";
  return out;
}

std::string para(const std::string& cls, const std::string& text) {
  return "<p class=\"" + cls + "\">" + escapeXml(text) + "</p>\n";
}

std::string sectionOpen(const std::string& id, const std::string& title) {
  return "<section id=\"" + id + "\">\n<h2>" + escapeXml(title) + "</h2>\n";
}

std::string htmlTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                      std::size_t textColumns) {
  std::string out = "<div class=\"wide\"><table>\n<tr>";
  for (std::size_t c = 0; c < header.size(); ++c)
    out += std::string(c < textColumns ? "<th class=\"t\">" : "<th>") + escapeXml(header[c]) + "</th>";
  out += "</tr>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (std::size_t c = 0; c < row.size(); ++c)
      out += std::string(c < textColumns ? "<td class=\"t\">" : "<td>") + escapeXml(row[c]) + "</td>";
    out += "</tr>\n";
  }
  return out + "</table></div>\n";
}

bool isShareMetric(const std::string& key) {
  for (const char* word : {"rate", "share", "reach", "efficiency", "cannibalization", "distribution", "conflict.index"})
    if (key.find(word) != std::string::npos) return true;
  return false;
}

ValueFormat formatOf(const std::string& key) { return isShareMetric(key) ? ValueFormat::Percent : ValueFormat::Number; }

std::optional<CsvTable> tryCsv(const std::filesystem::path& file, std::vector<std::string>& problems) {
  if (!std::filesystem::exists(file)) return std::nullopt;
  try {
    return readCsv(file);
  } catch (const std::exception& e) {
    problems.push_back(file.filename().string() + ": " + e.what());
    return std::nullopt;
  }
}

std::string problemsSection(const std::vector<std::string>& problems) {
  if (problems.empty()) return {};
  std::string out = sectionOpen("problems", "Files that could not be read");
  for (const auto& p : problems) out += para("missing", p);
  return out + "</section>\n";
}

}  // namespace chan::report
