#include "models/consumer_choice.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>

#include "sim/core/rng.hpp"

namespace chan::models {
namespace {

constexpr std::int32_t kNone = -1;      // did not shop, or chose not to buy
constexpr std::int32_t kUnfilled = -2;  // chose an outlet that ran out (set by fulfilment)

/// Per-segment constants of the hot loop.
struct SegmentTable {
  std::vector<double> shopProbability, noise;
  explicit SegmentTable(const ScenarioSpec& spec) {
    for (const auto& s : spec.consumers.segments) {
      shopProbability.push_back(s.purchaseProbability);
      noise.push_back(s.noise);
    }
  }
};

/// Block-local sums, merged in block order so floating-point results never depend on threads.
struct BlockSums {
  std::vector<double> demand, cannibalized;
  double shoppers = 0, reached = 0;
};

std::size_t blockCount(const World& w) {
  const auto bs = static_cast<std::size_t>(w.spec->blockSize);
  return (w.consumers.size() + bs - 1) / bs;
}

template <class Body>
void forEachBlock(const World& w, std::vector<BlockSums>& blocks, const Body& body) {
  const std::size_t outlets = w.outlets.size();
  blocks.assign(blockCount(w), BlockSums{});
  // simple_partitioner + grain 1: one task per fixed block, whatever the thread count
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, blocks.size(), 1),
      [&](const tbb::blocked_range<std::size_t>& r) {
        std::vector<double> weights(w.consumers.longestRow);
        for (std::size_t b = r.begin(); b != r.end(); ++b) {
          BlockSums& sums = blocks[b];
          sums.demand.assign(outlets, 0.0);
          sums.cannibalized.assign(outlets, 0.0);
          const std::size_t begin = b * static_cast<std::size_t>(w.spec->blockSize);
          const std::size_t end = std::min(w.consumers.size(), begin + static_cast<std::size_t>(w.spec->blockSize));
          for (std::size_t i = begin; i < end; ++i) body(i, sums, weights);
        }
      },
      tbb::simple_partitioner());
}

void mergeBlocks(const std::vector<BlockSums>& blocks, std::size_t outlets, DemandRound& out) {
  out.demand.assign(outlets, 0.0);
  out.cannibalized.assign(outlets, 0.0);
  out.shoppers = out.reached = 0;
  for (const BlockSums& b : blocks) {
    for (std::size_t o = 0; o < outlets; ++o) {
      out.demand[o] += b.demand[o];
      out.cannibalized[o] += b.cannibalized[o];
    }
    out.shoppers += b.shoppers;
    out.reached += b.reached;
  }
}

/// True when consumer i's nearest outlet is a physical store that can sell today.
bool nearestStoreAvailable(const World& w, const OutletFactors& f, std::size_t i, int segment) {
  const auto& c = w.consumers;
  if (c.rowStart[i] == c.rowStart[i + 1]) return false;
  const int o = c.choiceOutlet[c.rowStart[i]];
  return !isOnline(w.members.kind[static_cast<std::size_t>(w.outlets[static_cast<std::size_t>(o)])]) &&
         f.factor[static_cast<std::size_t>(segment * f.outlets + o)] > 0;
}

/// Records `mass` units requested by consumer i spread over its options by `weights`.
void addRequests(const World& w, const OutletFactors& f, std::size_t i, int segment, std::span<const double> weights,
                 double total, double mass, BlockSums& sums) {
  const auto& c = w.consumers;
  const bool storeNearby = nearestStoreAvailable(w, f, i, segment);
  for (std::uint32_t j = c.rowStart[i]; j < c.rowStart[i + 1]; ++j) {
    const double units = mass * weights[j - c.rowStart[i]] / total;
    const auto o = static_cast<std::size_t>(c.choiceOutlet[j]);
    sums.demand[o] += units;
    if (storeNearby && isOnline(w.members.kind[static_cast<std::size_t>(w.outlets[o])])) sums.cannibalized[o] += units;
  }
}

/// Draws one option: returns the outlet index or kNone for the outside option.
std::int32_t drawOption(const World& w, std::size_t i, std::span<double> weights, double outside, double u) {
  const auto& c = w.consumers;
  const std::uint32_t len = c.rowStart[i + 1] - c.rowStart[i];
  double total = outside;
  for (std::uint32_t j = 0; j < len; ++j) total += weights[j];
  if (!(total > 0) || std::isinf(outside)) return kNone;
  double target = u * total - outside;
  if (target < 0) return kNone;
  for (std::uint32_t j = 0; j < len; ++j) {
    target -= weights[j];
    if (target < 0 && weights[j] > 0) return c.choiceOutlet[c.rowStart[i] + j];
  }
  // rounding left target marginally >= 0: the last option with positive weight
  for (std::uint32_t j = len; j-- > 0;)
    if (weights[j] > 0) return c.choiceOutlet[c.rowStart[i] + j];
  return kNone;
}

