#pragma once
// Strict reading of small CSV input files (observed sales, imported members and consumers):
// every problem is one io::InputError "file:line:col: column: problem", where line is the
// 1-based line of the file (the header is line 1) and col the 1-based character column.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/io/yaml_reader.hpp"

namespace chan::io {

/// A parsed CSV file: a header and rows of text fields, each field with its column offset.
/// Quoting follows RFC 4180 (double quotes around a field, "" inside); blank lines are skipped;
/// '#' at the start of a line is a comment.
class CsvTable {
 public:
  /// Reads `file` (InputError when it cannot be opened, is empty, or a row has the wrong
  /// number of fields).
  static CsvTable load(const std::string& file);
  /// Parses text as if it were read from `file`.
  static CsvTable parse(std::string_view text, const std::string& file);

  const std::string& file() const { return m_file; }
  const std::vector<std::string>& header() const { return m_header; }
  std::size_t rows() const { return m_rows.size(); }
  bool hasColumn(std::string_view name) const { return columnIndex(name).has_value(); }
  std::optional<std::size_t> columnIndex(std::string_view name) const;

  /// Field text of row r (0-based data row) in column `name`; "" when the column is absent.
  std::string text(std::size_t r, std::string_view name) const;
  /// A required finite number in [min, max] (InputError naming file:line:col and the column).
  double number(std::size_t r, std::string_view name, double min, double max) const;
  /// As number(), but `fallback` when the column is absent or the field is empty.
  double number(std::size_t r, std::string_view name, double fallback, double min, double max) const;
  /// A required integer in [min, max].
  long long integer(std::size_t r, std::string_view name, long long min, long long max) const;
  /// Fails unless every column is one of `known` (with a "did you mean").
  void requireKnownColumns(const std::vector<std::string>& known) const;
  /// Fails unless `name` is a column.
  void requireColumn(std::string_view name) const;

  /// An error at row r, column `name` (or at the row start when the column is absent).
  [[noreturn]] void fail(std::size_t r, std::string_view name, const std::string& problem) const;
  /// "file:line" of data row r.
  std::string where(std::size_t r) const;

 private:
  struct Field {
    std::string text;
    int column = 1;  // 1-based character column where the field starts
  };
  struct Row {
    int line = 0;  // 1-based line in the file
    std::vector<Field> fields;
  };
  std::string m_file;
  std::vector<std::string> m_header;
  std::vector<int> m_headerColumns;
  std::vector<Row> m_rows;
};

}  // namespace chan::io
