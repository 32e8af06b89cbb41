// Counter-based random streams (sim/core/rng.hpp): reproducibility from the key alone,
// sensitivity to every key field, and the first two moments of each distribution.
// Tolerances are five standard errors of the estimate (given the seed the test is
// deterministic, so a pass stays a pass; five sigma keeps a correct generator from failing
// by chance under any fixed seed with probability about 6e-7 per check).
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

#include "sim/core/rng.hpp"

using chan::Stream;
using chan::StreamPurpose;

namespace {

std::vector<std::uint64_t> firstDraws(Stream s, int n) {
  std::vector<std::uint64_t> out;
  for (int k = 0; k < n; ++k) out.push_back(s.nextU64());
  return out;
}

}  // namespace

TEST_CASE("rng: the same key gives the same sequence", "[rng]") {
  Stream a(42, 3, 17, StreamPurpose::Shopping, 123456);
  Stream b(42, 3, 17, StreamPurpose::Shopping, 123456);
  for (int k = 0; k < 1000; ++k) REQUIRE(a.nextU64() == b.nextU64());
  // a stream built from the precomputed key is the same stream
  Stream c(chan::streamKey(42, 3, 17, StreamPurpose::Shopping, 123456));
  Stream d(42, 3, 17, StreamPurpose::Shopping, 123456);
  for (int k = 0; k < 100; ++k) REQUIRE(c.uniform() == d.uniform());
}

TEST_CASE("rng: draw n is a pure function of the key and n", "[rng]") {
  // documented formula: draw n (1-based) is mix64(key + n * golden)
  const std::uint64_t key = chan::streamKey(7, 0, 1, StreamPurpose::Setup, 9);
  Stream s(key);
  for (std::uint64_t n = 1; n <= 50; ++n) REQUIRE(s.nextU64() == chan::mix64(key + n * 0x9e3779b97f4a7c15ULL));
}

TEST_CASE("rng: mix64 is the SplitMix64 finaliser", "[rng]") {
  // Reference values of the SplitMix64 generator with state 0: its outputs are
  // mix64(k * golden) for k = 1, 2, 3 (Vigna's splitmix64.c test vectors).
  CHECK(chan::mix64(0x9e3779b97f4a7c15ULL) == 0xe220a8397b1dcdafULL);
  CHECK(chan::mix64(2 * 0x9e3779b97f4a7c15ULL) == 0x6e789e6aa1b965f4ULL);
  CHECK(chan::mix64(3 * 0x9e3779b97f4a7c15ULL) == 0x06c45d188009454fULL);
}

TEST_CASE("rng: changing any one key field changes the stream", "[rng]") {
  const auto base = firstDraws(Stream(5, 2, 10, StreamPurpose::Pricing, 77), 4);
  CHECK(firstDraws(Stream(6, 2, 10, StreamPurpose::Pricing, 77), 4) != base);       // seed
  CHECK(firstDraws(Stream(5, 3, 10, StreamPurpose::Pricing, 77), 4) != base);       // run
  CHECK(firstDraws(Stream(5, 2, 11, StreamPurpose::Pricing, 77), 4) != base);       // tick
  CHECK(firstDraws(Stream(5, 2, 10, StreamPurpose::Allocation, 77), 4) != base);    // purpose
  CHECK(firstDraws(Stream(5, 2, 10, StreamPurpose::Pricing, 78), 4) != base);       // agent
  // seed 0 / agent 0 / tick 0 are ordinary values, not degenerate ones
  CHECK(firstDraws(Stream(0, 0, 0, StreamPurpose::Setup, 0), 4) != firstDraws(Stream(0, 0, 0, StreamPurpose::Setup, 1), 4));
}

TEST_CASE("rng: neighbouring keys never collide over a grid of fields", "[rng]") {
  // 4 seeds x 3 runs x 5 ticks x 5 purposes x 200 agents = 60,000 keys. For 64-bit keys a
  // random collision has probability ~1e-10, so any duplicate is a structural flaw.
  std::set<std::uint64_t> keys;
  std::size_t made = 0;
  for (std::uint64_t seed = 0; seed < 4; ++seed)
    for (std::uint64_t run = 0; run < 3; ++run)
      for (std::uint64_t tick = 0; tick < 5; ++tick)
        for (std::uint64_t p = 1; p <= 5; ++p)
          for (std::uint64_t agent = 0; agent < 200; ++agent, ++made)
            keys.insert(chan::streamKey(seed, run, tick, static_cast<StreamPurpose>(p), agent));
  CHECK(keys.size() == made);
}

