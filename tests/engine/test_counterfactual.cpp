// Twin runs (sim/engine/counterfactual.hpp) and the choice model's cannibalisation checked
// against them: switching the brand's online outlets off with the same seed is the experiment
// conflict.cannibalization predicts without running it.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "sim/engine/counterfactual.hpp"
#include "sim/io/scenario_loader.hpp"

namespace {

struct Twin {
  std::map<std::string, double> base;  // summary of the base run
  std::map<std::string, double> groupUnits, groupUnitsVariant;
  std::vector<chan::TwinDifference> rows;
};

Twin twinRun(const std::string& name, const std::vector<std::string>& sets, const std::vector<std::string>& change) {
  const std::string file = std::string(CHAN_SOURCE_DIR) + "/scenarios/" + name + ".yaml";
  std::vector<std::string> twinSets = sets;
  twinSets.insert(twinSets.end(), change.begin(), change.end());
  const chan::ScenarioSpec a = chan::io::loadScenario(file, sets), b = chan::io::loadScenario(file, twinSets);
  chan::Engine base(a), variant(b);
  base.run();
  variant.run();
  const chan::Summary sa = base.summary(), sb = variant.summary();
  Twin t{{sa.begin(), sa.end()}, {}, {}, chan::compareRuns(base, sa, variant, sb)};
  for (const auto& r : t.rows)
    if (r.level == "group" && r.metric == "units_sold") t.groupUnits[r.name] = r.base, t.groupUnitsVariant[r.name] = r.variant;
  return t;
}

}  // namespace

TEST_CASE("counterfactual: the choice model's cannibalisation agrees with switching online off", "[counterfactual]") {
  // Stock is ample in both scenarios (fill rate ~1), so the twin run differs from the choice
  // model's prediction only through what the model holds fixed: prices that respond, and the
  // sampling of who shops. Tolerance: 5 points.
  SECTION("flagship: the e-store and the marketplace") {
    const Twin t = twinRun("flagship", {}, {"members[4].reach=0", "members[5].reach=0"});
    const double online = t.groupUnits.at("brand_estore") + t.groupUnits.at("marketplace_seller");
    const double regained = t.groupUnitsVariant.at("stores") - t.groupUnits.at("stores");
    CHECK(t.groupUnitsVariant.at("brand_estore") == 0);
    CHECK(regained / online == Approx(t.base.at("conflict.cannibalization")).margin(0.05));
  }
  SECTION("estore_launch: the brand's e-store") {
    const Twin t = twinRun("estore_launch", {}, {"members[3].reach=0"});
    const double regained = t.groupUnitsVariant.at("stores") - t.groupUnits.at("stores");
    CHECK(regained / t.groupUnits.at("brand_estore") == Approx(t.base.at("conflict.cannibalization")).margin(0.05));
  }
}

TEST_CASE("counterfactual: a twin without a change differs in nothing", "[counterfactual]") {
  // common random numbers: the same scenario twice is the same run, row for row
  const Twin t = twinRun("store_promotion", {"ticks=30", "consumers.count=5000"}, {});
  REQUIRE(t.rows.size() > 20);
  for (const auto& r : t.rows) CHECK(r.base == r.variant);
}
