#include "models/consumer_choice.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <type_traits>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/partitioner.h>

#include "sim/core/rng.hpp"

// Performance notes (except the lane kernel, last note, the arithmetic is exactly the
// straightforward version's: every sum is taken in the same order, so outputs are identical
// bit for bit and independent of threads):
//  - a consumer's weights, their total and "any option available" come from one pass over
//    the row (rowWeights), not three;
//  - in sampled mode the shopping draw comes first: a consumer who does not shop today only
//    needs "is any outlet in my choice set available" (reach), not weights or exp();
//  - the random-stream key of (seed, run, tick, purpose) is mixed once per phase (AgentKeys),
//    leaving one mixing round per consumer;
//  - block sums are accumulated in a per-thread dense scratch and kept as a sparse list of the
//    outlets the block touched, so a phase no longer allocates, zeroes and merges
//    blocks x outlets doubles (245 blocks x 2,002 outlets x 2 arrays at 1M consumers);
//  - expectedSalesByOutlet answers every outlet's expected sales from one pass over all
//    consumers (the integrated-optimum search used to call expectedSales outlet by outlet).
//  - sampled mode's first round runs a lane kernel (chooseLaneGroup): 8 consecutive consumers
//    at a time over World::Consumers::lanes (rows padded, stored slot-major, options in
//    outlet order), weights, prefix sums and the draw in single precision without a
//    data-dependent branch (the double path's inverse-CDF loop mispredicted about once per
//    consumer); a group whose 8 consumers share their outlets reads one factor per slot
//    instead of gathering 8. Each consumer's two uniforms come from one hash (shopDraw), the
//    choice uniform with 24 bits. This is the one place where arithmetic differs from the
//    straightforward version: a draw lands on another option only when the uniform falls
//    within float rounding (~1e-7 relative) of a boundary between two options; rows whose
//    float total is tiny, exact-choice segments, outside weights outside float's normal
//    range and a non-finite world take the double path. Independent of threads and blocks.

namespace chan::models {
namespace {

/// Below this sum of option weights a row is recomputed in log space: each factor of a weight is
/// scaled on its own, so their product can underflow while the choice probabilities do not.
constexpr double kUnderflowGuard = 1e-200;

constexpr std::int32_t kNone = -1;      // did not shop, or chose not to buy

/// Per-segment constants of the hot loop.
struct SegmentTable {
  std::vector<double> shopProbability, noise;
  explicit SegmentTable(const ScenarioSpec& spec) {
    for (const auto& s : spec.consumers.segments) {
      shopProbability.push_back(s.purchaseProbability);
      noise.push_back(s.noise);
    }
  }
  /// Today's: the purchase probabilities times the calendar's factors (World::calendar).
  explicit SegmentTable(const World& world) : SegmentTable(*world.spec) { applyCalendar(world.calendar); }

 private:
  void applyCalendar(const DemandCalendar& calendar) {
    if (calendar.shop.empty()) return;  // no calendar: the scenario's probabilities, untouched
    // a consumer shops at most once a tick: a festival's factor saturates at probability 1
    for (std::size_t s = 0; s < shopProbability.size(); ++s)
      shopProbability[s] = std::min(1.0, shopProbability[s] * calendar.shop[s]);
  }
};

/// Stream keys of one (tick, purpose) for every agent. streamKey (sim/core/rng.hpp) mixes
/// seed, run, tick and purpose before the agent, so those four rounds are done once here.
/// Checked against streamKey at construction; should rng.hpp change, every key comes from
/// streamKey itself.
class AgentKeys {
 public:
  AgentKeys(const ScenarioSpec& spec, int tick, StreamPurpose purpose)
      : m_seed(spec.seed),
        m_run(static_cast<std::uint64_t>(spec.run)),
        m_tick(static_cast<std::uint64_t>(tick)),
        m_purpose(purpose) {
    std::uint64_t h = mix64(m_seed + 0x9e3779b97f4a7c15ULL);
    h = mix64(h ^ (m_run + 0x632be59bd9b4e019ULL));
    h = mix64(h ^ (m_tick + 0x85157af5ULL));
    m_prefix = mix64(h ^ static_cast<std::uint64_t>(purpose));
    m_fast = true;
    for (std::uint64_t agent : {0ULL, 1ULL, 4097ULL, 123456789ULL})
      m_fast = m_fast && (*this)(agent) == streamKey(m_seed, m_run, m_tick, m_purpose, agent);
  }
  std::uint64_t operator()(std::uint64_t agent) const {
    return m_fast ? mix64(m_prefix ^ (agent * 0xd6e8feb86659fd93ULL))
                  : streamKey(m_seed, m_run, m_tick, m_purpose, agent);
  }