TEST_CASE("rng: uniform() has mean 1/2 and variance 1/12", "[rng]") {
  constexpr int n = 100000;
  auto moments = [](auto&& next) {
    double sum = 0, sumSq = 0, lo = 1, hi = 0;
    for (int k = 0; k < n; ++k) {
      const double u = next(k);
      sum += u;
      sumSq += u * u;
      lo = std::min(lo, u);
      hi = std::max(hi, u);
    }
    const double mean = sum / n;
    return std::array<double, 4>{mean, sumSq / n - mean * mean, lo, hi};
  };
  // standard errors: mean sqrt(1/12/n) = 9.1e-4; variance sqrt((1/80 - 1/144)/n) = 2.4e-4
  const double meanTol = 5 * std::sqrt(1.0 / 12 / n), varTol = 5 * std::sqrt((1.0 / 80 - 1.0 / 144) / n);

  SECTION("along one stream") {
    Stream s(2024, 0, 0, StreamPurpose::Shopping, 0);
    const auto m = moments([&](int) { return s.uniform(); });
    CHECK(std::fabs(m[0] - 0.5) < meanTol);
    CHECK(std::fabs(m[1] - 1.0 / 12) < varTol);
    CHECK(m[2] >= 0.0);
    CHECK(m[3] < 1.0);
  }
  SECTION("across agents (first draw of each agent's stream, as consumers use them)") {
    const auto m = moments([](int k) {
      Stream s(2024, 0, 5, StreamPurpose::Shopping, static_cast<std::uint64_t>(k));
      return s.uniform();
    });
    CHECK(std::fabs(m[0] - 0.5) < meanTol);
    CHECK(std::fabs(m[1] - 1.0 / 12) < varTol);
  }
}

TEST_CASE("rng: uniform(lo, hi) is an affine map of uniform()", "[rng]") {
  Stream a(1, 0, 0, StreamPurpose::Pricing, 3), b(1, 0, 0, StreamPurpose::Pricing, 3);
  for (int k = 0; k < 100; ++k) {
    const double u = a.uniform();
    REQUIRE(b.uniform(-2.0, 6.0) == Approx(-2.0 + 8.0 * u).margin(1e-15));
  }
}

TEST_CASE("rng: normal() has mean 0 and standard deviation 1", "[rng]") {
  const int n = 100000;
  Stream s(99, 1, 2, StreamPurpose::Setup, 4);
  double sum = 0, sumSq = 0, beyond2 = 0;
  int nonFinite = 0;
  for (int k = 0; k < n; ++k) {
    const double z = s.normal();
    nonFinite += !std::isfinite(z);
    sum += z;
    sumSq += z * z;
    beyond2 += std::fabs(z) > 2;
  }
  REQUIRE(nonFinite == 0);
  const double mean = sum / n, var = sumSq / n - mean * mean;
  // standard errors: mean 1/sqrt(n) = 3.2e-3; variance sqrt(2/n) = 4.5e-3
  CHECK(std::fabs(mean) < 5 / std::sqrt(n));
  CHECK(std::fabs(std::sqrt(var) - 1.0) < 5 * std::sqrt(2.0 / n) / 2);  // d sd = d var / 2
  // tail: P(|Z| > 2) = erfc(2 / sqrt 2) = 0.0455; binomial standard error sqrt(p(1-p)/n)
  const double p2 = std::erfc(2 / std::sqrt(2.0));
  CHECK(std::fabs(beyond2 / n - p2) < 5 * std::sqrt(p2 * (1 - p2) / n));
}

TEST_CASE("rng: below(n) stays in 0..n-1 and is uniform over it", "[rng]") {
  Stream s(3, 0, 0, StreamPurpose::Allocation, 0);
  std::uint64_t largest = 0;
  for (int k = 0; k < 1000; ++k) largest = std::max(largest, s.below(1));
  CHECK(largest == 0);
  for (std::uint64_t n : {2ULL, 3ULL, 7ULL, 1000ULL, (1ULL << 40) + 1}) {
    largest = 0;
    for (int k = 0; k < 2000; ++k) largest = std::max(largest, s.below(n));
    INFO("n = " << n);
    CHECK(largest < n);
    CHECK(largest >= n - n / 100 - 1);  // 2000 draws reach the top 1% of the range
  }
  // chi-square over 10 bins, 1e5 draws: 9 degrees of freedom, the 0.9999 quantile is 33.7
  const int n = 100000;
  std::array<int, 10> bins{};
  for (int k = 0; k < n; ++k) ++bins[s.below(10)];
  double chi2 = 0;
  for (int c : bins) chi2 += (c - n / 10.0) * (c - n / 10.0) / (n / 10.0);
  CHECK(chi2 < 33.7);
}
