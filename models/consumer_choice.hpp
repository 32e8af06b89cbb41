#pragma once
// Consumer choice: multinomial logit over each consumer's choice set and a no-purchase option.
//
// Utility of outlet o for consumer i in segment s (McFadden 1974; Anderson, de Palma & Thisse 1992):
//   U_io = v_i * theta_o + pref_s * online_o - tau_s * dist_io - delta_s * days_o   (static)
//          - alpha_s * p_o + w_s * service_o                                        (per tick)
//   P_io = exp(U_io / mu_s) / (exp(0 / mu_s) [if outside option] + sum_j exp(U_ij / mu_s))
// The static part is exponentiated once at set-up (World::Consumers::choiceWeight, scaled by the
// row maximum) and the per-tick part once per (segment, outlet) per tick (OutletFactors), so a
// decision costs one multiply per option: no exp, no allocation, no virtual call.
//
// Exact choice (a segment with noise 0): each consumer takes the option of highest utility,
// the outside option included, ties shared. A consumer of a uniform_quantiles segment stands
// for the valuations of its quantile cell; utilities are linear in v, so its "weights" are the
// exact shares of the cell where each option is best, and the population's demand is that of
// the continuous distribution, kinks included (the valuation models of the validation cases).
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "sim/core/world.hpp"

