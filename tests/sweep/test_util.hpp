#pragma once
// Helpers shared by the sweep tests: scratch directories, small files, and chansim as a child
// process (the resume test must kill a real sweep).
#include <filesystem>
#include <string>
#include <vector>

namespace chan::sweep::test {

/// A fresh empty directory under the system temporary directory, removed at destruction.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name);
  ~ScratchDir();
  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

 private:
  std::filesystem::path m_path;
};

void writeText(const std::filesystem::path& file, const std::string& text);
std::string readText(const std::filesystem::path& file);

/// Absolute path of a file in the source tree.
std::string sourcePath(const std::string& relative);

/// Starts chansim with args, stdout and stderr going to log; returns the child's pid.
int startChansim(const std::vector<std::string>& args, const std::filesystem::path& log);
/// Waits for a child; returns its exit code (128 + signal when killed).
int waitChild(int pid);
/// startChansim + waitChild.
int runChansim(const std::vector<std::string>& args, const std::filesystem::path& log);

}  // namespace chan::sweep::test
