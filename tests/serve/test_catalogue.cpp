// The explorer's catalogue of the shipped scenarios folder: every file it offers loads as the
// kind it is offered as (so a broken shipped sweep or optimisation file fails here), and the
// kinds follow the content, not the folder.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "sim/io/scenario_loader.hpp"
#include "sim/optimize/opt_spec.hpp"
#include "sim/serve/catalogue.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace {
const std::string kRoot = std::string(CHAN_SOURCE_DIR) + "/scenarios/";

bool contains(const nlohmann::json& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}
}  // namespace

TEST_CASE("every file the explorer offers loads as the kind it is offered as", "[serve]") {
  const nlohmann::json c = chan::serve::catalogue(kRoot);
  REQUIRE(c["scenarios"].size() >= 14);  // the question scenarios of README "Scenarios"
  REQUIRE(!c["sweeps"].empty());
  REQUIRE(!c["optimizations"].empty());
  for (const std::string f : c["scenarios"]) CHECK_NOTHROW(chan::io::loadScenario(kRoot + f));
  for (const std::string f : c["sweeps"]) CHECK_NOTHROW(chan::sweep::loadSweep(kRoot + f));
  for (const std::string f : c["optimizations"]) CHECK_NOTHROW(chan::optimize::loadOptSpec(kRoot + f));
}

TEST_CASE("the catalogue sorts files by content and leaves out data and validation cases", "[serve]") {
  const nlohmann::json c = chan::serve::catalogue(kRoot);
  CHECK(contains(c["scenarios"], "flagship.yaml"));
  CHECK(contains(c["scenarios"], "sweeps/small_channel.yaml"));  // a scenario beside the sweeps using it
  CHECK(contains(c["sweeps"], "sweeps/markup_sweep.yaml"));
  CHECK(contains(c["optimizations"], "optimize/flagship_front.yaml"));
  CHECK(contains(c["optimizations"], "optimize/map_policy.yaml"));
  for (const auto& [kind, files] : c.items())
    for (const std::string f : files) {
      INFO(f);
      CHECK(f.rfind("validation/", 0) != 0);
      CHECK(f.rfind("bench/", 0) != 0);
    }
}