namespace chan::models {

/// Consumers::pick of a consumer whose request fulfilment rationed away (its outlet ran out): it
/// may choose again among outlets with stock (substitute); -1 is no purchase.
inline constexpr std::int32_t kUnfilled = -2;

/// Per-tick, per-(segment, outlet) part of the choice weights.
struct OutletFactors {
  int outlets = 0;
  std::vector<double> factor;  // [segment * outlets + o] = exp(-(alpha p - w svc)/mu + offset_s), 0 if unavailable
  std::vector<double> offset;  // per segment: min over outlets of (alpha p - w svc)/mu, so factors <= 1
  std::vector<double> logFactor;  // log of factor, exact where the exp underflows (-inf if unavailable)
  std::vector<std::uint8_t> exact;  // per segment: 1 for exact choice (noise 0); factor is then 1 or 0
  std::vector<double> utility;      // exact segments, [segment * outlets + o]: w svc - alpha p (empty without one)
};

/// Fills factors from outlet prices (indexed by outlet) and availability (1 = can sell).
void computeFactors(const World& world, std::span<const double> outletPrice,
                    std::span<const std::uint8_t> available, OutletFactors& out);

/// The factors computeFactors would fill with availability `available`, a subset of the outlets
/// `from` was computed with, at the same prices and service: `from`'s with the others made
/// unavailable (an outlet's factor does not depend on the others' availability, since the
/// offset spans every outlet). A copy instead of an exp() per segment and outlet.
void restrictFactors(const OutletFactors& from, std::span<const std::uint8_t> available, OutletFactors& out);

/// Choice weights of consumer i's options into `weights` (row order); returns the outside
/// option's weight. Handles rows whose weights underflow by recomputing in log space. For an
/// exact-choice consumer the weights are the shares of its valuation cell (they add up to 1
/// with the outside option's).
double choiceWeights(const World& world, const OutletFactors& f, std::size_t i, std::span<double> weights);

/// What the consumer phase reports for one round of choices.
struct DemandRound {
  std::vector<double> demand;        // units requested per outlet
  std::vector<double> cannibalized;  // of which: online requests by consumers whose nearest store had stock
  double shoppers = 0;               // units of shopping intent (sum of masses of those shopping)
  double reached = 0;                // consumers with an available outlet in their choice set
};

/// First round: every consumer decides whether to shop and where (sampled or expected).
/// Runs over fixed-size blocks in parallel; block sums merged in block order.
void chooseOutlets(World& world, const OutletFactors& f, DemandRound& out);

/// Household stock (World::pantry, sampled mode): sets World::pantry.basket of each consumer (of
/// those with only[i] = 1; `only` empty: every consumer) to the units per real buyer it asks for
/// at the outlet it picked in `round` (0: none), by the segment's units per purchase there
/// today, and adds the units beyond one per buyer to the round's demand and, where the pick
/// counted as cannibalised (factors `f`), to its cannibalised requests. Serial.
void addBaskets(World& world, const OutletFactors& f, std::span<const std::uint8_t> only, DemandRound& round);

/// Consumers with an available outlet (f) in their choice set, as chooseOutlets counts them.
double consumersReached(const World& world, const OutletFactors& f);

/// Second round after stock-outs: consumers whose request was not filled choose again among
/// outlets that still have stock. fill[o] is the fraction of first-round demand served.
void substitute(World& world, const OutletFactors& first, const OutletFactors& second,
                std::span<const double> fill, DemandRound& out);

/// Where sales would have gone without the outlets that made them: the source of volume.
/// units[seller * (groups + 1) + source]: units sold by member group `seller` that consumers
/// would otherwise have bought from group `source`, or not at all (source = groups), had the
/// seller's whole group been absent. `cannibalized`: units sold online that consumers would
/// otherwise have bought at the same brand's authorised physical stores, had the brand's
/// online outlets all been absent (conflict.cannibalization).
struct SourceOfVolume {
  explicit SourceOfVolume(const World& world);
  int groups = 0;
  std::vector<double> units;
  double cannibalized = 0;
  /// Per outlet index: of its sales, the units consumers would otherwise have bought at the
  /// brand's authorised stores (online outlets only; they sum to `cannibalized`).
  std::vector<double> cannibalizedBy;
  // per outlet index: member group, brand, sells online, is an authorised physical store
  std::vector<int> outletGroup, outletBrand;
  std::vector<std::uint8_t> outletOnline, outletStore;
  /// Per consumer: the member group of every option of its choice set when they all belong to
  /// one group and none sells online, else -1. Built by addSourceOfVolume on its first call
  /// (choice sets are fixed at set-up): such a consumer's sale has no other group to come from
  /// and no online cannibalisation, so sampled mode attributes it without the group sums.
  std::vector<std::int32_t> rowGroup;
  /// Per block of block_size consumers: the member group when every consumer of the block has
  /// a row of that one group (rowGroup), no outside option and a logit segment, else -1. Built
  /// with rowGroup. Each sampled sale of such a block goes wholly to walking away (no other
  /// group, no outside option: the sale had nowhere else to go), so the block's attribution is
  /// its count of sales, without reading rows or weights.
  std::vector<std::int32_t> blockGroup;
  double at(int seller, int source) const {
    return units[static_cast<std::size_t>(seller) * static_cast<std::size_t>(groups + 1) + static_cast<std::size_t>(source)];
  }
};

/// Adds one tick's sales to `out`, Rao-Blackwellised: each sale adds the expected split of its
/// consumer's other options under the factors it chose by, not a draw. Multinomial logit (IIA):
/// removing the options S sends P_k / (1 - P_S) to each other option k and P_0 / (1 - P_S) to
/// walking away (Train 2009, ch. 3.3; README "Source of volume"); exact choice moves the
/// removed options' buyers to their next-best option. Sampled mode: the consumers whose
/// pick >= 0 were served; `secondChoice[i]` = 1 for those who chose in the substitution round
/// (factors `second`). Expected mode: round r's units at outlet o are mass x share x fill_r[o]
/// (fill = served / requested), as the engine serves them. `second` is null when no
/// substitution round ran. Parallel over fixed consumer blocks, merged in block order.
void addSourceOfVolume(const World& world, const OutletFactors& first, std::span<const double> fill1,
                       const OutletFactors* second, std::span<const double> fill2,
                       std::span<const std::uint8_t> secondChoice, SourceOfVolume& out);

/// Expected units per tick sold at `targets` (outlet indices) if outlets were priced at
/// `outletPrice` and all had stock: the demand a pricing behaviour probes.
double expectedSales(const World& world, std::span<const int> targets, std::span<const double> outletPrice);

/// expectedSales(world, {o}, outletPrice) for every outlet o, from one pass over the consumers
/// (units per tick, indexed by outlet). The pass runs over 8 fixed chunks of whole blocks of
/// block_size consumers in parallel, summed in consumer order within a chunk and merged in
/// chunk order: the same terms as the one-outlet calls (when no choice set lists an outlet
/// twice, as world_builder never does), added in another grouping, so they agree to rounding
/// (~1e-15 relative); the result is identical at any thread count.
std::vector<double> expectedSalesByOutlet(const World& world, std::span<const double> outletPrice);

/// Expected demand when every outlet charges one price p (the integrated channel's optimum,
/// Engine::summary), in closed form in p. computeFactors' offset moves with p exactly as each
/// outlet's cost does, so an option's weight W_ij (static weight x factor) does not depend on
/// p; only the outside option's does: E_i e^(a_s p), a_s = price sensitivity / noise. With each
/// outlet's unit revenue r_o(p) = p slope_o - intercept_o, consumer i adds
///   shop_s (p A_i - B_i) / (E_i e^(a_s p) + W_i),  A_i = sum_j W_ij slope_j,  B_i = sum_j W_ij intercept_j,
/// to the revenue, so a trial price is one pass over the consumers with no per-outlet sums
/// (expectedSalesByOutlet's random writes were 87% of the national summary). Sums run over
/// fixed chunks of block_size consumers in consumer order, merged in chunk order: the same at
/// any thread count. Agrees with expectedSalesByOutlet to rounding (tests/engine).
class UniformPriceDemand {
 public:
  /// slope and intercept per outlet index (unit revenue at price p: p slope - intercept).
  UniformPriceDemand(const World& world, std::span<const double> slope, std::span<const double> intercept);
  /// false with an exact-choice segment (noise 0) or a choice set whose weights underflow
  /// (rowWeights' log-space path): then use expectedSalesByOutlet.
  bool applies() const { return m_applies; }
  struct Totals {
    double units = 0;    // expected units a tick, all outlets
    double revenue = 0;  // sum over outlets of units x unit revenue
  };
  Totals at(double price) const;
  /// at(p) for every p in `prices`, from one pass over the consumers (each row's sums are
  /// independent of the price): the same terms in the same order, so the same totals.
  std::vector<Totals> at(std::span<const double> prices) const;

 private:
  const World& m_world;
  bool m_applies = false;
  std::vector<double> m_a, m_logOffset, m_shop;  // per segment: a_s, min over outlets of the price-free cost, shop probability
  /// [(segment x outlets + o) x 3]: factor, factor x slope, factor x intercept; released once m_row is built
  std::vector<double> m_option;
  /// [consumer x 3]: rowSums of every consumer, kept when m_option exceeds kRowSumsAbove bytes
  std::vector<double> m_row;
  static constexpr std::size_t kRowSumsAbove = std::size_t{8} << 20;
  /// Consumer i's sums over its options of static weight x (factor, factor x slope, factor x
  /// intercept), in row order: price-free
  using RowSums = std::array<double, 3>;
  RowSums rowSums(std::size_t i) const;
};

}  // namespace chan::models
