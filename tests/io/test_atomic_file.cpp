// Atomic file output (sim/io/atomic_file.hpp): content lands complete under the final name,
// replaces what was there, leaves no temporary behind and creates missing directories.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "sim/io/atomic_file.hpp"

namespace fs = std::filesystem;
using chan::io::writeFileAtomic;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    char name[] = "/tmp/chan_atomic_XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    path = name;
  }
  ~TempDir() { fs::remove_all(path); }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Files anywhere under dir whose name contains ".tmp." (the temporary's pattern).
int temporaries(const fs::path& dir) {
  int n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().filename().string().find(".tmp.") != std::string::npos) ++n;
  return n;
}

}  // namespace

TEST_CASE("atomic file: writes the exact content", "[atomic]") {
  TempDir dir;
  const fs::path file = dir.path / "out.csv";
  std::string content = "a,b\n1,2\n";
  content += std::string(1, '\0') + "binary\xff\n";  // embedded NUL and high bytes survive
  writeFileAtomic(file, content);
  CHECK(slurp(file) == content);
  CHECK(fs::file_size(file) == content.size());
  CHECK(temporaries(dir.path) == 0);
}

TEST_CASE("atomic file: replaces an existing file, longer or shorter", "[atomic]") {
  TempDir dir;
  const fs::path file = dir.path / "summary.json";
  std::ofstream(file) << std::string(10000, 'x');
  writeFileAtomic(file, "short\n");
  CHECK(slurp(file) == "short\n");  // no tail of the old content
  const std::string big(1 << 20, 'y');  // 1 MiB: more than one write() may take
  writeFileAtomic(file, big);
  CHECK(slurp(file) == big);
  writeFileAtomic(file, "");
  CHECK(fs::exists(file));
  CHECK(fs::file_size(file) == 0);
  CHECK(temporaries(dir.path) == 0);
  // the directory holds only the target
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path)) ++entries;
  CHECK(entries == 1);
}

TEST_CASE("atomic file: creates missing parent directories", "[atomic]") {
  TempDir dir;
  const fs::path file = dir.path / "outputs" / "run" / "7" / "timeseries.csv";
  writeFileAtomic(file, "tick\n1\n");
  CHECK(fs::is_directory(dir.path / "outputs" / "run" / "7"));
  CHECK(slurp(file) == "tick\n1\n");
  CHECK(temporaries(dir.path) == 0);
}

TEST_CASE("atomic file: failures throw and leave the old content", "[atomic]") {
  TempDir dir;
  // a parent that is a regular file cannot become a directory
  std::ofstream(dir.path / "plain") << "x";
  CHECK_THROWS_AS(writeFileAtomic(dir.path / "plain" / "f.txt", "data"), std::runtime_error);
  CHECK(slurp(dir.path / "plain") == "x");
  CHECK(temporaries(dir.path) == 0);
}

TEST_CASE("atomic file: a failed rename removes the temporary", "[atomic]") {
  // The target is a non-empty directory, so the final rename fails. The temporary
  // "<target>.tmp.<pid>" has been written by then; it must not be left behind.
  TempDir dir;
  const fs::path target = dir.path / "taken";
  fs::create_directories(target / "inside");
  CHECK_THROWS_AS(writeFileAtomic(target, "data"), std::runtime_error);
  CHECK(fs::is_directory(target / "inside"));
  CHECK(temporaries(dir.path) == 0);
}

TEST_CASE("atomic file: streamed content lands whole, and a failing writer leaves nothing", "[io][atomic]") {
  TempDir dir;
  const fs::path target = dir.path / "sub" / "rows.csv";
  std::string expected;
  for (int i = 0; i < 100000; ++i) expected += std::to_string(i) + ",row\n";  // ~1 MB, many buffer flushes
  writeFileAtomic(target, [](std::ostream& out) {
    for (int i = 0; i < 100000; ++i) out << i << ",row\n";
  });
  CHECK(slurp(target) == expected);
  CHECK(temporaries(dir.path) == 0);
  // a writer that fails half-way: the previous file stays as it was, no temporary is left
  CHECK_THROWS_AS(writeFileAtomic(target,
                                  [](std::ostream& out) {
                                    out << "partial\n";
                                    throw std::runtime_error("killed");
                                  }),
                  std::runtime_error);
  CHECK(slurp(target) == expected);
  CHECK(temporaries(dir.path) == 0);
}
