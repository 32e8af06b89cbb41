#pragma once
// The frame every report page shares (sim/report/html_report): the HTML page with its inline
// style sheet, sections, tables, and the small helpers the run and sweep reports both use.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/report/charts.hpp"
#include "sim/report/csv_table.hpp"

namespace chan::report {

/// One self-contained page: inline CSS, no script.
struct Page {
  std::string title;                                     // <title> and <h1>
  std::string subtitle;                                  // HTML under the title (paragraphs)
  std::vector<std::pair<std::string, std::string>> nav;  // section id, link text
  std::string body;                                      // the sections

  std::string html() const;
};

/// <p class="cls">text</p> (text escaped).
std::string para(const std::string& cls, const std::string& text);
/// Opens <section id=...> with its <h2>; the caller closes it.
std::string sectionOpen(const std::string& id, const std::string& title);
/// A table (escaped cells); the first textColumns columns are left-aligned text, the rest numbers.
std::string htmlTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                      std::size_t textColumns = 1);
/// Rates and shares ("coverage.fill_rate", "conflict.index") print as percentages.
bool isShareMetric(const std::string& key);
ValueFormat formatOf(const std::string& key);
/// The table of a CSV file; nullopt when the file is absent, or unreadable (noted in problems).
std::optional<CsvTable> tryCsv(const std::filesystem::path& file, std::vector<std::string>& problems);
/// A section listing files that could not be read (empty when there are none).
std::string problemsSection(const std::vector<std::string>& problems);

}  // namespace chan::report
