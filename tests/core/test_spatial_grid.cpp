// SpatialGrid (sim/core/spatial_grid.hpp): k-nearest queries must equal a brute-force scan
// (sort all (distance, index) pairs, keep those within the radius, take the first k).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "sim/core/rng.hpp"
#include "sim/core/spatial_grid.hpp"

using chan::SpatialGrid;

namespace {

using Hits = std::vector<std::pair<double, int>>;

Hits bruteForce(const std::vector<double>& x, const std::vector<double>& y, double px, double py, int k, double radius) {
  Hits all;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double d = std::hypot(x[i] - px, y[i] - py);
    if (radius <= 0 || d <= radius) all.emplace_back(d, static_cast<int>(i));
  }
  std::sort(all.begin(), all.end());  // nearest first, ties by index
  if (k < 0) k = 0;
  if (all.size() > static_cast<std::size_t>(k)) all.resize(static_cast<std::size_t>(k));
  return all;
}

struct Cloud {
  std::vector<double> x, y;
};

// Clustered and uniform points, plus exact duplicates (ties that must break by index).
Cloud makeCloud(int n, double width, double height, std::uint64_t seed) {
  Cloud c;
  chan::Stream rng(seed, 0, 0, chan::StreamPurpose::Setup, 0);
  for (int i = 0; i < n; ++i) {
    if (i % 10 == 9 && i > 0) {  // a duplicate of an earlier point
      const auto j = static_cast<std::size_t>(rng.below(static_cast<std::uint64_t>(i)));
      c.x.push_back(c.x[j]);
      c.y.push_back(c.y[j]);
    } else if (i % 3 == 0) {  // a tight cluster near (0.2 w, 0.7 h)
      c.x.push_back(std::clamp(0.2 * width + 2 * rng.normal(), 0.0, width));
      c.y.push_back(std::clamp(0.7 * height + 2 * rng.normal(), 0.0, height));
    } else {
      c.x.push_back(width * rng.uniform());
      c.y.push_back(height * rng.uniform());
    }
  }
  return c;
}

}  // namespace

TEST_CASE("spatial grid: k nearest equals brute force on random points", "[spatial]") {
  const double width = 120, height = 80;
  for (int n : {1, 7, 60, 500}) {
    const Cloud c = makeCloud(n, width, height, 11 + static_cast<std::uint64_t>(n));
    for (double perCell : {0.5, 4.0, 50.0}) {
      const SpatialGrid grid(c.x, c.y, width, height, perCell);
      chan::Stream q(5, 0, 0, chan::StreamPurpose::Setup, static_cast<std::uint64_t>(n));
      Hits got;
      for (int query = 0; query < 60; ++query) {
        double px = width * q.uniform(), py = height * q.uniform();
        if (query == 0) px = 0, py = 0;            // corners and edges of the map
        if (query == 1) px = width, py = height;
        if (query == 2) px = width, py = 0;
        if (query == 3) px = c.x[0], py = c.y[0];  // exactly on a point
        for (int k : {1, 3, 8, 50, n, n + 5}) {
          for (double radius : {0.0, 5.0, 25.0}) {
            grid.nearest(px, py, k, radius, got);
            const Hits want = bruteForce(c.x, c.y, px, py, k, radius);
            INFO("n=" << n << " perCell=" << perCell << " query=(" << px << "," << py << ") k=" << k
                      << " radius=" << radius);
            REQUIRE(got == want);
          }
        }
      }
    }
  }
}

TEST_CASE("spatial grid: results come nearest first with ties broken by index", "[spatial]") {
  // four points at distance 5 from the origin-centred query and one at 1
  const std::vector<double> x = {53, 45, 50, 55, 50, 51};
  const std::vector<double> y = {54, 50, 45, 50, 55, 50};
  const SpatialGrid grid(x, y, 100, 100, 1.0);
  Hits got;
  grid.nearest(50, 50, 6, 0, got);
  // distances: 0 -> 5 (3-4-5 triangle), 1..4 -> 5, 5 -> 1
  const Hits want = {{1.0, 5}, {5.0, 0}, {5.0, 1}, {5.0, 2}, {5.0, 3}, {5.0, 4}};
  CHECK(got == want);
  grid.nearest(50, 50, 3, 0, got);
  CHECK(got == Hits(want.begin(), want.begin() + 3));
  // radius 4.999 keeps only the point at distance 1; radius 5 (inclusive) keeps all
  grid.nearest(50, 50, 6, 4.999, got);
  CHECK(got == Hits{{1.0, 5}});
  grid.nearest(50, 50, 6, 5.0, got);
  CHECK(got == want);
}

TEST_CASE("spatial grid: degenerate requests return nothing and clear the output", "[spatial]") {
  const std::vector<double> x = {1, 2}, y = {1, 2};
  const SpatialGrid grid(x, y, 10, 10);
  Hits got = {{0.0, 99}};
  grid.nearest(1, 1, 0, 0, got);
  CHECK(got.empty());
  got = {{0.0, 99}};
  grid.nearest(9, 9, 2, 0.5, got);  // nothing within the radius
  CHECK(got.empty());
  const std::vector<double> none;
  const SpatialGrid empty(none, none, 10, 10);
  got = {{0.0, 99}};
  empty.nearest(5, 5, 3, 0, got);
  CHECK(got.empty());
}
