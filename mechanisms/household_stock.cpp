// Household stock and pull-forward (issue 13): consumers who buy on a deal (an outlet's price cut
// below its regular price, e.g. a promotion) or on a calendar event day buy more than one unit
// and keep the extra units in a household stock that drains at a consumption rate; while that
// stock covers a day's needs the consumer skips the day's purchase occasion. A promotion then
// shows the post-promotion dip of real sales data: part of its lift is demand pulled forward
// from the weeks after it (Van Heerde, Leeflang & Wittink 2000, J. Marketing Research 37(3);
// Blattberg, Eppen & Lieberman 1981, J. Marketing 45(1), consumer stockpiling; Ailawadi &
// Neslin 1998, J. Marketing Research 35(3), stockpiled goods used faster).
//
// The model, per consumer agent (each stands for consumers.weight real buyers; units below are
// per real buyer):
//  - regular price of outlet o today: the highest of its prices on the `reference_days` days
//    before today (today's own on the first day); a deal is a price at least `min_discount`
//    below it (a scanner-data convention: the regular price as the recent high, e.g. Hosken &
//    Reiffen 2004, J. Industrial Economics 52(1));
//  - units per purchase at o: 1 + floor(units_per_discount x discount) on a deal (capped at
//    max_units), at least event_units on a calendar event day of an event that moves the
//    consumer's segment, else 1; only the listed `segments` stockpile;
//  - the units beyond one go into the household stock s; every day the consumer needs
//    r = consumption x its segment's purchase_probability units (ordinary buying is what it
//    uses: r is the mean of its ordinary purchases per day). A day starts with s >= r: the
//    stock covers it, the consumer skips the day's purchase occasion; then s drains by r (not
//    below 0). A basket of q units thus skips the next floor((q - 1) / r) days, and on average
//    (q - 1) x purchase_probability / r of the purchases the consumer would have made.
// Sampled choice only: the stock is per consumer (expected mode is refused with an input error;
// a mean-field version would need the stock's distribution per segment and outlet).
//
// Household stock is outside the channel: goods leave the channel's books when sold (the
// ledger's soldToConsumers), so conservation is unchanged. A basket is served from the outlet's
// stock like any request (the engine's allocation: at an outlet short of stock a consumer gets
// its basket or what is left in whole units per buyer, else it is unfilled).
//
// The mechanism publishes World::pantry after pricing (after promotions: it is registered after
// them); the choice model skips stocked consumers and sizes baskets (models/consumer_choice:
// chooseOutlets, addBaskets) and the engine's allocation serves them. Without the section the
// world's vectors stay empty and nothing changes, outputs included (no column, no summary key).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mechanisms/mechanism.hpp"

namespace chan::mechanisms {
namespace {

constexpr double kTiny = 1e-9;   // units (and discounts) below this count as none
constexpr int kMaxUnits = 1000;  // bound of a basket: beyond any household
constexpr int kMaxReferenceDays = 365;

struct HouseholdStockSpec final : MechanismSpec {
  bool present = false;
  double consumption = 1;       // x purchase_probability: units a real buyer uses per day
  double unitsPerDiscount = 0;  // extra units per purchase per unit of discount (fraction)
  double minDiscount = 0.05;    // a deal: price at least this fraction below the regular price
  int maxUnits = 10;            // cap of units per purchase
  int referenceDays = 28;       // days of past prices whose highest is the regular price
  int eventUnits = 1;           // units per purchase on calendar event days
  std::vector<int> segments;    // segments that stockpile (empty: every segment)

