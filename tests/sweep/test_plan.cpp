// The runs of a sweep: ids, seeds and the overrides each run applies.
#include <catch2/catch.hpp>

#include <set>

#include "sim/sweep/plan.hpp"

using namespace chan::sweep;

TEST_CASE("run ids put the replications of a point side by side, and seeds are hashed and pinned") {
  SweepSpec spec;
  spec.file = "test";
  Axis axis;
  axis.key = "consumers.count";
  axis.from = 1000;
  axis.to = 2000;
  axis.integer = true;
  spec.axes = {axis};
  spec.design = {DesignType::Random, 4, 0, 4};
  spec.replications = 3;
  spec.baseSeed = 9;
  const Plan plan(spec);
  REQUIRE(plan.runs() == 12);
  CHECK(plan.pointOf(7) == 2);
  CHECK(plan.replicationOf(7) == 1);
  std::set<std::uint64_t> seeds;
  for (std::size_t r = 0; r < plan.runs(); ++r) seeds.insert(plan.seed(r));
  CHECK(seeds.size() == 12);
  CHECK(plan.seed(7) == runSeed(9, 2, 1));
  // pinned so that a change of the derivation, which would change every sweep's results, is seen
  CHECK(runSeed(9, 2, 1) == 9098437090839187321ULL);
  CHECK(runSeed(9, 2, 1) < (1ULL << 63));
  const auto sets = plan.overrides(7);
  REQUIRE(sets.size() == 3);
  CHECK(sets[0].rfind("consumers.count=", 0) == 0);
  CHECK(sets[1] == "seed=" + std::to_string(runSeed(9, 2, 1)));
  CHECK(sets[2] == "run=7");
}