 private:
  std::uint64_t m_seed, m_run, m_tick;
  StreamPurpose m_purpose;
  std::uint64_t m_prefix = 0;
  bool m_fast = false;
};

/// A consumer's two uniforms of the first round, from one hash: its stream key (AgentKeys,
/// mixed from seed, run, tick, purpose and agent, SplitMix64's finaliser last). The high 32
/// bits decide whether it shops (shop < p, resolution 2^-32), bits 8..31 which option: a float
/// uniform on [0, 1) of resolution 2^-24, what the single-precision draw resolves anyway. One
/// hash per consumer and tick instead of a Stream's two.
struct ShopDraw {
  double shop;
  float choose;
};
inline ShopDraw shopDraw(std::uint64_t key) {
  return {static_cast<double>(key >> 32) * 0x1.0p-32,
          static_cast<float>(static_cast<std::uint32_t>(key) >> 8) * 0x1.0p-24f};
}

/// Per-outlet flag: 1 when the outlet sells online.
std::vector<std::uint8_t> onlineFlags(const World& w) {
  std::vector<std::uint8_t> online(w.outlets.size());
  for (std::size_t o = 0; o < online.size(); ++o)
    online[o] = isOnline(w.members.kind[static_cast<std::size_t>(w.outlets[o])]) ? 1 : 0;
  return online;
}

/// One consumer's options, evaluated: weights (as choiceWeights writes them), the outside
/// option's weight, total = outside + sum of weights in row order, and whether any weight > 0.
struct Row {
  double outside = 0, total = 0;
  bool any = false;
};

/// Exact choice (noise 0) for consumer i: writes the share of the consumer's valuation cell
/// v_i +- h where each option is best into weights, sets `any` when some option is available
/// and returns the outside option's share (0 without one). An option's utility at valuation
/// v_i + y is its utility at v_i plus theta_o y (theta_o: the outlet's valuation factor); the
/// cell is cut where two utilities cross and each piece goes to the option best inside it.
double exactShares(const World& w, const OutletFactors& f, std::size_t i, double* weights, bool& any,
                   const std::function<bool(std::int32_t)>* excluded = nullptr) {
  const auto& c = w.consumers;
  const auto s = static_cast<std::size_t>(c.segment[i]);
  const std::uint32_t begin = c.rowStart[i], len = c.rowStart[i + 1] - begin;
  const double h = c.cellHalfWidth[s];
  // scratch reused by the thread: exact segments are the validation models, not the hot path
  thread_local std::vector<double> level, slope, cuts;
  level.clear(), slope.clear();
  any = false;
  for (std::uint32_t j = 0; j < len; ++j) {
    const auto o = static_cast<std::size_t>(c.choiceOutlet[begin + j]);
    const bool available = f.factor[s * static_cast<std::size_t>(f.outlets) + o] > 0 &&
                           !(excluded && (*excluded)(static_cast<std::int32_t>(o)));
    any = any || available;
    weights[j] = 0;
    level.push_back(available ? c.choiceLogWeight[begin + j] + f.utility[s * static_cast<std::size_t>(f.outlets) + o]
                              : -std::numeric_limits<double>::infinity());
    slope.push_back(w.members.valuationFactor[static_cast<std::size_t>(w.outlets[o])]);
  }
  const bool outsideOption = !std::isinf(c.logOutside[i]);
  if (outsideOption) level.push_back(0.0), slope.push_back(0.0);
  double outside = 0;
  // gives `share` to the options best at y, split evenly between exact ties
  auto award = [&](double y, double share) {
    double top = -std::numeric_limits<double>::infinity();
    int ties = 0;
    for (std::size_t k = 0; k < level.size(); ++k) {
      const double u = level[k] + slope[k] * y;
      if (u > top) top = u, ties = 1;
      else if (u == top) ++ties;
    }
    if (std::isinf(top)) return;  // nothing available and no outside option
    for (std::size_t k = 0; k < level.size(); ++k) {
      if (level[k] + slope[k] * y != top) continue;
      if (k < len) weights[k] += share / ties;
      else outside += share / ties;
    }
  };
  if (h <= 0) {
    award(0.0, 1.0);
    return outside;
  }
  cuts.assign({-h, h});
  for (std::size_t j = 0; j < level.size(); ++j)
    for (std::size_t k = j + 1; k < level.size(); ++k) {
      if (slope[j] == slope[k] || std::isinf(level[j]) || std::isinf(level[k])) continue;
      const double y = (level[k] - level[j]) / (slope[j] - slope[k]);
      if (y > -h && y < h) cuts.push_back(y);
    }
  std::sort(cuts.begin(), cuts.end());
  for (std::size_t k = 0; k + 1 < cuts.size(); ++k)
    if (cuts[k + 1] > cuts[k]) award(0.5 * (cuts[k] + cuts[k + 1]), (cuts[k + 1] - cuts[k]) / (2 * h));
  return outside;
}

/// choiceWeights and the sums the phases take over its weights, in one pass. The common case
/// (some option's weight is positive) is computed here; rows whose weights all underflow go
/// through choiceWeights itself (log-space rescaling).
inline Row rowWeights(const World& w, const OutletFactors& f, std::size_t i, double* weights) {
  const auto& c = w.consumers;
  const int s = c.segment[i];
  Row r;
  if (f.exact[static_cast<std::size_t>(s)]) {
    r.outside = r.total = exactShares(w, f, i, weights, r.any);
    for (std::uint32_t j = c.rowStart[i]; j < c.rowStart[i + 1]; ++j) r.total += weights[j - c.rowStart[i]];
    return r;
  }
  const double* factor = f.factor.data() + static_cast<std::size_t>(s * f.outlets);
  const std::uint32_t begin = c.rowStart[i], len = c.rowStart[i + 1] - begin;
  const double* cw = c.choiceWeight.data() + begin;
  const std::int32_t* co = c.choiceOutlet.data() + begin;
  const double logOutside = c.logOutside[i];
  r.outside = std::isinf(logOutside) ? 0.0 : std::exp(logOutside + f.offset[static_cast<std::size_t>(s)]);
  double total = r.outside, sum = 0;
  for (std::uint32_t j = 0; j < len; ++j) {
    const double x = cw[j] * factor[co[j]];
    weights[j] = x;
    total += x;
    sum += x;
  }
  // choiceWeights keeps these weights when their sum from 0 is above the underflow guard
  const bool positive = sum > kUnderflowGuard;
  if (positive) {
    r.total = total;
    r.any = true;
    return r;
  }
  if (len == 0) {
    r.total = total;
    return r;
  }
  // every available option underflowed (or something is NaN): the reference path
  r.outside = choiceWeights(w, f, i, std::span<double>(weights, len));
  r.total = r.outside;
  for (std::uint32_t j = 0; j < len; ++j) {
    r.total += weights[j];
    r.any = r.any || weights[j] > 0;
  }
  return r;
}

/// Whether every static choice weight of the world is finite. Scanned on a world's first
/// tick and kept (per thread) while the same world's calls stay in a tick or move to the next
/// (choice, then reach, in one tick); any other call scans again.
bool staticWeightsFinite(const World& w) {
  struct Memo {
    const World* world = nullptr;
    const double* data = nullptr;
    std::size_t size = 0;
    const ScenarioSpec* spec = nullptr;
    int tick = 0;
    bool finite = false;
  };
  thread_local Memo memo;
  const auto& cw = w.consumers.choiceWeight;
  const bool continues = memo.world == &w && memo.data == cw.data() && memo.size == cw.size() && memo.spec == w.spec &&
                         (w.tick == memo.tick || w.tick == memo.tick + 1);
  if (!continues) {
    const bool finite = std::all_of(cw.begin(), cw.end(), [](double x) { return std::isfinite(x); });
    memo = {&w, cw.data(), cw.size(), w.spec, 0, finite};
  }
  memo.tick = w.tick;
  return memo.finite;
}

/// rowWeights(...).any without storing weights or taking exp() (consumers who do not shop
/// today). choiceWeights keeps a row's weights when their sum from 0 exceeds the underflow
/// guard. Static weights (exp() values) and factors are >= 0, so while every term is finite
/// the partial sums only grow and the sum may stop once past the guard: `finite` says the
/// factors and all static weights are (chooseOutlets checks). Every other row goes through
/// rowWeights.
inline bool rowReaches(const World& w, const OutletFactors& f, bool finite, std::size_t i, double* weights) {
  const auto& c = w.consumers;
  const double* factor = f.factor.data() + static_cast<std::size_t>(c.segment[i] * f.outlets);
  const std::uint32_t begin = c.rowStart[i], end = c.rowStart[i + 1];
  double sum = 0;
  if (finite) {
    for (std::uint32_t j = begin; j < end; ++j) {
      sum += c.choiceWeight[j] * factor[c.choiceOutlet[j]];
      if (sum > kUnderflowGuard) return true;
    }
  } else {
    for (std::uint32_t j = begin; j < end; ++j) sum += c.choiceWeight[j] * factor[c.choiceOutlet[j]];
    if (sum > kUnderflowGuard) return true;
  }
  return begin != end && rowWeights(w, f, i, weights).any;
}

/// Draws one option: returns the outlet index or kNone for the outside option.
/// `total` = outside + weights summed in row order (Row::total).
inline std::int32_t drawOption(const World& w, std::size_t i, const double* weights, double outside, double total,
                               double u) {
  const auto& c = w.consumers;
  const std::uint32_t begin = c.rowStart[i], len = c.rowStart[i + 1] - begin;
  if (!(total > 0) || std::isinf(outside)) return kNone;
  double target = u * total - outside;
  if (target < 0) return kNone;
  for (std::uint32_t j = 0; j < len; ++j) {
    target -= weights[j];
    if (target < 0 && weights[j] > 0) return c.choiceOutlet[begin + j];
  }
  // rounding left target marginally >= 0: the last option with positive weight
  for (std::uint32_t j = len; j-- > 0;)
    if (weights[j] > 0) return c.choiceOutlet[begin + j];
  return kNone;
}

/// Sums of one fixed block of consumers: the outlets it touched (sparse), shoppers and reach.
struct BlockSums {
  struct Entry {
    std::int32_t outlet;
    double demand, cannibalized;
  };
  std::vector<Entry> entries;
  double shoppers = 0, reached = 0;
};

/// Whether k x unit is exact in double for every k <= n: adding `unit` n times from 0 then
/// gives n x unit bit for bit, every partial sum being exact.
bool exactMultiples(double unit, std::size_t n) {
  if (!std::isfinite(unit) || !(unit > 0) || !std::isfinite(unit * static_cast<double>(n))) return false;
  int exponent = 0;
  auto mantissa = static_cast<std::uint64_t>(std::ldexp(std::frexp(unit, &exponent), 53));
  mantissa >>= std::countr_zero(mantissa);
  return std::bit_width(mantissa) + std::bit_width(n) <= 53;
}

/// Dense per-thread accumulator for the block being processed. Entries are summed in
/// consumer order exactly as dense per-block arrays would be; untouched outlets stay 0 and
/// are left out (adding 0.0 to a non-negative sum changes nothing). Sampled mode's sums add
/// the same term, the consumer weight, once per pick or shopper: they are counted and turned
/// into sums at flush (the sum of n equal terms does not depend on their order), which keeps
/// a chain of dependent additions through memory out of the per-consumer loop.
class BlockAccumulator {
 public:
  void prepare(std::size_t outlets, std::size_t longestRow, double unit, std::size_t blockSize) {
    if (m_demand.size() < outlets) {
      m_demand.resize(outlets, 0.0);
      m_cannibalized.resize(outlets, 0.0);
      m_picks.resize(outlets, 0);
      m_cannibalizedPicks.resize(outlets, 0);
      m_touched.resize(outlets, 0);
    }
    if (m_weights.size() < longestRow) m_weights.resize(longestRow);
    m_list.clear();
    m_unit = unit;
    m_exactUnits = exactMultiples(unit, blockSize);
    reached = shoppers = 0;
  }
  double* weights() { return m_weights.data(); }
  /// Consumers of the block who reach an outlet; shoppers of sampled mode (each `unit` units)
  std::size_t reached = 0, shoppers = 0;
  void addDemand(std::size_t o, double units) {
    touch(o);
    m_demand[o] += units;
  }
  void addCannibalized(std::size_t o, double units) {
    touch(o);
    m_cannibalized[o] += units;
  }
  /// Sampled mode: one pick of `unit` units at outlet o, cannibalised (see countPick) or not.
  void addPick(std::size_t o, bool cannibalized) {
    touch(o);
    ++m_picks[o];
    m_cannibalizedPicks[o] += cannibalized ? 1 : 0;
  }
  /// addPick(o, false)
  void addPick(std::size_t o) {
    touch(o);
    ++m_picks[o];
  }
  /// Moves the touched outlets' sums into `sums` and clears the scratch. A block adds either
  /// amounts (expected mode) or picks (sampled mode), so one of the two terms is 0.
  void flush(BlockSums& sums) {
    sums.entries.reserve(m_list.size());
    for (std::int32_t o : m_list) {
      const auto k = static_cast<std::size_t>(o);
      sums.entries.push_back({o, m_demand[k] + units(m_picks[k]), m_cannibalized[k] + units(m_cannibalizedPicks[k])});
      m_demand[k] = m_cannibalized[k] = 0.0;
      m_picks[k] = m_cannibalizedPicks[k] = 0;
      m_touched[k] = 0;
    }
    m_list.clear();
    sums.reached += static_cast<double>(reached);
    sums.shoppers += units(shoppers);
  }

