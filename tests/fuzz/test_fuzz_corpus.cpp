// Replays the committed fuzz corpus (tests/fuzz/corpus/<target>/) through the fuzz targets in
// an ordinary build, so that every seed and every minimised crasher stays fixed without clang.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_targets.hpp"

namespace {

using Target = void (*)(const std::uint8_t*, std::size_t);

// Every corpus input of one target runs through it without an escaping exception; returns
// how many inputs there were.
std::size_t replay(const std::string& target, Target run) {
  const std::filesystem::path dir = std::filesystem::path(CHAN_SOURCE_DIR) / "tests/fuzz/corpus" / target;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    const std::string data = bytes.str();
    INFO("corpus input " << file.string());
    CHECK_NOTHROW(run(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
  }
  return files.size();
}

}  // namespace

// the corpus holds at least the shipped files of each format plus hand-written malformed cases
TEST_CASE("every scenario corpus input loads or is rejected with an InputError", "[fuzz]") {
  CHECK(replay("scenario", chan::fuzz::scenarioInput) >= 20);
}

TEST_CASE("every override corpus input loads or is rejected with an InputError", "[fuzz]") {
  CHECK(replay("override", chan::fuzz::overrideInput) >= 10);
}

TEST_CASE("every sweep corpus input loads or is rejected with an InputError", "[fuzz]") {
  CHECK(replay("sweep", chan::fuzz::sweepInput) >= 7);
}

TEST_CASE("every validation corpus input loads or is rejected with an InputError", "[fuzz]") {
  CHECK(replay("validation", chan::fuzz::validationInput) >= 8);
}