void countPick(const World& w, const OutletFactors& f, std::size_t i, int segment, std::int32_t pick, BlockSums& sums) {
  if (pick < 0) return;
  const auto o = static_cast<std::size_t>(pick);
  sums.demand[o] += w.spec->consumers.weight;
  if (isOnline(w.members.kind[static_cast<std::size_t>(w.outlets[o])]) && nearestStoreAvailable(w, f, i, segment))
    sums.cannibalized[o] += w.spec->consumers.weight;
}

}  // namespace

void computeFactors(const World& world, std::span<const double> outletPrice, std::span<const std::uint8_t> available,
                    OutletFactors& out) {
  const auto& segments = world.spec->consumers.segments;
  const std::size_t n = world.outlets.size();
  out.outlets = static_cast<int>(n);
  out.factor.assign(segments.size() * n, 0.0);
  out.offset.assign(segments.size(), 0.0);
  std::vector<double> cost(n);
  for (std::size_t s = 0; s < segments.size(); ++s) {
    const SegmentSpec& seg = segments[s];
    double lowest = std::numeric_limits<double>::infinity();
    for (std::size_t o = 0; o < n; ++o) {
      const double service = world.members.serviceLevel[static_cast<std::size_t>(world.outlets[o])];
      cost[o] = (seg.priceSensitivity * outletPrice[o] - seg.serviceWeight * service) / seg.noise;
      lowest = std::min(lowest, cost[o]);
    }
    out.offset[s] = std::isfinite(lowest) ? lowest : 0.0;
    for (std::size_t o = 0; o < n; ++o)
      out.factor[s * n + o] = available[o] ? std::exp(out.offset[s] - cost[o]) : 0.0;
  }
}

double choiceWeights(const World& world, const OutletFactors& f, std::size_t i, std::span<double> weights) {
  const auto& c = world.consumers;
  const int s = c.segment[i];
  const double* factor = f.factor.data() + static_cast<std::size_t>(s * f.outlets);
  const std::uint32_t begin = c.rowStart[i], len = c.rowStart[i + 1] - begin;
  double total = 0;
  for (std::uint32_t j = 0; j < len; ++j) {
    weights[j] = c.choiceWeight[begin + j] * factor[c.choiceOutlet[begin + j]];
    total += weights[j];
  }
  const double logOutside = c.logOutside[i] + f.offset[static_cast<std::size_t>(s)];
  const double outside = std::isinf(c.logOutside[i]) ? 0.0 : std::exp(logOutside);
  if (total > 0 || len == 0) return outside;
  // every available option underflowed (very small noise): rescale in log space
  double best = -std::numeric_limits<double>::infinity();
  for (std::uint32_t j = 0; j < len; ++j) {
    const double fo = factor[c.choiceOutlet[begin + j]];
    weights[j] = fo > 0 ? std::log(c.choiceWeight[begin + j]) + std::log(fo) : -std::numeric_limits<double>::infinity();
    best = std::max(best, weights[j]);
  }
  if (std::isinf(best)) return outside;  // nothing available
  for (std::uint32_t j = 0; j < len; ++j) weights[j] = std::exp(weights[j] - best);
  return std::isinf(c.logOutside[i]) ? 0.0 : std::exp(logOutside - best);
}