 private:
  /// `unit` added n times from 0
  double units(std::size_t n) const {
    if (m_exactUnits) return static_cast<double>(n) * m_unit;
    double sum = 0;
    for (std::size_t k = 0; k < n; ++k) sum += m_unit;
    return sum;
  }
  void touch(std::size_t o) {
    if (!m_touched[o]) {
      m_touched[o] = 1;
      m_list.push_back(static_cast<std::int32_t>(o));
    }
  }
  double m_unit = 1;
  bool m_exactUnits = false;
  std::vector<std::uint32_t> m_picks, m_cannibalizedPicks;
  std::vector<double> m_demand, m_cannibalized, m_weights;
  std::vector<std::uint8_t> m_touched;
  std::vector<std::int32_t> m_list;
};

// One per worker thread; a block body runs start to finish on one thread without waiting on
// other tasks, so it is never re-entered.
thread_local BlockAccumulator t_accumulator;

std::size_t blockCount(const World& w) {
  const auto bs = static_cast<std::size_t>(w.spec->blockSize);
  return (w.consumers.size() + bs - 1) / bs;
}

/// Blocks run together before their sums are merged (see forEachBlock). Any value gives the
/// same results (the merge order is the block order regardless); it bounds the memory.
constexpr std::size_t kBlocksPerWave = 64;

/// Runs body(begin, end, sums, accumulator) over fixed-size consumer blocks in parallel and
/// merges the block sums in block order into out. Blocks run in waves of kBlocksPerWave and
/// each wave is merged before the next starts, reusing the waves' lists: holding every block's
/// list until the end took about 1 GB per pass of expected-mode choice at 10M consumers
/// (2,442 blocks x ~16k touched outlets), and allocating it was a quarter of the pass's time
/// in page faults.
template <class Body>
void forEachBlock(const World& w, DemandRound& out, const Body& body) {
  const std::size_t outlets = w.outlets.size();
  const auto bs = static_cast<std::size_t>(w.spec->blockSize);
  const std::size_t count = blockCount(w);
  std::vector<BlockSums> wave(std::min(count, kBlocksPerWave));
  out.demand.assign(outlets, 0.0);
  out.cannibalized.assign(outlets, 0.0);
  out.shoppers = out.reached = 0;
  for (std::size_t first = 0; first < count; first += wave.size()) {
    const std::size_t n = std::min(wave.size(), count - first);
    for (std::size_t k = 0; k < n; ++k) wave[k].entries.clear(), wave[k].shoppers = wave[k].reached = 0;
    // simple_partitioner + grain 1: one task per fixed block, whatever the thread count
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, n, 1),
        [&](const tbb::blocked_range<std::size_t>& r) {
          BlockAccumulator& acc = t_accumulator;
          for (std::size_t k = r.begin(); k != r.end(); ++k) {
            acc.prepare(outlets, w.consumers.longestRow, w.spec->consumers.weight, bs);
            const std::size_t begin = (first + k) * bs;
            const std::size_t end = std::min(w.consumers.size(), begin + bs);
            body(begin, end, wave[k], acc);
            acc.flush(wave[k]);
          }
        },
        tbb::simple_partitioner());
    for (std::size_t k = 0; k < n; ++k) {
      const BlockSums& b = wave[k];
      for (const BlockSums::Entry& e : b.entries) {
        out.demand[static_cast<std::size_t>(e.outlet)] += e.demand;
        out.cannibalized[static_cast<std::size_t>(e.outlet)] += e.cannibalized;
      }
      out.shoppers += b.shoppers;
      out.reached += b.reached;
    }
  }
}

/// True when consumer i's nearest outlet is a physical store that can sell today.
inline bool nearestStoreAvailable(const World& w, const OutletFactors& f, const std::uint8_t* online, std::size_t i,
                                  int segment) {
  const auto& c = w.consumers;
  if (c.rowStart[i] == c.rowStart[i + 1]) return false;
  const int o = c.choiceOutlet[c.rowStart[i]];
  return !online[o] && f.factor[static_cast<std::size_t>(segment * f.outlets + o)] > 0;
}

/// Records `mass` units requested by consumer i spread over its options by `weights`.
void addRequests(const World& w, const OutletFactors& f, const std::uint8_t* online, std::size_t i, int segment,
                 const double* weights, double total, double mass, BlockAccumulator& acc) {
  const auto& c = w.consumers;
  const bool storeNearby = nearestStoreAvailable(w, f, online, i, segment);
  for (std::uint32_t j = c.rowStart[i]; j < c.rowStart[i + 1]; ++j) {
    const double units = mass * weights[j - c.rowStart[i]] / total;
    const auto o = static_cast<std::size_t>(c.choiceOutlet[j]);
    acc.addDemand(o, units);
    if (storeNearby && online[o]) acc.addCannibalized(o, units);
  }
}

inline void countPick(const World& w, const OutletFactors& f, const std::uint8_t* online, std::size_t i, int segment,
                      std::int32_t pick, BlockAccumulator& acc) {
  if (pick < 0) return;
  const auto o = static_cast<std::size_t>(pick);
  acc.addPick(o, online[o] && nearestStoreAvailable(w, f, online, i, segment));
}

/// Consumer chunks of expectedSalesByOutlet's pass (see salesByOutlet). Part of the result's
/// rounding, like block_size; never the thread count.
constexpr std::size_t kSalesChunks = 8;

/// expectedSalesByOutlet's pass: each consumer's share added to its outlets. The consumers are
/// cut into kSalesChunks fixed chunks of whole blocks of block_size, run in parallel, each
/// summing its consumers' shares in consumer order into its own dense per-outlet array; the
/// chunks' arrays are then added in chunk order. The result therefore depends on the consumer
/// count and block_size but never on the thread count. A dense array per chunk costs one add
/// per option, as the serial pass did (a sparse list per block of 4,096 consumers, as
/// forEachBlock keeps, made the pass slower on two threads than the serial loop on one);
/// kSalesChunks x outlets doubles (64 MB at 1M outlets) is the memory that buys it.
/// Raw sums, before the consumer weight.
std::vector<double> salesByOutlet(const World& w, const OutletFactors& f, const SegmentTable& seg) {
  const auto& c = w.consumers;
  const std::size_t n = w.outlets.size();
  const auto bs = static_cast<std::size_t>(w.spec->blockSize);
  const std::size_t perChunk = std::max<std::size_t>(1, (blockCount(w) + kSalesChunks - 1) / kSalesChunks) * bs;
  const std::size_t chunks = (c.size() + perChunk - 1) / perChunk;
  std::vector<std::vector<double>> part(chunks);
  // simple_partitioner + grain 1: one task per fixed chunk, whatever the thread count
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, chunks, 1),
      [&](const tbb::blocked_range<std::size_t>& r) {
        std::vector<double> weights(c.longestRow);
        for (std::size_t k = r.begin(); k != r.end(); ++k) {
          std::vector<double>& units = part[k];
          units.assign(n, 0.0);
          for (std::size_t i = k * perChunk; i < std::min(c.size(), (k + 1) * perChunk); ++i) {
            const Row row = rowWeights(w, f, i, weights.data());
            if (std::isinf(row.outside) || !(row.total > 0)) continue;
            const double shop = seg.shopProbability[c.segment[i]];
            const std::uint32_t begin = c.rowStart[i], len = c.rowStart[i + 1] - begin;
            for (std::uint32_t j = 0; j < len; ++j) {
              const double mine = 0.0 + weights[j];  // as expectedSales sums the target's weights from 0
              units[static_cast<std::size_t>(c.choiceOutlet[begin + j])] += shop * mine / row.total;
            }
          }
        }
      },
      tbb::simple_partitioner());
  std::vector<double> units(n, 0.0);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n), [&](const tbb::blocked_range<std::size_t>& r) {
    for (const std::vector<double>& p : part)  // chunk order, outlet by outlet
      for (std::size_t o = r.begin(); o != r.end(); ++o) units[o] += p[o];
  });
  return units;
}

/// Sampled mode's single-precision kernel (see chooseLaneGroup). A row whose float total is
/// below this goes through the double-precision path: its weights could lose all their digits.
constexpr float kLaneGuard = 1e-30f;

/// Per-tick factors of the lane kernel: [segment * (outlets + 1) + o] in single precision, the
/// extra slot of each segment 0 (the lanes' padding points there).
std::vector<float> laneFactors(const OutletFactors& f, std::size_t segments) {
  const auto n = static_cast<std::size_t>(f.outlets);
  std::vector<float> table(segments * (n + 1), 0.0f);
  for (std::size_t s = 0; s < segments; ++s)
    for (std::size_t o = 0; o < n; ++o) table[s * (n + 1) + o] = static_cast<float>(f.factor[s * n + o]);
  return table;
}

/// Per segment: 1 when every outlet can sell today (a non-empty row then reaches an outlet).
std::vector<std::uint8_t> everyOutletAvailable(const OutletFactors& f, std::size_t segments) {
  const auto n = static_cast<std::size_t>(f.outlets);
  std::vector<std::uint8_t> all(segments, 1);
  for (std::size_t s = 0; s < segments; ++s)
    for (std::size_t o = 0; o < n && all[s]; ++o) all[s] = f.factor[s * n + o] > 0;
  return all;
}

/// Lane kernel's scratch of one thread: prefix sums [slot][lane] of the group being drawn.
thread_local std::vector<float> t_prefix;

