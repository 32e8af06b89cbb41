#pragma once
// A CSV table written row by row (so a large table is never built in memory) to a temporary
// file that commit() flushes to disk and renames into place: readers never see a half-written
// table, and a killed merge leaves the previous one.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace chan::sweep {

/// A field as CSV (RFC 4180): quoted when it holds a comma, quote or line break.
std::string csvField(const std::string& text);

class CsvWriter {
 public:
  explicit CsvWriter(std::filesystem::path path);
  ~CsvWriter();  // removes the temporary file unless committed
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  void row(const std::vector<std::string>& fields);
  void commit();

 private:
  std::filesystem::path m_path, m_temporary;
  std::FILE* m_file = nullptr;
};

}  // namespace chan::sweep
