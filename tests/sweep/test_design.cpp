// Designs: the structure each one promises (grid order, Latin strata, Morris steps, Saltelli
// blocks), and that a design is a pure function of the sweep file.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>

#include "sim/sweep/design.hpp"
#include "sim/sweep/plan.hpp"

using namespace chan::sweep;

namespace {

SweepSpec specWith(DesignSpec design, int axes = 3) {
  SweepSpec spec;
  spec.file = "test";
  for (int i = 0; i < axes; ++i) {
    Axis a;
    a.key = "consumers.count";
    a.from = 0;
    a.to = 1;
    spec.axes.push_back(a);
  }
  spec.design = design;
  return spec;
}

}  // namespace

TEST_CASE("a grid takes every combination, first axis slowest, lists and ranges at their levels") {
  SweepSpec spec;
  spec.file = "test";
  Axis list;
  list.key = "a";
  list.values = {"x", "y"};
  Axis range;
  range.key = "b";
  range.from = 0.1;
  range.to = 0.3;
  range.steps = 3;
  spec.axes = {list, range};
  const Plan plan(spec);
  REQUIRE(plan.points() == 6);
  const std::vector<std::vector<std::string>> expected = {{"x", "0.1"}, {"x", "0.2"}, {"x", "0.3"},
                                                          {"y", "0.1"}, {"y", "0.2"}, {"y", "0.3"}};
  for (std::size_t p = 0; p < 6; ++p) CHECK(plan.values(p) == expected[p]);
}

TEST_CASE("a Latin hypercube uses each of the n strata of each axis once") {
  const UnitPoints points = makeDesign(specWith({DesignType::Lhs, 50, 0, 4}));
  REQUIRE(points.size() == 50);
  for (std::size_t d = 0; d < 3; ++d) {
    std::set<int> strata;
    for (const auto& p : points) strata.insert(static_cast<int>(std::floor(p[d] * 50)));
    CHECK(strata.size() == 50);
  }
}

TEST_CASE("a Morris trajectory moves every axis once by delta and stays on the grid") {
  const int levels = 6;
  const UnitPoints points = makeDesign(specWith({DesignType::Morris, 0, 10, levels}));
  REQUIRE(points.size() == 10 * 4);
  const double delta = morrisDelta(levels);
  for (std::size_t t = 0; t < 10; ++t) {
    std::set<std::size_t> moved;
    for (std::size_t s = 0; s < 3; ++s) {
      const auto& a = points[t * 4 + s];
      const auto& b = points[t * 4 + s + 1];
      std::size_t changed = 0;
      for (std::size_t d = 0; d < 3; ++d) {
        if (a[d] == b[d]) continue;
        ++changed;
        moved.insert(d);
        CHECK(std::fabs(b[d] - a[d]) == Approx(delta));
      }
      CHECK(changed == 1);
    }
    CHECK(moved.size() == 3);
    for (std::size_t s = 0; s < 4; ++s)
      for (double u : points[t * 4 + s]) {
        CHECK(u >= 0);
        CHECK(u <= 1 + 1e-12);
        CHECK(std::fabs(u * (levels - 1) - std::round(u * (levels - 1))) < 1e-9);
      }
  }
}

TEST_CASE("a Sobol design comes in Saltelli blocks A, AB_1..AB_k, B") {
  const UnitPoints points = makeDesign(specWith({DesignType::Sobol, 16, 0, 4}));
  REQUIRE(points.size() == 16 * 5);
  for (std::size_t j = 0; j < 16; ++j) {
    const auto& a = points[j * 5];
    const auto& b = points[j * 5 + 4];
    for (std::size_t i = 0; i < 3; ++i)
      for (std::size_t d = 0; d < 3; ++d) CHECK(points[j * 5 + 1 + i][d] == (d == i ? b[d] : a[d]));
  }
  CHECK(points[0] == std::vector<double>{0.5, 0.5, 0.5});  // the origin is skipped
}

TEST_CASE("a design depends on the sweep file alone, and its draws on the base seed") {
  SweepSpec spec = specWith({DesignType::Random, 20, 0, 4});
  CHECK(makeDesign(spec) == makeDesign(spec));
  const UnitPoints first = makeDesign(spec);
  spec.baseSeed = 2;
  CHECK(makeDesign(spec) != first);
}