/// SIMD vectors of the lane kernel (GCC and Clang vector extension): 4 floats (SSE) in the
/// portable build, 8 with AVX (CHAN_NATIVE); a group's kLanes lanes are kLanes / width of
/// them. Written out because GCC 12 vectorised the plain loops across slots instead of lanes
/// (a third of the kernel), and a vector wider than the machine's is lowered lane by lane.
/// Lane arithmetic is IEEE single precision lane by lane: the values of the scalar loops.
#ifdef __AVX__
constexpr std::size_t kVectorWidth = 8;
#else
constexpr std::size_t kVectorWidth = 4;
#endif
typedef float FloatVector __attribute__((vector_size(kVectorWidth * sizeof(float))));
typedef std::int32_t IntVector __attribute__((vector_size(kVectorWidth * sizeof(std::int32_t))));
constexpr std::size_t kVectors = ChoiceLanes::kLanes / kVectorWidth;
static_assert(kVectors * kVectorWidth == ChoiceLanes::kLanes);

// vectors are copied in and out of arrays (no alignment assumed) and never passed by value:
// their calling convention differs between SSE and AVX builds
inline void load(FloatVector& v, const float* p) { std::memcpy(&v, p, sizeof v); }
inline void store(float* p, const FloatVector& v) { std::memcpy(p, &v, sizeof v); }

/// Running sums of a lane group's weights: P[s][l] = sum over slots k <= s of W[k][l] F[X[k][l]],
/// in slot order; total[l] = the last. Shared: every lane holds the same factor index (lane
/// 0's is read once per slot); otherwise the factors are gathered lane by lane.
template <bool Shared>
inline void lanePrefix(const float* W, const std::int32_t* X, const float* F, std::size_t slots, float* P,
                       float* total) {
  constexpr std::size_t L = ChoiceLanes::kLanes;
  FloatVector sum[kVectors] = {};
  for (std::size_t s = 0; s < slots; ++s) {
    for (std::size_t v = 0; v < kVectors; ++v) {
      FloatVector weight, factor;
      load(weight, W + s * L + v * kVectorWidth);
      if constexpr (Shared) {
        factor = FloatVector{} + F[X[s * L]];
      } else {
        for (std::size_t l = 0; l < kVectorWidth; ++l) factor[l] = F[X[s * L + v * kVectorWidth + l]];
      }
      sum[v] += weight * factor;
      store(P + s * L + v * kVectorWidth, sum[v]);
    }
  }
  for (std::size_t v = 0; v < kVectors; ++v) store(total + v * kVectorWidth, sum[v]);
}

/// Per lane: below = #{s : P[s] <= target}, positive = #{s : P[s] < total} (a true lane
/// comparison is -1).
inline void laneCounts(const float* P, std::size_t slots, const float* target, const float* total,
                       std::int32_t* below, std::int32_t* positive) {
  constexpr std::size_t L = ChoiceLanes::kLanes;
  for (std::size_t v = 0; v < kVectors; ++v) {
    FloatVector t, T;
    load(t, target + v * kVectorWidth);
    load(T, total + v * kVectorWidth);
    IntVector b = {}, p = {};
    for (std::size_t s = 0; s < slots; ++s) {
      FloatVector x;
      load(x, P + s * L + v * kVectorWidth);
      b -= x <= t;
      p -= x < T;
    }
    std::memcpy(below + v * kVectorWidth, &b, sizeof b);
    std::memcpy(positive + v * kVectorWidth, &p, sizeof p);
  }
}

/// Each outlet's service level as consumers value it: its own plus the service that spills over
/// to it from other outlets (World::spillover: showrooming, webrooming), per outlet index. Once
/// per computeFactors call, so that a member probing its service level (service effort) moves
/// the outlets its service spills over to as well (by its own customers' share: focus).
std::vector<double> outletService(const World& w) {
  std::vector<double> service(w.outlets.size());
  for (std::size_t o = 0; o < service.size(); ++o)
    service[o] = w.members.serviceLevel[static_cast<std::size_t>(w.outlets[o])];
  const ServiceSpillover& sp = w.spillover;
  if (sp.start.empty()) return service;
  std::vector<double> spilt(service.size(), 0.0);
  for (std::size_t o = 0; o < service.size(); ++o)
    for (std::uint32_t k = sp.start[o]; k < sp.start[o + 1]; ++k) {
      const auto from = static_cast<std::size_t>(sp.from[k]);
      if (!w.members.active[static_cast<std::size_t>(w.outlets[from])]) continue;
      if (sp.focus == static_cast<int>(from))  // the outlet probing its own service (ServiceSpillover::focus)
        spilt[o] += sp.weight[k] * sp.focusLevel + sp.carried[from] * (service[from] - sp.focusLevel);
      else spilt[o] += sp.weight[k] * service[from];
    }
  for (std::size_t o = 0; o < service.size(); ++o) service[o] += spilt[o];
  return service;
}

}  // namespace

void computeFactors(const World& world, std::span<const double> outletPrice, std::span<const std::uint8_t> available,
                    OutletFactors& out) {
  const auto& segments = world.spec->consumers.segments;
  const std::size_t n = world.outlets.size();
  out.outlets = static_cast<int>(n);
  out.factor.assign(segments.size() * n, 0.0);
  out.logFactor.assign(segments.size() * n, -std::numeric_limits<double>::infinity());
  out.offset.assign(segments.size(), 0.0);
  out.exact.assign(segments.size(), 0);
  // utilities are read by exact segments only: worlds without one skip segments x outlets doubles
  const bool anyExact =
      std::any_of(segments.begin(), segments.end(), [](const SegmentSpec& g) { return g.noise == 0; });
  out.utility.assign(anyExact ? segments.size() * n : 0, 0.0);
  std::vector<double> cost(n);
  const DemandCalendar& calendar = world.calendar;
  const std::vector<double> service = outletService(world);
  // each outlet's product appeal to the segment (brands[].products[].appeal): 0 unless a product has one
  const bool anyAppeal = std::any_of(world.products.begin(), world.products.end(), [](const Product& p) {
    return std::any_of(p.appeal.begin(), p.appeal.end(), [](double a) { return a != 0; });
  });
  auto appeal = [&](std::size_t s, std::size_t o) {
    return anyAppeal ? world.productOf(world.outlets[o]).appeal[s] : 0.0;
  };
  for (std::size_t s = 0; s < segments.size(); ++s) {
    const SegmentSpec& seg = segments[s];
    // today's price sensitivity (a calendar event may scale it)
    const double alpha = seg.priceSensitivity * (calendar.priceSensitivity.empty() ? 1.0 : calendar.priceSensitivity[s]);
    if (seg.noise == 0) {  // exact choice: utilities, and factors that only say "available"
      out.exact[s] = 1;
      for (std::size_t o = 0; o < n; ++o) {
        out.utility[s * n + o] = seg.serviceWeight * service[o] + appeal(s, o) - alpha * outletPrice[o];
        if (available[o]) out.factor[s * n + o] = 1, out.logFactor[s * n + o] = 0;
      }
      continue;
    }
    double lowest = std::numeric_limits<double>::infinity();
    for (std::size_t o = 0; o < n; ++o) {
      cost[o] = (alpha * outletPrice[o] - seg.serviceWeight * service[o] - appeal(s, o)) / seg.noise;
      if (!calendar.outlet.empty()) cost[o] -= std::log(calendar.outlet[s * n + o]);  // weight x calendar factor
      lowest = std::min(lowest, cost[o]);
    }
    out.offset[s] = std::isfinite(lowest) ? lowest : 0.0;
    for (std::size_t o = 0; o < n; ++o) {
      if (!available[o]) continue;
      out.logFactor[s * n + o] = out.offset[s] - cost[o];
      out.factor[s * n + o] = std::exp(out.logFactor[s * n + o]);
    }
  }
}

void restrictFactors(const OutletFactors& from, std::span<const std::uint8_t> available, OutletFactors& out) {
  out = from;
  const auto n = static_cast<std::size_t>(from.outlets);
  for (std::size_t s = 0; s < from.exact.size(); ++s)
    for (std::size_t o = 0; o < n; ++o)
      if (!available[o]) out.factor[s * n + o] = 0, out.logFactor[s * n + o] = -std::numeric_limits<double>::infinity();
}

double choiceWeights(const World& world, const OutletFactors& f, std::size_t i, std::span<double> weights) {
  const auto& c = world.consumers;
  const int s = c.segment[i];
  if (f.exact[static_cast<std::size_t>(s)]) {
    bool any = false;
    return exactShares(world, f, i, weights.data(), any);
  }
  const double* factor = f.factor.data() + static_cast<std::size_t>(s * f.outlets);
  const std::uint32_t begin = c.rowStart[i], len = c.rowStart[i + 1] - begin;
  double total = 0;
  for (std::uint32_t j = 0; j < len; ++j) {
    weights[j] = c.choiceWeight[begin + j] * factor[c.choiceOutlet[begin + j]];
    total += weights[j];
  }
  const double logOutside = c.logOutside[i] + f.offset[static_cast<std::size_t>(s)];
  const double outside = std::isinf(c.logOutside[i]) ? 0.0 : std::exp(logOutside);
  if (total > kUnderflowGuard || len == 0) return outside;
  // the options' weights are (nearly) underflowing, each factor scaled on its own: redo the
  // row in log space from the exact logs, relative to its largest term (outside included)
  const double* logFactor = f.logFactor.data() + static_cast<std::size_t>(s * f.outlets);
  double best = std::isinf(c.logOutside[i]) ? -std::numeric_limits<double>::infinity() : logOutside;
  for (std::uint32_t j = 0; j < len; ++j) {
    weights[j] = c.choiceLogWeight[begin + j] + logFactor[c.choiceOutlet[begin + j]];
    best = std::max(best, weights[j]);
  }
  if (std::isinf(best)) {  // nothing available and no outside option
    for (std::uint32_t j = 0; j < len; ++j) weights[j] = 0;
    return 0.0;
  }
  for (std::uint32_t j = 0; j < len; ++j) weights[j] = std::exp(weights[j] - best);
  return std::isinf(c.logOutside[i]) ? 0.0 : std::exp(logOutside - best);
}

