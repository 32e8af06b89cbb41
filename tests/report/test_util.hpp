#pragma once
// Helpers of the report tests: scratch directories and small files.
#include <filesystem>
#include <string>

namespace chan::report::test {

/// A fresh empty directory under /tmp, removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

 private:
  std::filesystem::path m_path;
};

void writeText(const std::filesystem::path& file, const std::string& text);

/// Number of non-overlapping occurrences of needle in text.
std::size_t count(const std::string& text, const std::string& needle);

}  // namespace chan::report::test
