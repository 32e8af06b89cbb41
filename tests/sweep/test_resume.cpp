// Resume: a real `chansim sweep` is killed with SIGKILL part-way, a half-written run
// directory is planted, and the rerun must complete only the missing runs and produce tables
// byte-identical to an uninterrupted sweep.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <map>
#include <thread>

#include <sys/stat.h>

#include "sim/sweep/output_dir.hpp"
#include "test_util.hpp"

using namespace chan::sweep;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kRuns = 40;

std::size_t completeRuns(const fs::path& out) {
  std::size_t n = 0;
  for (std::size_t run = 0; run < kRuns; ++run) n += isComplete(runDir(out, run));
  return n;
}

/// (inode, modification time) of every complete run's marker: unchanged means not redone.
std::map<std::size_t, std::pair<ino_t, long long>> markers(const fs::path& out) {
  std::map<std::size_t, std::pair<ino_t, long long>> out_;
  for (std::size_t run = 0; run < kRuns; ++run) {
    struct stat st {};
    if (::stat((runDir(out, run) / "run.json").c_str(), &st) == 0)
      out_[run] = {st.st_ino, static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
  }
  return out_;
}

}  // namespace

TEST_CASE("a sweep killed with SIGKILL resumes to tables identical to an uninterrupted sweep", "[program]") {
  test::ScratchDir dir("resume");
  // 5 points x 8 replications with full run outputs (five files per run: more to interrupt)
  test::writeText(dir / "sweep.yaml", "scenario: " + test::sourcePath("scenarios/sweeps/small_channel.yaml") +
                                          "\naxes:\n  members[3].pricing.markup: [0.3, 0.4, 0.5, 0.6, 0.7]\n"
                                          "replications: 8\nbase_seed: 5\n"
                                          "metrics: [conflict.index, margin.channel_profit, coverage.fill_rate]\n");
  const std::string sweep = (dir / "sweep.yaml").string();
  const fs::path reference = dir / "reference", resumed = dir / "resumed", log = dir / "log.txt";
  REQUIRE(test::runChansim({"sweep", sweep, "--out", reference.string(), "--threads", "2", "--quiet"}, log) == 0);

  const int pid = test::startChansim({"sweep", sweep, "--out", resumed.string(), "--threads", "2", "--quiet"}, log);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (completeRuns(resumed) < 6 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ::kill(pid, SIGKILL);
  CHECK(test::waitChild(pid) == 128 + SIGKILL);
  const std::size_t before = completeRuns(resumed);
  INFO("complete runs when killed: " << before);
  REQUIRE(before >= 6);
  REQUIRE(before < kRuns);  // killed mid-way, else the test proves nothing
  CHECK(!fs::exists(resumed / "runs.csv"));

  // a run directory that looks written but has no marker must be redone, not trusted
  std::size_t planted = 0;
  while (isComplete(runDir(resumed, planted))) ++planted;
  test::writeText(runDir(resumed, planted) / "summary.json", "{\"truncated\": ");
  test::writeText(runDir(resumed, planted) / "members.csv.tmp.1", "partial");

  const auto kept = markers(resumed);
  REQUIRE(test::runChansim({"sweep", sweep, "--out", resumed.string(), "--threads", "2"}, log) == 0);
  CHECK_THAT(test::readText(log), Catch::Matchers::Contains(std::to_string(kRuns - before) + " ran, " +
                                                            std::to_string(before) + " already complete"));
  CHECK(markers(resumed).size() == kRuns);
  for (const auto& [run, marker] : kept) CHECK(markers(resumed).at(run) == marker);  // complete runs not redone
  CHECK(!fs::exists(runDir(resumed, planted) / "members.csv.tmp.1"));
  CHECK(test::readText(resumed / "runs.csv") == test::readText(reference / "runs.csv"));
  CHECK(test::readText(resumed / "aggregate.csv") == test::readText(reference / "aggregate.csv"));

  // the same directory refuses a different sweep (exit 2, nothing touched)
  test::writeText(dir / "other.yaml", test::readText(dir / "sweep.yaml") + "summary_only: true\n");
  CHECK(test::runChansim({"sweep", (dir / "other.yaml").string(), "--out", resumed.string(), "--quiet"}, log) == 2);
  CHECK(test::readText(resumed / "runs.csv") == test::readText(reference / "runs.csv"));
}