void chooseOutlets(World& world, const OutletFactors& f, DemandRound& out) {
  const SegmentTable seg(world);
  const bool expected = world.spec->consumers.expected;
  const double weight = world.spec->consumers.weight;
  const std::vector<std::uint8_t> online = onlineFlags(world);
  const bool anyOnline = std::find(online.begin(), online.end(), 1) != online.end();
  const AgentKeys keys(*world.spec, world.tick, StreamPurpose::Shopping);
  const bool finite =
      std::all_of(f.factor.begin(), f.factor.end(), [](double x) { return std::isfinite(x) && x >= 0; }) &&
      staticWeightsFinite(world);
  auto& c = world.consumers;
  // sampled mode's lane kernel: kLanes consumers at a time in single precision (rows it
  // cannot draw exactly enough go through the double-precision path, consumer by consumer)
  constexpr std::size_t L = ChoiceLanes::kLanes;
  const std::size_t segments = world.spec->consumers.segments.size();
  const bool lanes =
      !expected && finite && c.lanes.outlets == static_cast<std::size_t>(f.outlets) && c.lanes.groups() * L >= c.size();
  const std::vector<float> laneFactor = lanes ? laneFactors(f, segments) : std::vector<float>();
  const std::vector<std::uint8_t> everyOutlet = lanes ? everyOutletAvailable(f, segments) : std::vector<std::uint8_t>();
  // per segment: exp(offset), which turns ChoiceLanes::outside into the outside option's weight
  std::vector<float> outsideScale(segments);
  for (std::size_t s = 0; s < segments; ++s) outsideScale[s] = static_cast<float>(std::exp(f.offset[s]));
  const std::size_t stride = c.lanes.outlets + 1;
  // one consumer who shops, by the double-precision path (rowWeights + drawOption)
  auto drawSingle = [&](std::size_t i, double u, BlockAccumulator& acc) {
    double* weights = acc.weights();
    const Row r = rowWeights(world, f, i, weights);
    if (r.any) ++acc.reached;
    ++acc.shoppers;
    c.pick[i] = drawOption(world, i, weights, r.outside, r.total, u);
    countPick(world, f, online.data(), i, c.segment[i], c.pick[i], acc);
  };
  // whether non-shopper i reaches an outlet: any non-empty row when every outlet sells
  auto reaches = [&](std::size_t i, BlockAccumulator& acc) {
    if (lanes && everyOutlet[c.segment[i]]) return c.rowStart[i + 1] > c.rowStart[i];
    return rowReaches(world, f, finite, i, acc.weights());
  };
  // Lane group g, consumers [first, last) of it. The weights w_j = W_j F_j (F_j: one factor per
  // slot when the group is shared, else one per lane), their running sums P_j and the total T
  // are single precision, summed in lane order; the option drawn is the first j with
  // P_j > u (outside + T) - outside (outside option first), counted without branches as
  // #{j : P_j <= target}, capped at the last positive weight #{j : P_j < T} so that rounding
  // never lands on padding or a zero weight.
  // `pantry` (std::true_type with household stock, World::pantry): stocked consumers skip today;
  // without it the kernel is compiled as before (no per-consumer test)
  const std::uint8_t* stocked = world.pantry.stocked.empty() ? nullptr : world.pantry.stocked.data();
  // `anyOnline` (std::false_type when no outlet sells online): without online outlets no pick
  // is cannibalised, and the kernel skips countPick's per-pick tests
  auto chooseLaneGroup = [&](std::size_t g, std::size_t first, std::size_t last, BlockAccumulator& acc, auto pantry,
                             auto anyOnline) {
    // plain pointers: the closure's references would be reloaded after every byte store
    const std::uint8_t* segment = c.segment.data();
    const double* shopProbability = seg.shopProbability.data();
    std::int32_t* pick = c.pick.data();
    float u[L] = {};
    bool shop[L] = {};
    std::uint8_t sg[L] = {};
    bool anyShopper = false;
    for (std::size_t i = first; i < last; ++i) {
      const ShopDraw d = shopDraw(keys(i));
      const std::size_t l = i - g * L;
      pick[i] = kNone;
      sg[l] = segment[i];
      shop[l] = d.shop < shopProbability[sg[l]];
      if constexpr (decltype(pantry)::value) shop[l] = shop[l] && !stocked[i];
      u[l] = d.choose;
      anyShopper = anyShopper || shop[l];
    }
    if (!anyShopper) {
      for (std::size_t i = first; i < last; ++i)
        if (reaches(i, acc)) ++acc.reached;
      return;
    }
    const std::size_t s0 = c.lanes.groupStart[g], slots = c.lanes.groupStart[g + 1] - s0;
    const float* W = c.lanes.weight.data() + s0 * L;
    const std::int32_t* X = c.lanes.factorIndex.data() + s0 * L;
    if (t_prefix.size() < c.lanes.longest * L) t_prefix.resize(c.lanes.longest * L);
    float* P = t_prefix.data();
    float total[L];
    if (c.lanes.shared[g]) lanePrefix<true>(W, X, laneFactor.data(), slots, P, total);
    else lanePrefix<false>(W, X, laneFactor.data(), slots, P, total);
    const std::uint8_t* exact = f.exact.data();
    const float* scale = outsideScale.data();
    const float* ownOutside = c.lanes.outside.data() + g * L;  // the group's consumers
    float target[L];
    std::int32_t below[L], positive[L];
    // the option drawn by a fast lane who buys (target >= 0)
    auto pickLane = [&](std::size_t l) {
      const auto k = static_cast<std::size_t>(std::min(below[l], positive[l]));
      const std::size_t i = g * L + l;
      pick[i] = static_cast<std::int32_t>(static_cast<std::size_t>(X[k * L + l]) - sg[l] * stride);
      if constexpr (decltype(anyOnline)::value) countPick(world, f, online.data(), i, sg[l], pick[i], acc);
      else acc.addPick(static_cast<std::size_t>(pick[i]));
    };
    // The common group: kLanes shoppers of one logit segment without an outside option, every
    // total past the guard. Their targets are u T (the general formula below with outside 0),
    // without a test per lane.
    // (a partial group, the world's last, may not read ownOutside past its consumers)
    bool plain = last - first == L && !exact[sg[0]];
    if (plain)
      for (std::size_t l = 0; l < L; ++l)
        plain = plain & shop[l] & (sg[l] == sg[0]) & (ownOutside[l] == 0) & (total[l] > kLaneGuard);
    if (plain) {
      for (std::size_t l = 0; l < L; ++l) target[l] = u[l] * total[l];
      laneCounts(P, slots, target, total, below, positive);
      acc.reached += L;
      acc.shoppers += L;
      for (std::size_t l = 0; l < L; ++l) pickLane(l);
      return;
    }
    bool fast[L] = {};
    for (std::size_t l = 0; l < L; ++l) {
      target[l] = -1.0f;
      const std::size_t i = g * L + l;
      if (i < first || i >= last || !shop[l] || exact[sg[l]] || !(total[l] > kLaneGuard)) continue;
      const float own = ownOutside[l];
      const float outside = own * scale[sg[l]];
      // a NaN marker, or an outside weight that underflows or overflows: the double path
      if (own != 0 && !(outside > 0 && outside <= std::numeric_limits<float>::max())) continue;
      fast[l] = true;
      target[l] = u[l] * (outside + total[l]) - outside;
    }
    laneCounts(P, slots, target, total, below, positive);
    for (std::size_t i = first; i < last; ++i) {
      const std::size_t l = i - g * L;
      if (!shop[l]) {
        if (total[l] > 0 || reaches(i, acc)) ++acc.reached;
        continue;
      }
      if (!fast[l]) {
        drawSingle(i, u[l], acc);
        continue;
      }
      ++acc.reached;
      ++acc.shoppers;
      if (target[l] >= 0) pickLane(l);  // else the outside option
    }
  };
  forEachBlock(world, out, [&](std::size_t begin, std::size_t end, BlockSums& sums, BlockAccumulator& acc) {
    if (expected) {
      double* weights = acc.weights();
      for (std::size_t i = begin; i < end; ++i) {
        const int s = c.segment[i];
        const Row r = rowWeights(world, f, i, weights);
        if (r.any) ++acc.reached;
        const double mass = weight * seg.shopProbability[static_cast<std::size_t>(s)];
        sums.shoppers += mass;
        if (r.any && std::isfinite(r.outside)) addRequests(world, f, online.data(), i, s, weights, r.total, mass, acc);
      }
      return;
    }
    if (lanes) {
      auto groups = [&](auto pantry, auto anyOnline) {
        for (std::size_t g = begin / L; g * L < end; ++g)
          chooseLaneGroup(g, std::max(begin, g * L), std::min(end, g * L + L), acc, pantry, anyOnline);
      };
      if (stocked) groups(std::true_type{}, std::true_type{});
      else if (anyOnline) groups(std::false_type{}, std::true_type{});
      else groups(std::false_type{}, std::false_type{});
      return;
    }
    // no lanes (a non-finite world, or one too large for 32-bit factor indices): the same
    // draws, each consumer in double precision
    for (std::size_t i = begin; i < end; ++i) {
      const ShopDraw d = shopDraw(keys(i));
      c.pick[i] = kNone;
      if (d.shop < seg.shopProbability[c.segment[i]] && !(stocked && stocked[i])) drawSingle(i, d.choose, acc);
      else if (reaches(i, acc)) ++acc.reached;
    }
  });
}


