// Sobol sequence: the first points against the published (unscrambled, Gray-code) sequence,
// and the defining property of every one of its 21 dimensions: the first 2^m points put
// exactly one point into each interval [k/2^m, (k+1)/2^m).
#include <catch2/catch.hpp>

#include <vector>

#include "sim/sweep/sobol_sequence.hpp"

using chan::sweep::SobolSequence;

TEST_CASE("the first eight Sobol points of dimensions 1-3 are the published ones") {
  const std::vector<std::vector<double>> expected = {{0, 0, 0},
                                                     {0.5, 0.5, 0.5},
                                                     {0.75, 0.25, 0.25},
                                                     {0.25, 0.75, 0.75},
                                                     {0.375, 0.375, 0.625},
                                                     {0.875, 0.875, 0.125},
                                                     {0.625, 0.125, 0.875},
                                                     {0.125, 0.625, 0.375}};
  SobolSequence s(3);
  for (const auto& point : expected) CHECK(s.next() == point);
}

TEST_CASE("every Sobol dimension puts one of the first 2^m points in each interval of width 2^-m") {
  constexpr int kM = 12;
  SobolSequence s(SobolSequence::kMaxDimensions);
  std::vector<std::vector<double>> points;
  for (int i = 0; i < (1 << kM); ++i) points.push_back(s.next());
  for (int d = 0; d < SobolSequence::kMaxDimensions; ++d) {
    for (int m = 1; m <= kM; ++m) {
      std::vector<int> hits(std::size_t{1} << m, 0);
      for (int i = 0; i < (1 << m); ++i)
        ++hits[static_cast<std::size_t>(points[static_cast<std::size_t>(i)][static_cast<std::size_t>(d)] * (1 << m))];
      INFO("dimension " << d + 1 << ", first 2^" << m << " points");
      CHECK(std::count(hits.begin(), hits.end(), 1) == (1 << m));
    }
  }
}

TEST_CASE("unsupported Sobol dimensions are refused") {
  CHECK_THROWS(SobolSequence(0));
  CHECK_THROWS(SobolSequence(SobolSequence::kMaxDimensions + 1));
}