  void fields(FieldVisitor& v, const ScenarioSpec& scenario) {
    std::vector<std::string> segmentNames;
    for (const SegmentSpec& s : scenario.consumers.segments) segmentNames.push_back(s.name);
    const bool expected = scenario.consumers.expected;
    v.section(
        {.name = "household_stock",
         .doc = "household stock and pull-forward: deal and event-day baskets, skipped purchases (off when absent)"},
        present,
        [this, &segmentNames](FieldVisitor& s) {
          s.number({.name = "consumption",
                    .doc = "units a real buyer uses per day, as a multiple of its segment's purchase_probability (1: "
                           "what it buys on ordinary days; more: stockpiled goods are used faster)",
                    .unit = "x purchase_probability units per day",
                    .min = 0.01,
                    .max = 100},
                   consumption);
          s.number({.name = "units_per_discount",
                    .doc = "on a deal a purchase is 1 + floor(units_per_discount x discount) units (discount: the "
                           "fraction below the regular price)",
                    .unit = "units per unit of discount",
                    .min = 0,
                    .max = kMaxUnits},
                   unitsPerDiscount);
          s.number({.name = "min_discount",
                    .doc = "a deal is a price at least this far below the outlet's regular price",
                    .unit = "fraction",
                    .min = 0,
                    .max = 0.99},
                   minDiscount);
          s.integer(
              {.name = "max_units", .doc = "most units per purchase", .unit = "units", .min = 1, .max = kMaxUnits},
              maxUnits);
          s.integer({.name = "reference_days",
                     .doc = "the regular price is the outlet's highest price on these days before today",
                     .unit = "days",
                     .min = 1,
                     .max = kMaxReferenceDays},
                    referenceDays);
          s.integer({.name = "event_units",
                     .doc = "units per purchase (at least) on calendar event days of the events that move the "
                            "segment (needs a `calendar` section)",
                     .unit = "units",
                     .min = 1,
                     .max = kMaxUnits},
                    eventUnits);
          s.choices({.name = "segments", .doc = "consumer segments that stockpile (default: all)"}, segments,
                    segmentNames);
        },
        [expected](const Checker& c) {
          if (expected)
            c.fail("", "needs sampled choice (consumers.mode: sampled): household stock is kept per consumer");
        });
  }
};

/// Its running state: each consumer's stock, the outlets' recent prices; publishes World::pantry.
class HouseholdStock final : public Mechanism {
 public:
  HouseholdStock(const HouseholdStockSpec& spec, const World& w)
      : m_spec(spec),
        m_outlets(w.outlets.size()),
        m_segments(w.spec->consumers.segments.size()),
        m_weight(w.spec->consumers.weight),
        m_stock(w.consumers.size(), 0.0),
        m_history(static_cast<std::size_t>(spec.referenceDays) * w.outlets.size(), 0.0) {
    m_stockpiles.assign(m_segments, m_spec.segments.empty() ? 1 : 0);
    for (int s : m_spec.segments) m_stockpiles[idx(s)] = 1;
    for (const SegmentSpec& s : w.spec->consumers.segments) m_rate.push_back(spec.consumption * s.purchaseProbability);
  }

  void start(World& w) override {
    w.pantry.stocked.assign(w.consumers.size(), 0);
    w.pantry.basket.assign(w.consumers.size(), 0.0);
  }

  void afterPricing(World& w) override {
    // today's units per purchase, from today's prices (promotions included) against the regular
    // prices of the days before
    const auto days = static_cast<std::size_t>(m_spec.referenceDays);
    const std::size_t known = std::min(days, m_pricedDays);
    std::vector<double> deal(m_outlets, 1.0);
    for (std::size_t o = 0; o < m_outlets; ++o) {
      const double price = w.members.price[idx(w.outlets[o])];
      double regular = price;
      for (std::size_t d = 0; d < known; ++d) regular = std::max(regular, m_history[d * m_outlets + o]);
      m_history[(m_pricedDays % days) * m_outlets + o] = price;
      const double discount = regular > 0 ? 1.0 - price / regular : 0.0;
      if (discount + kTiny < m_spec.minDiscount || discount <= kTiny) continue;
      deal[o] = std::min<double>(m_spec.maxUnits, 1.0 + std::floor(m_spec.unitsPerDiscount * discount + kTiny));
    }
    ++m_pricedDays;
    const bool calendar = !w.calendar.event.empty();
    bool anyBasket = false;
    w.pantry.units.assign(m_segments * m_outlets, 1.0);
    for (std::size_t s = 0; s < m_segments; ++s) {
      const bool event = calendar && w.calendar.event[s];
      for (std::size_t o = 0; o < m_outlets && m_stockpiles[s]; ++o) {
        double units = deal[o];
        if (event) units = std::max<double>(units, m_spec.eventUnits);
        w.pantry.units[s * m_outlets + o] = units;
        anyBasket = anyBasket || units > 1;
      }
    }
    // a day without deals or events: every basket is one unit, so the engine serves picks as
    // without household stock (no basket pass; World::pantry.units empty)
    if (!anyBasket) w.pantry.units.clear();
    // today's needs: a stock that covers them skips today's purchase occasion, then drains. Only
    // the consumers holding stock (or covered yesterday, to clear their flag) are visited, in
    // consumer order
    const auto& segment = w.consumers.segment;
    m_today = {};
    std::size_t kept = 0;
    for (std::size_t k = 0; k < m_holding.size(); ++k) {
      const auto i = static_cast<std::size_t>(m_holding[k]);
      const double r = m_rate[segment[i]];
      const bool covered = m_stock[i] >= r - kTiny;
      w.pantry.stocked[i] = covered ? 1 : 0;
      m_today.stocked += covered ? 1 : 0;
      m_stock[i] = std::max(0.0, m_stock[i] - r);
      if (m_stock[i] < kTiny) m_stock[i] = 0;
      if (m_stock[i] > 0 || covered) m_holding[kept++] = m_holding[k];
    }
    m_holding.resize(kept);
  }

