#include "sim/report/csv_table.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace chan::report {

int CsvTable::column(std::string_view name) const {
  for (std::size_t c = 0; c < columns.size(); ++c)
    if (columns[c] == name) return static_cast<int>(c);
  return -1;
}

std::vector<double> CsvTable::numbers(std::string_view name) const {
  std::vector<double> out;
  const int c = column(name);
  if (c < 0) return out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(parseNumber(row[static_cast<std::size_t>(c)]));
  return out;
}

std::vector<std::string> CsvTable::texts(std::string_view name) const {
  std::vector<std::string> out;
  const int c = column(name);
  if (c < 0) return out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(row[static_cast<std::size_t>(c)]);
  return out;
}

CsvTable parseCsv(std::string_view text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, fieldStarted = false;
  auto endField = [&] {
    record.push_back(std::move(field));
    field.clear();
    fieldStarted = false;
  };
  auto endRecord = [&] {
    endField();
    // a blank line is no record
    if (!(record.size() == 1 && record[0].empty())) records.push_back(std::move(record));
    record.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (c == ',') {
      endField();
    } else if (c == '\n') {
      endRecord();
    } else if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') continue;
      endRecord();
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (fieldStarted || !field.empty() || !record.empty()) endRecord();

  CsvTable table;
  if (records.empty()) return table;
  table.columns = std::move(records.front());
  for (std::size_t r = 1; r < records.size(); ++r) {
    records[r].resize(table.columns.size());
    table.rows.push_back(std::move(records[r]));
  }
  return table;
}

std::string readText(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

CsvTable readCsv(const std::filesystem::path& file) { return parseCsv(readText(file)); }

double parseNumber(std::string_view s) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty()) return kNaN;
  if (s.front() == '+') s.remove_prefix(1);
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range && end == s.data() + s.size()) return v;  // denormal underflow
  if (ec != std::errc() || end != s.data() + s.size()) return kNaN;
  return v;
}

bool isNumericColumn(const CsvTable& table, std::size_t column) {
  if (table.rows.empty()) return false;
  for (const auto& row : table.rows) {
    const std::string& f = row[column];
    if (std::isnan(parseNumber(f)) && f != "nan" && f != "NaN") return false;
  }
  return true;
}

}  // namespace chan::report