void chooseOutlets(World& world, const OutletFactors& f, DemandRound& out) {
  const SegmentTable seg(*world.spec);
  const bool expected = world.spec->consumers.expected;
  const double weight = world.spec->consumers.weight;
  const auto& spec = *world.spec;
  auto& c = world.consumers;
  std::vector<BlockSums> blocks;
  forEachBlock(world, blocks, [&](std::size_t i, BlockSums& sums, std::vector<double>& weights) {
    const int s = c.segment[i];
    const double outside = choiceWeights(world, f, i, weights);
    const std::uint32_t len = c.rowStart[i + 1] - c.rowStart[i];
    double total = outside;
    bool any = false;
    for (std::uint32_t j = 0; j < len; ++j) {
      total += weights[j];
      any = any || weights[j] > 0;
    }
    if (any) sums.reached += 1;
    if (expected) {
      const double mass = weight * seg.shopProbability[static_cast<std::size_t>(s)];
      sums.shoppers += mass;
      if (any && std::isfinite(outside)) addRequests(world, f, i, s, weights, total, mass, sums);
      return;
    }
    Stream rng(spec.seed, static_cast<std::uint64_t>(spec.run), static_cast<std::uint64_t>(world.tick),
               StreamPurpose::Shopping, i);
    c.pick[i] = kNone;
    if (rng.uniform() >= seg.shopProbability[static_cast<std::size_t>(s)]) return;
    sums.shoppers += weight;
    c.pick[i] = drawOption(world, i, weights, outside, rng.uniform());
    countPick(world, f, i, s, c.pick[i], sums);
  });
  mergeBlocks(blocks, world.outlets.size(), out);
}

void substitute(World& world, const OutletFactors& first, const OutletFactors& second, std::span<const double> fill,
                DemandRound& out) {
  const SegmentTable seg(*world.spec);
  const bool expected = world.spec->consumers.expected;
  const double weight = world.spec->consumers.weight;
  const auto& spec = *world.spec;
  auto& c = world.consumers;
  std::vector<BlockSums> blocks;
  forEachBlock(world, blocks, [&](std::size_t i, BlockSums& sums, std::vector<double>& weights) {
    const int s = c.segment[i];
    if (!expected) {
      if (c.pick[i] != kUnfilled) return;
      Stream rng(spec.seed, static_cast<std::uint64_t>(spec.run), static_cast<std::uint64_t>(world.tick),
                 StreamPurpose::Substitution, i);
      const double outside = choiceWeights(world, second, i, weights);
      c.pick[i] = drawOption(world, i, weights, outside, rng.uniform());
      countPick(world, second, i, s, c.pick[i], sums);
      return;
    }
    // expected mode: the unserved share of this consumer's first-round mass chooses again
    const std::uint32_t begin = c.rowStart[i], len = c.rowStart[i + 1] - begin;
    double outside = choiceWeights(world, first, i, weights);
    double total = outside, unserved = 0;
    for (std::uint32_t j = 0; j < len; ++j) total += weights[j];
    if (!(total > 0) || std::isinf(outside)) return;
    for (std::uint32_t j = 0; j < len; ++j)
      unserved += weights[j] / total * (1.0 - fill[static_cast<std::size_t>(c.choiceOutlet[begin + j])]);
    if (unserved <= 0) return;
    const double mass = weight * seg.shopProbability[static_cast<std::size_t>(s)] * unserved;
    outside = choiceWeights(world, second, i, weights);
    total = outside;
    for (std::uint32_t j = 0; j < len; ++j) total += weights[j];
    if (total > 0 && std::isfinite(outside)) addRequests(world, second, i, s, weights, total, mass, sums);
  });
  mergeBlocks(blocks, world.outlets.size(), out);
}

double expectedSales(const World& world, std::span<const int> targets, std::span<const double> outletPrice) {
  const std::vector<std::uint8_t> all(world.outlets.size(), 1);
  OutletFactors f;
  computeFactors(world, outletPrice, all, f);
  std::vector<std::uint8_t> isTarget(world.outlets.size(), 0);
  for (int o : targets) isTarget[static_cast<std::size_t>(o)] = 1;
  const SegmentTable seg(*world.spec);
  const auto& c = world.consumers;
  std::vector<double> weights(c.longestRow);
  double units = 0;
  auto visit = [&](std::size_t i) {
    const double outside = choiceWeights(world, f, i, weights);
    if (std::isinf(outside)) return;
    const std::uint32_t begin = c.rowStart[i], len = c.rowStart[i + 1] - begin;
    double total = outside, mine = 0;
    for (std::uint32_t j = 0; j < len; ++j) {
      total += weights[j];
      if (isTarget[static_cast<std::size_t>(c.choiceOutlet[begin + j])]) mine += weights[j];
    }
    if (total > 0) units += seg.shopProbability[c.segment[i]] * mine / total;
  };
  // a single outlet: only the consumers who can reach it; otherwise everyone
  if (targets.size() == 1) {
    for (int i : world.outletConsumers[static_cast<std::size_t>(targets[0])]) visit(static_cast<std::size_t>(i));
  } else {
    for (std::size_t i = 0; i < c.size(); ++i) visit(i);
  }
  return units * world.spec->consumers.weight;
}

}  // namespace chan::models
