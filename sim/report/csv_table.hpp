#pragma once
// CSV tables read back for the report and the Python module: RFC 4180 (quoted fields with
// commas, doubled quotes and line breaks; CRLF or LF), first row the header. Reading is
// forgiving (short rows are padded, a missing final newline is fine) because the report must
// show what it can of a directory written by another, possibly newer or older, chansim.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace chan::report {

struct CsvTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // every row has columns.size() fields

  /// Index of a column, -1 when absent.
  int column(std::string_view name) const;
  bool has(std::string_view name) const { return column(name) >= 0; }
  /// The column's values as numbers (NaN where a field is not a number); empty when absent.
  std::vector<double> numbers(std::string_view name) const;
  /// The column's fields; empty when absent.
  std::vector<std::string> texts(std::string_view name) const;
  std::size_t size() const { return rows.size(); }
};

CsvTable parseCsv(std::string_view text);

/// Reads and parses a file; throws std::runtime_error when it cannot be read.
CsvTable readCsv(const std::filesystem::path& file);

/// The whole field as a number ("1e-07", "-3", "nan", "inf"), else NaN. Leading and trailing
/// blanks are ignored.
double parseNumber(std::string_view field);
/// True when every field of the column is a number (and there is at least one row).
bool isNumericColumn(const CsvTable& table, std::size_t column);

/// Reads a whole file into a string; throws std::runtime_error.
std::string readText(const std::filesystem::path& file);

}  // namespace chan::report