  void afterDemand(World& w, const std::vector<double>&, const std::vector<double>&) override {
    // what consumers were served beyond one unit a purchase goes into their stock
    if (!w.pantry.units.empty()) {
      const auto& pick = w.consumers.pick;
      const auto& basket = w.pantry.basket;
      std::vector<std::int32_t> joining;
      for (std::size_t i = 0; i < m_stock.size(); ++i) {
        if (pick[i] < 0 || basket[i] <= 1) continue;
        if (m_stock[i] == 0 && !w.pantry.stocked[i]) joining.push_back(static_cast<std::int32_t>(i));
        m_stock[i] += basket[i] - 1;
        m_today.extra += (basket[i] - 1) * m_weight;
        m_today.baskets += m_weight;
      }
      // the holders stay in consumer order
      const std::size_t before = m_holding.size();
      m_holding.insert(m_holding.end(), joining.begin(), joining.end());
      std::inplace_merge(m_holding.begin(), m_holding.begin() + static_cast<std::ptrdiff_t>(before), m_holding.end());
    }
    double held = 0;
    for (std::int32_t i : m_holding) held += m_stock[static_cast<std::size_t>(i)];
    m_today.held = held * m_weight;
  }

  void endTick(const World&) override {
    const double share = m_stock.empty() ? 0.0 : m_today.stocked / static_cast<double>(m_stock.size());
    m_held.push_back(m_today.held);
    m_share.push_back(share);
    m_run.extra += m_today.extra, m_run.baskets += m_today.baskets, m_run.share += share, m_run.ticks += 1;
    m_run.held = m_today.held;
  }

  void beginMeasurement() override { m_run = {}; }

  void timeseriesColumns(std::vector<std::string>& columns) const override {
    columns.push_back("household_stock");
    columns.push_back("stocked_share");
  }
  void tickValues(std::size_t tick, std::vector<double>& values) const override {
    values.push_back(m_held[tick]);
    values.push_back(m_share[tick]);
  }

  void summarize(const World&, Summary& s) const override {
    s.emplace_back("household_stock.extra_units", m_run.extra);
    s.emplace_back("household_stock.multi_unit_purchases", m_run.baskets);
    s.emplace_back("household_stock.stocked_share", m_run.ticks > 0 ? m_run.share / m_run.ticks : 0.0);
    s.emplace_back("household_stock.end_units", m_run.held);
  }

 private:
  struct Today {
    double stocked = 0, extra = 0, baskets = 0, held = 0;
  };
  struct Totals {
    double extra = 0, baskets = 0, share = 0, ticks = 0, held = 0;
  };
  const HouseholdStockSpec& m_spec;
  std::size_t m_outlets, m_segments;
  double m_weight;
  std::vector<double> m_stock;             // per consumer: units per real buyer in its household
  std::vector<std::int32_t> m_holding;     // consumers with stock, or covered today, ascending
  std::vector<double> m_rate;              // per segment: units used per day
  std::vector<std::uint8_t> m_stockpiles;  // per segment: 1 when it stockpiles
  std::vector<double> m_history;           // [day % reference_days][outlet]: the outlets' final prices
  std::size_t m_pricedDays = 0;            // days priced so far
  std::vector<double> m_held, m_share;     // per tick: units in households, share of consumers covered
  Today m_today;
  Totals m_run;
};

}  // namespace

MechanismEntry household_stock() {
  return {
      .name = "household_stock",
      .doc =
          "Household stock and pull-forward (issue 13), section `household_stock` (off when absent; sampled choice "
          "only): a purchase at an outlet whose price is at least `min_discount` below its regular price (its highest "
          "price on the `reference_days` days before) is 1 + floor(`units_per_discount` × discount) units per real "
          "buyer (at most `max_units`), and on a calendar event day of an event that moves the segment at least "
          "`event_units`; the units beyond one go into the consumer's household stock, which drains by `consumption` × "
          "the segment's purchase_probability units a day. A day that starts with stock covering its use is skipped "
          "(no purchase occasion). Only the listed `segments` stockpile (default all). Household stock is outside "
          "the channel (goods leave it at the sale). At an outlet short of stock a consumer gets its basket, or what "
          "is left in whole units per buyer, else it is unfilled. Timeseries: `household_stock` (units held by "
          "households), `stocked_share` (share of consumers whose stock covers the day). Summary (only with the "
          "section): `household_stock.extra_units` (units bought beyond one a purchase), "
          "`household_stock.multi_unit_purchases` (real buyers' purchases of more than one unit), "
          "`household_stock.stocked_share` (mean of the daily share), `household_stock.end_units` (units held at the "
          "end). Scenario: `scenarios/store_promotion.yaml`.",
      .makeSpec = [] { return std::make_unique<HouseholdStockSpec>(); },
      .fields = [](MechanismSpec& s, FieldVisitor& v,
                   const ScenarioSpec& scenario) { static_cast<HouseholdStockSpec&>(s).fields(v, scenario); },
      .used = [](const MechanismSpec& s) { return static_cast<const HouseholdStockSpec&>(s).present; },
      .create = [](const MechanismSpec& s, const World& w) -> std::unique_ptr<Mechanism> {
        const auto& spec = static_cast<const HouseholdStockSpec&>(s);
        if (!spec.present) return std::make_unique<Mechanism>();  // off: no state, no column, no key
        return std::make_unique<HouseholdStock>(spec, w);
      },
  };
}

}  // namespace chan::mechanisms