double consumersReached(const World& world, const OutletFactors& f) {
  const bool finite =
      std::all_of(f.factor.begin(), f.factor.end(), [](double x) { return std::isfinite(x) && x >= 0; }) &&
      staticWeightsFinite(world);
  DemandRound counts;
  forEachBlock(world, counts, [&](std::size_t begin, std::size_t end, BlockSums&, BlockAccumulator& acc) {
    for (std::size_t i = begin; i < end; ++i)
      if (rowReaches(world, f, finite, i, acc.weights())) ++acc.reached;
  });
  return counts.reached;
}

void substitute(World& world, const OutletFactors& first, const OutletFactors& second, std::span<const double> fill,
                DemandRound& out) {
  const SegmentTable seg(world);
  const bool expected = world.spec->consumers.expected;
  const double weight = world.spec->consumers.weight;
  const std::vector<std::uint8_t> online = onlineFlags(world);
  const AgentKeys keys(*world.spec, world.tick, StreamPurpose::Substitution);
  auto& c = world.consumers;
  forEachBlock(world, out, [&](std::size_t begin, std::size_t end, BlockSums&, BlockAccumulator& acc) {
    double* weights = acc.weights();
    for (std::size_t i = begin; i < end; ++i) {
      const int s = c.segment[i];
      if (!expected) {
        if (c.pick[i] != kUnfilled) continue;
        Stream rng(keys(i));
        const Row r = rowWeights(world, second, i, weights);
        c.pick[i] = drawOption(world, i, weights, r.outside, r.total, rng.uniform());
        countPick(world, second, online.data(), i, s, c.pick[i], acc);
        continue;
      }
      // expected mode: the unserved share of this consumer's first-round mass chooses again
      const std::uint32_t rowBegin = c.rowStart[i], len = c.rowStart[i + 1] - rowBegin;
      const Row r1 = rowWeights(world, first, i, weights);
      if (!(r1.total > 0) || std::isinf(r1.outside)) continue;
      double unserved = 0;
      for (std::uint32_t j = 0; j < len; ++j)
        unserved += weights[j] / r1.total * (1.0 - fill[static_cast<std::size_t>(c.choiceOutlet[rowBegin + j])]);
      if (unserved <= 0) continue;
      const double mass = weight * seg.shopProbability[static_cast<std::size_t>(s)] * unserved;
      const Row r2 = rowWeights(world, second, i, weights);
      if (r2.total > 0 && std::isfinite(r2.outside))
        addRequests(world, second, online.data(), i, s, weights, r2.total, mass, acc);
    }
  });
}

SourceOfVolume::SourceOfVolume(const World& world) : groups(static_cast<int>(world.spec->groups.size())) {
  units.assign(static_cast<std::size_t>(groups) * static_cast<std::size_t>(groups + 1), 0.0);
  cannibalizedBy.assign(world.outlets.size(), 0.0);
  for (int m : world.outlets) {
    const auto i = static_cast<std::size_t>(m);
    const MemberKind kind = world.members.kind[i];
    outletGroup.push_back(world.members.group[i]);
    outletBrand.push_back(world.members.brand[i]);
    outletOnline.push_back(isOnline(kind) ? 1 : 0);
    outletStore.push_back(!isOnline(kind) && world.members.authorised[i] ? 1 : 0);
  }
}

namespace {

/// Per consumer: the sums over its row that the source of volume needs, by member group and by
/// brand (a row spans a few groups and usually one brand: linear search is the fast way).
struct RowSums {
  struct Group {
    int group;
    double weight = 0, sold = 0;  // options' weights, units sold at them
  };
  struct Brand {
    int brand;
    double online = 0, stores = 0, soldOnline = 0;  // weights of its online outlets, its stores
  };
  std::vector<Group> groups;
  std::vector<Brand> brands;
  void clear() { groups.clear(), brands.clear(); }
  Group& group(int g) {
    for (Group& x : groups)
      if (x.group == g) return x;
    return groups.emplace_back(Group{g});
  }
  Brand& brand(int b) {
    for (Brand& x : brands)
      if (x.brand == b) return x;
    return brands.emplace_back(Brand{b});
  }
};

/// SourceOfVolume::rowGroup of every consumer.
std::vector<std::int32_t> singleGroupRows(const World& world, const SourceOfVolume& out) {
  const auto& c = world.consumers;
  std::vector<std::int32_t> rowGroup(c.size(), -1);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, c.size()), [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t i = r.begin(); i != r.end(); ++i) {
      const std::uint32_t begin = c.rowStart[i], end = c.rowStart[i + 1];
      if (begin == end) continue;
      const int group = out.outletGroup[static_cast<std::size_t>(c.choiceOutlet[begin])];
      bool one = true;
      for (std::uint32_t j = begin; j < end && one; ++j) {
        const auto o = static_cast<std::size_t>(c.choiceOutlet[j]);
        one = out.outletGroup[o] == group && !out.outletOnline[o];
      }
      if (one) rowGroup[i] = group;
    }
  });
  return rowGroup;
}

/// SourceOfVolume::blockGroup of every block of `bs` consumers.
std::vector<std::int32_t> singleGroupBlocks(const World& world, const SourceOfVolume& out, std::size_t bs) {
  const auto& c = world.consumers;
  const auto& segments = world.spec->consumers.segments;
  std::vector<std::int32_t> blockGroup((c.size() + bs - 1) / bs, -1);
  for (std::size_t b = 0; b < blockGroup.size(); ++b) {
    const std::size_t begin = b * bs, end = std::min(c.size(), begin + bs);
    const std::int32_t group = out.rowGroup[begin];
    bool one = group >= 0;
    for (std::size_t i = begin; i < end && one; ++i)
      one = out.rowGroup[i] == group && std::isinf(c.logOutside[i]) && segments[c.segment[i]].noise != 0;
    if (one) blockGroup[b] = group;
  }
  return blockGroup;
}

}  // namespace

