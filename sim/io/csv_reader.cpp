#include "sim/io/csv_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace chan::io {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

CsvTable CsvTable::load(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file + ": cannot open the file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), file);
}

CsvTable CsvTable::parse(std::string_view text, const std::string& file) {
  CsvTable t;
  t.m_file = file;
  int line = 1;
  std::size_t i = 0;
  bool haveHeader = false;
  while (i < text.size()) {
    // one record (quoted fields may span lines; the record keeps its first line)
    Row row;
    row.line = line;
    std::size_t lineStart = i;
    if (text[i] == '#' || text[i] == '\n' || (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      while (i < text.size() && text[i] != '\n') ++i;
      ++i, ++line;
      continue;
    }
    for (;;) {
      Field f;
      f.column = static_cast<int>(i - lineStart) + 1;
      std::string value;
      if (i < text.size() && text[i] == '"') {
        ++i;
        for (;;) {
          if (i >= text.size()) throw InputError(file + ":" + std::to_string(row.line) + ":" + std::to_string(f.column) + ": unterminated quoted field");
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') value += '"', i += 2;
            else { ++i; break; }
          } else {
            if (text[i] == '\n') ++line, lineStart = i + 1;
            value += text[i++];
          }
        }
        while (i < text.size() && text[i] != ',' && text[i] != '\n') ++i;  // spaces or '\r' after the quote
      } else {
        const std::size_t start = i;
        while (i < text.size() && text[i] != ',' && text[i] != '\n') ++i;
        value = trim(text.substr(start, i - start));
      }
      f.text = std::move(value);
      row.fields.push_back(std::move(f));
      if (i < text.size() && text[i] == ',') { ++i; continue; }
      break;
    }
    if (i < text.size()) ++i;  // the '\n'
    ++line;
    if (!haveHeader) {
      for (auto& f : row.fields) {
        if (f.text.empty()) throw InputError(file + ":" + std::to_string(row.line) + ":" + std::to_string(f.column) + ": empty column name in the header");
        if (std::find(t.m_header.begin(), t.m_header.end(), f.text) != t.m_header.end())
          throw InputError(file + ":" + std::to_string(row.line) + ":" + std::to_string(f.column) + ": " + f.text + ": repeated column");
        t.m_header.push_back(f.text);
        t.m_headerColumns.push_back(f.column);
      }
      haveHeader = true;
      continue;
    }
    if (row.fields.size() != t.m_header.size())
      throw InputError(file + ":" + std::to_string(row.line) + ":1: expected " + std::to_string(t.m_header.size()) +
                       " fields (as in the header), got " + std::to_string(row.fields.size()));
    t.m_rows.push_back(std::move(row));
  }
  if (!haveHeader) throw InputError(file + ":1:1: empty file (expected a header line)");
  return t;
}

std::optional<std::size_t> CsvTable::columnIndex(std::string_view name) const {
  const auto it = std::find(m_header.begin(), m_header.end(), name);
  if (it == m_header.end()) return std::nullopt;
  return static_cast<std::size_t>(it - m_header.begin());
}

std::string CsvTable::text(std::size_t r, std::string_view name) const {
  const auto c = columnIndex(name);
  return c ? m_rows[r].fields[*c].text : std::string();
}

std::string CsvTable::where(std::size_t r) const { return m_file + ":" + std::to_string(m_rows[r].line); }

void CsvTable::fail(std::size_t r, std::string_view name, const std::string& problem) const {
  const auto c = columnIndex(name);
  const int col = c ? m_rows[r].fields[*c].column : 1;
  throw InputError(where(r) + ":" + std::to_string(col) + ": " + std::string(name) + ": " + problem);
}

double CsvTable::number(std::size_t r, std::string_view name, double min, double max) const {
  requireColumn(name);
  const std::string s = text(r, name);
  double v = 0;
  std::string_view sv = s;
  if (!sv.empty() && sv.front() == '+') sv.remove_prefix(1);
  const auto [end, ec] = std::from_chars(sv.data(), sv.data() + sv.size(), v);
  if (sv.empty() || ec != std::errc() || end != sv.data() + sv.size() || !std::isfinite(v))
    fail(r, name, "expected a number, got \"" + s + "\"");
  if (v < min || v > max) {
    std::ostringstream msg;
    msg << s << " is out of range [" << min << ", " << max << "]";
    fail(r, name, msg.str());
  }
  return v;
}

double CsvTable::number(std::size_t r, std::string_view name, double fallback, double min, double max) const {
  if (!hasColumn(name) || text(r, name).empty()) return fallback;
  return number(r, name, min, max);
}

long long CsvTable::integer(std::size_t r, std::string_view name, long long min, long long max) const {
  requireColumn(name);
  const std::string s = text(r, name);
  long long v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) fail(r, name, "expected an integer, got \"" + s + "\"");
  if (v < min || v > max)
    fail(r, name, s + " is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  return v;
}

void CsvTable::requireColumn(std::string_view name) const {
  if (!hasColumn(name)) throw InputError(m_file + ":1:1: " + std::string(name) + ": missing column");
}

void CsvTable::requireKnownColumns(const std::vector<std::string>& known) const {
  for (std::size_t c = 0; c < m_header.size(); ++c) {
    if (std::find(known.begin(), known.end(), m_header[c]) != known.end()) continue;
    const std::string near = closestMatch(m_header[c], known);
    throw InputError(m_file + ":1:" + std::to_string(m_headerColumns[c]) + ": " + m_header[c] + ": unknown column" +
                     (near.empty() ? "" : " (did you mean '" + near + "'?)"));
  }
}

}  // namespace chan::io