void addSourceOfVolume(const World& world, const OutletFactors& first, std::span<const double> fill1,
                       const OutletFactors* second, std::span<const double> fill2,
                       std::span<const std::uint8_t> secondChoice, SourceOfVolume& out) {
  const SegmentTable seg(world);
  const bool expected = world.spec->consumers.expected;
  const double weight = world.spec->consumers.weight;
  const auto& c = world.consumers;
  const std::size_t columns = static_cast<std::size_t>(out.groups) + 1, none = columns - 1;
  const auto bs = static_cast<std::size_t>(world.spec->blockSize);
  // per block: the (seller group, source) cells it added to, the (online outlet, cannibalised
  // units) it added to, and its cannibalised units, summed in consumer order
  struct Block {
    std::vector<std::pair<std::uint32_t, double>> cells, byOutlet;
    double cannibalized = 0;
  };
  std::vector<Block> blocks(blockCount(world));
  if (out.rowGroup.size() != c.size()) {
    out.rowGroup = singleGroupRows(world, out);
    out.blockGroup = singleGroupBlocks(world, out, bs);
  }
  const bool exactWhole = exactMultiples(weight, bs);
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, blocks.size(), 1),
      [&](const tbb::blocked_range<std::size_t>& range) {
        thread_local std::vector<double> cell, weights, sold, without, taken;
        thread_local std::vector<std::uint8_t> touched, touchedOutlet;
        thread_local std::vector<std::uint32_t> list, outletList, whole;
        thread_local RowSums sums;
        cell.assign(out.units.size(), 0.0), touched.assign(out.units.size(), 0), list.clear();
        whole.assign(out.units.size(), 0);
        // outlet-sized: zeroed when sized, and each block clears the outlets it touched (below),
        // instead of 9 bytes per outlet per block (22 GB a tick at 1M outlets, 10M consumers)
        if (taken.size() != out.cannibalizedBy.size())
          taken.assign(out.cannibalizedBy.size(), 0.0), touchedOutlet.assign(taken.size(), 0);
        outletList.clear();
        weights.resize(c.longestRow), sold.resize(c.longestRow), without.resize(c.longestRow);
        double cannibalized = 0;
        // A cell's terms are added in consumer order. Sampled sales attributed whole (addWhole:
        // `weight` units) are counted while they are the cell's only terms (touched = 1) and
        // summed when another term arrives (touched = 2) or the block ends: n equal terms from
        // 0 have one sum whatever their order (wholeUnits), and the count keeps a chain of
        // dependent additions through memory out of the per-consumer loop.
        auto wholeUnits = [&](std::uint32_t n) {
          if (exactWhole) return static_cast<double>(n) * weight;
          double sum = 0;
          for (std::uint32_t k = 0; k < n; ++k) sum += weight;
          return sum;
        };
        auto add = [&](std::size_t at, double units) {
          if (!touched[at]) list.push_back(static_cast<std::uint32_t>(at));
          if (touched[at] != 2) cell[at] = wholeUnits(whole[at]), whole[at] = 0, touched[at] = 2;
          cell[at] += units;
        };
        auto addWhole = [&](std::size_t at) {
          if (!touched[at]) touched[at] = 1, list.push_back(static_cast<std::uint32_t>(at));
          if (touched[at] == 2) cell[at] += weight;
          else ++whole[at];
        };
        auto cannibalize = [&](std::size_t outlet, double units) {
          if (!touchedOutlet[outlet]) touchedOutlet[outlet] = 1, outletList.push_back(static_cast<std::uint32_t>(outlet));
          taken[outlet] += units;
        };
        auto outletOf = [&](std::size_t i, std::uint32_t k) {
          return static_cast<std::size_t>(c.choiceOutlet[c.rowStart[i] + k]);
        };
        // Logit (IIA): units sold by group G would have gone to option k with P_k / (1 - P_G),
        // i.e. in proportion to the weights left without G, outside option included; so the
        // sales of a group split by the other groups' weight sums, whatever outlet made them.
        auto attributeLogit = [&](std::size_t i, const Row& r) {
          const std::uint32_t len = c.rowStart[i + 1] - c.rowStart[i];
          sums.clear();
          for (std::uint32_t k = 0; k < len; ++k) {
            const std::size_t o = outletOf(i, k);
            RowSums::Group& g = sums.group(out.outletGroup[o]);
            g.weight += weights[k], g.sold += sold[k];
            if (!out.outletOnline[o] && !out.outletStore[o]) continue;
            RowSums::Brand& b = sums.brand(out.outletBrand[o]);
            if (out.outletOnline[o]) b.online += weights[k], b.soldOnline += sold[k];
            else b.stores += weights[k];
          }
          for (const RowSums::Group& seller : sums.groups) {
            if (!(seller.sold > 0)) continue;
            const std::size_t row = static_cast<std::size_t>(seller.group) * columns;
            const double rest = r.total - seller.weight;
            if (!(rest > 0)) {  // no other option at all
              add(row + none, seller.sold);
              continue;
            }
            for (const RowSums::Group& source : sums.groups)
              if (source.group != seller.group && source.weight > 0)
                add(row + static_cast<std::size_t>(source.group), seller.sold * source.weight / rest);
            if (r.outside > 0) add(row + none, seller.sold * r.outside / rest);
          }
          // each online outlet's sales: the brand's stores' share of the options left without
          // the brand's online outlets
          for (const RowSums::Brand& b : sums.brands) {
            const double rest = r.total - b.online;
            if (!(b.soldOnline > 0) || !(rest > 0)) continue;
            cannibalized += b.soldOnline * b.stores / rest;
            for (std::uint32_t k = 0; k < len; ++k) {
              const std::size_t o = outletOf(i, k);
              if (sold[k] > 0 && out.outletOnline[o] && out.outletBrand[o] == b.brand) cannibalize(o, sold[k] * b.stores / rest);
            }
          }
        };
        // Exact choice (validation models): the cell's shares recomputed without the removed
        // outlets, sale by sale
        auto attributeExact = [&](std::size_t i, const OutletFactors& f) {
          const std::uint32_t len = c.rowStart[i + 1] - c.rowStart[i];
          auto sharesWithout = [&](const std::function<bool(std::int32_t)>& gone) {
            bool any = false;
            double total = exactShares(world, f, i, without.data(), any, &gone);
            const double outside = total;
            for (std::uint32_t k = 0; k < len; ++k) total += without[k];
            return std::pair{outside, total};
          };
          for (std::uint32_t j = 0; j < len; ++j) {
            if (!(sold[j] > 0)) continue;
            const std::size_t o = outletOf(i, j);
            const int group = out.outletGroup[o], brand = out.outletBrand[o];
            const std::size_t row = static_cast<std::size_t>(group) * columns;
            auto [outside, total] = sharesWithout([&](std::int32_t k) { return out.outletGroup[static_cast<std::size_t>(k)] == group; });
            if (!(total > 0)) {
              add(row + none, sold[j]);
            } else {
              for (std::uint32_t k = 0; k < len; ++k)
                if (without[k] > 0) add(row + static_cast<std::size_t>(out.outletGroup[outletOf(i, k)]), sold[j] * without[k] / total);
              if (outside > 0) add(row + none, sold[j] * outside / total);
            }
            if (!out.outletOnline[o]) continue;
            std::tie(outside, total) = sharesWithout([&](std::int32_t k) {
              const auto ok = static_cast<std::size_t>(k);
              return out.outletOnline[ok] && out.outletBrand[ok] == brand;
            });
            double stores = 0;
            for (std::uint32_t k = 0; k < len; ++k) {
              const std::size_t ok = outletOf(i, k);
              if (out.outletStore[ok] && out.outletBrand[ok] == brand) stores += without[k];
            }
            if (total > 0) cannibalized += sold[j] * stores / total, cannibalize(o, sold[j] * stores / total);
          }
        };
        auto attribute = [&](std::size_t i, const OutletFactors& f, const Row& r) {
          if (f.exact[c.segment[i]]) attributeExact(i, f);
          else attributeLogit(i, r);
        };
        for (std::size_t b = range.begin(); b != range.end(); ++b) {
          const std::size_t end = std::min(c.size(), (b + 1) * bs);
          cannibalized = 0;
          // a block of one group's rows without outside options: its sales, counted (the
          // loop below would addWhole each of them to the same cell)
          const std::int32_t blockGroup = expected || !(weight > 0) ? -1 : out.blockGroup[b];
          if (blockGroup >= 0) {
            const std::int32_t* pick = c.pick.data();
            std::uint32_t sales = 0;
            for (std::size_t i = b * bs; i < end; ++i) sales += pick[i] >= 0 ? 1 : 0;
            if (sales > 0) {
              const std::size_t at = static_cast<std::size_t>(blockGroup) * columns + none;
              touched[at] = 1, whole[at] = sales, list.push_back(static_cast<std::uint32_t>(at));
            }
          }
          for (std::size_t i = blockGroup >= 0 ? end : b * bs; i < end; ++i) {
            const std::uint32_t begin = c.rowStart[i], len = c.rowStart[i + 1] - begin;
            if (!expected) {
              if (c.pick[i] < 0) continue;
              const OutletFactors& f = second && !secondChoice.empty() && secondChoice[i] ? *second : first;
              if (out.rowGroup[i] >= 0 && !f.exact[c.segment[i]] && weight > 0) {
                // attributeLogit's one term for a row of one group and no online outlet: the
                // sale goes to walking away, in proportion outside / (total - the group's sum).
                // Without an outside option that is total - total = 0 (the same sums): all of it.
                const std::size_t row = static_cast<std::size_t>(out.rowGroup[i]) * columns;
                if (std::isinf(c.logOutside[i])) {
                  addWhole(row + none);
                  continue;
                }
                const Row r = rowWeights(world, f, i, weights.data());
                double group = 0;
                for (std::uint32_t j = 0; j < len; ++j) group += weights[j];
                const double rest = r.total - group;
                if (!(rest > 0)) addWhole(row + none);
                else if (r.outside > 0) add(row + none, weight * r.outside / rest);
                continue;
              }
              const Row r = rowWeights(world, f, i, weights.data());
              for (std::uint32_t j = 0; j < len; ++j) sold[j] = c.choiceOutlet[begin + j] == c.pick[i] ? weight : 0.0;
              attribute(i, f, r);
              continue;
            }
            // expected mode: the round's mass x choice share x the outlet's fill
            const double mass = weight * seg.shopProbability[c.segment[i]];
            const Row r1 = rowWeights(world, first, i, weights.data());
            if (!r1.any || !(r1.total > 0) || std::isinf(r1.outside)) continue;
            double unserved = 0;
            for (std::uint32_t j = 0; j < len; ++j) {
              const double fill = fill1[static_cast<std::size_t>(c.choiceOutlet[begin + j])];
              unserved += weights[j] / r1.total * (1.0 - fill);
              sold[j] = mass * weights[j] / r1.total * fill;
            }
            attribute(i, first, r1);
            if (!second || !(unserved > 0)) continue;
            const Row r2 = rowWeights(world, *second, i, weights.data());
            if (!(r2.total > 0) || std::isinf(r2.outside)) continue;
            for (std::uint32_t j = 0; j < len; ++j)
              sold[j] = mass * unserved * weights[j] / r2.total * fill2[static_cast<std::size_t>(c.choiceOutlet[begin + j])];
            attribute(i, *second, r2);
          }
          for (std::uint32_t at : list) {
            blocks[b].cells.emplace_back(at, touched[at] == 2 ? cell[at] : wholeUnits(whole[at]));
            cell[at] = 0, touched[at] = 0, whole[at] = 0;
          }
          list.clear();
          for (std::uint32_t o : outletList) blocks[b].byOutlet.emplace_back(o, taken[o]), taken[o] = 0, touchedOutlet[o] = 0;
          outletList.clear();
          blocks[b].cannibalized = cannibalized;
        }
      },
      tbb::simple_partitioner());
  for (const Block& block : blocks) {
    for (const auto& [at, units] : block.cells) out.units[at] += units;
    for (const auto& [outlet, units] : block.byOutlet) out.cannibalizedBy[outlet] += units;
    out.cannibalized += block.cannibalized;
  }
}

double expectedSales(const World& world, std::span<const int> targets, std::span<const double> outletPrice) {
  const std::vector<std::uint8_t> all(world.outlets.size(), 1);
  OutletFactors f;
  computeFactors(world, outletPrice, all, f);
  std::vector<std::uint8_t> isTarget(world.outlets.size(), 0);
  for (int o : targets) isTarget[static_cast<std::size_t>(o)] = 1;
  const SegmentTable seg(world);
  const auto& c = world.consumers;
  std::vector<double> weights(c.longestRow);
  double units = 0;
  auto visit = [&](std::size_t i) {
    const Row r = rowWeights(world, f, i, weights.data());
    if (std::isinf(r.outside)) return;
    const std::uint32_t begin = c.rowStart[i], len = c.rowStart[i + 1] - begin;
    double mine = 0;
    for (std::uint32_t j = 0; j < len; ++j)
      if (isTarget[static_cast<std::size_t>(c.choiceOutlet[begin + j])]) mine += weights[j];
    if (r.total > 0) units += seg.shopProbability[c.segment[i]] * mine / r.total;
  };
  // a single outlet: only the consumers who can reach it; otherwise everyone
  if (targets.size() == 1) {
    for (int i : world.outletConsumers[static_cast<std::size_t>(targets[0])]) visit(static_cast<std::size_t>(i));
  } else {
    for (std::size_t i = 0; i < c.size(); ++i) visit(i);
  }
  return units * world.spec->consumers.weight;
}

std::vector<double> expectedSalesByOutlet(const World& world, std::span<const double> outletPrice) {
  const std::vector<std::uint8_t> all(world.outlets.size(), 1);
  OutletFactors f;
  computeFactors(world, outletPrice, all, f);
  std::vector<double> units = salesByOutlet(world, f, SegmentTable(world));
  for (double& u : units) u *= world.spec->consumers.weight;
  return units;
}

UniformPriceDemand::UniformPriceDemand(const World& world, std::span<const double> slope,
                                       std::span<const double> intercept)
    : m_world(world) {
  const auto& segments = world.spec->consumers.segments;
  const std::size_t n = world.outlets.size();
  if (std::any_of(segments.begin(), segments.end(), [](const SegmentSpec& g) { return g.noise == 0; })) return;
  // computeFactors without the price term: cost_so = (a_s p - service - appeal) / noise - log calendar
  // = a_s p + c_so, offset_s = a_s p + min_o c_so, factor_so = exp(min_o c_so - c_so)
  const OutletFactors atZero = [&] {
    OutletFactors f;
    const std::vector<double> zero(n, 0.0);
    computeFactors(world, zero, std::vector<std::uint8_t>(n, 1), f);
    return f;
  }();
  const SegmentTable seg(world);
  const DemandCalendar& calendar = world.calendar;
  m_option.resize(segments.size() * n * 3);
  for (std::size_t s = 0; s < segments.size(); ++s) {
    const double alpha = segments[s].priceSensitivity * (calendar.priceSensitivity.empty() ? 1.0 : calendar.priceSensitivity[s]);
    m_a.push_back(alpha / segments[s].noise);
    m_logOffset.push_back(atZero.offset[s]);
    m_shop.push_back(seg.shopProbability[s]);
    for (std::size_t o = 0; o < n; ++o) {
      const double f = atZero.factor[s * n + o];
      if (!std::isfinite(f)) return;
      double* t = m_option.data() + (s * n + o) * 3;
      t[0] = f, t[1] = f * slope[o], t[2] = f * intercept[o];
    }
  }
  // A table too large for the caches (a national network's is tens of MB) is read at random by
  // every price pass: each consumer's row is then summed once here and the passes read the sums
  // in order (24 bytes a consumer, for the summary's lifetime). Either way the same sums.
  const auto& c = world.consumers;
  if (m_option.size() * sizeof(double) > kRowSumsAbove) {
    std::vector<double> row(c.size() * 3);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, c.size()), [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t i = r.begin(); i != r.end(); ++i) {
        const RowSums sums = rowSums(i);
        std::copy(sums.begin(), sums.end(), row.begin() + static_cast<std::ptrdiff_t>(i * 3));
      }
    });
    m_row = std::move(row);
    m_option = {};  // rowSums reads m_row from now on
  }
  // a choice set whose weights all underflow takes rowWeights' log-space path: not this one
  m_applies = tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(0, c.size()), true,
      [&](const tbb::blocked_range<std::size_t>& r, bool ok) {
        for (std::size_t i = r.begin(); i != r.end() && ok; ++i) {
          const double sum = rowSums(i)[0];
          ok = std::isfinite(sum) && (c.rowStart[i] == c.rowStart[i + 1] || sum > kUnderflowGuard);
        }
        return ok;
      },
      [](bool a, bool b) { return a && b; });
}

UniformPriceDemand::RowSums UniformPriceDemand::rowSums(std::size_t i) const {
  if (!m_row.empty()) return {m_row[i * 3], m_row[i * 3 + 1], m_row[i * 3 + 2]};
  const auto& c = m_world.consumers;
  const double* option = m_option.data() + static_cast<std::size_t>(c.segment[i]) * m_world.outlets.size() * 3;
  RowSums sums = {0, 0, 0};
  for (std::uint32_t j = c.rowStart[i]; j < c.rowStart[i + 1]; ++j) {
    const double* t = option + static_cast<std::size_t>(c.choiceOutlet[j]) * 3;
    const double w = c.choiceWeight[j];
    sums[0] += w * t[0], sums[1] += w * t[1], sums[2] += w * t[2];
  }
  return sums;
}

UniformPriceDemand::Totals UniformPriceDemand::at(double price) const { return at(std::span(&price, 1)).front(); }

std::vector<UniformPriceDemand::Totals> UniformPriceDemand::at(std::span<const double> prices) const {
  const auto& c = m_world.consumers;
  const std::size_t np = prices.size();
  const auto bs = static_cast<std::size_t>(m_world.spec->blockSize);
  const std::size_t chunks = (c.size() + bs - 1) / bs;
  std::vector<Totals> part(chunks * np);  // [chunk * np + price]
  // simple_partitioner + grain 1: one task per fixed chunk, whatever the thread count
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, chunks, 1),
      [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t k = r.begin(); k != r.end(); ++k) {
          Totals* sum = part.data() + k * np;
          for (std::size_t i = k * bs; i < std::min(c.size(), (k + 1) * bs); ++i) {
            if (c.rowStart[i] == c.rowStart[i + 1]) continue;
            const auto s = static_cast<std::size_t>(c.segment[i]);
            const auto [weight, slope, intercept] = rowSums(i);
            for (std::size_t q = 0; q < np; ++q) {
              const double price = prices[q];
              const double outside =
                  std::isinf(c.logOutside[i]) ? 0.0 : std::exp(c.logOutside[i] + m_logOffset[s] + m_a[s] * price);
              if (std::isinf(outside)) continue;  // the outside option takes everyone
              const double share = m_shop[s] / (outside + weight);
              sum[q].units += share * weight;
              sum[q].revenue += share * (price * slope - intercept);
            }
          }
        }
      },
      tbb::simple_partitioner());
  const double weight = m_world.spec->consumers.weight;
  std::vector<Totals> total(np);
  for (std::size_t q = 0; q < np; ++q) {
    Totals t;
    for (std::size_t k = 0; k < chunks; ++k) t.units += part[k * np + q].units, t.revenue += part[k * np + q].revenue;  // chunk order
    total[q] = {t.units * weight, t.revenue * weight};
  }
  return total;
}

void addBaskets(World& world, const OutletFactors& f, std::span<const std::uint8_t> only, DemandRound& round) {
  // Household stock (mechanisms/household_stock.cpp): the round counted each pick as `weight`
  // units (one per real buyer); a basket of q units per buyer adds (q - 1) x weight more, to the
  // cannibalised requests too when the pick counted there (countPick). Serial, in consumer order.
  auto& c = world.consumers;
  auto& pantry = world.pantry;
  const double weight = world.spec->consumers.weight;
  const std::vector<std::uint8_t> online = onlineFlags(world);
  const auto n = static_cast<std::size_t>(f.outlets);
  pantry.basket.resize(c.size(), 0.0);
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (!only.empty() && !only[i]) continue;
    const std::int32_t pick = c.pick[i];
    if (pick < 0) {
      pantry.basket[i] = 0;
      continue;
    }
    const auto o = static_cast<std::size_t>(pick);
    const double units = pantry.units[c.segment[i] * n + o];
    pantry.basket[i] = units;
    if (units <= 1) continue;
    const double extra = (units - 1) * weight;
    round.demand[o] += extra;
    if (online[o] && nearestStoreAvailable(world, f, online.data(), i, c.segment[i])) round.cannibalized[o] += extra;
  }
}

}  // namespace chan::models
