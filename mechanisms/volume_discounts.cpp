// Volume discounts: all-units quantity discounts in a supplier's price list (deck ch. 2, 5: price
// lists; Silver, Pyke & Peterson 1998, ch. 5). A shipment of q units on a link whose buyer group
// has `terms.volume_discounts` pays price x (1 - terms.discount) x (1 - d(q)), d(q) the discount
// of the largest step with min_units <= q (0 below the first); the supplier simply receives less.
// The decision it changes: the buyer's order quantity, which it rounds up to a step when the
// saving beats the cost of holding the extra units (batchFor). Prices are still set from the
// list price (the discount is the buyer's margin).
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "mechanisms/mechanism.hpp"
#include "sim/core/spec_limits.hpp"
#include "models/replenishment.hpp"

namespace chan::mechanisms {
namespace {

constexpr double kMaxUnits = limits::kHuge;  // as every unit amount of a scenario

/// One step: an order of at least `minUnits` gets `discount` off every unit.
struct Step {
  double minUnits = 0;
  double discount = 0;

  void fields(FieldVisitor& v) {
    v.number({.name = "min_units",
              .doc = "an order of at least this many units gets the step's discount; above the previous step's",
              .unit = "units",
              .min = 1e-9,
              .max = kMaxUnits,
              .required = true},
             minUnits);
    v.number({.name = "discount",
              .doc = "off every unit's price after terms.discount; not below the previous step's",
              .unit = "fraction",
              .min = 0,
              .max = 1,
              .required = true},
             discount);
  }
};
using Steps = std::vector<Step>;

/// Fraction off an order of `units` (0 below the first step).
double discountFor(const Steps& steps, double units) {
  double off = 0;
  for (const Step& s : steps)
    if (units >= s.minUnits) off = s.discount;
  return off;
}

/// The order buyer m places instead of `units` at `unitPrice` (before volume discounts): the
/// step Q >= q (or q itself) minimising Q c (1 - d(Q)) - (Q - q) c (1 - d(q)) + h (Q - q)^2 / (2 f),
/// h its holding cost and f its daily forecast: the discount on the larger order against the
/// cost of holding the extra units until demand uses them up.
double batchFor(const World& w, int m, const Steps& steps, double units, double unitPrice) {
  const double daily = models::forecast(w, m);
  if (daily <= 0) return units;
  const double paid = unitPrice * (1.0 - discountFor(steps, units));  // per unit at the order as it is
  double best = units, bestCost = units * paid;
  // with free holding every bigger step would pay: never buy more than the forecast sells by
  // the end of the run
  const double sellable = daily * std::max(0, w.spec->ticks - w.tick);
  for (const Step& s : steps) {
    if (s.minUnits <= units) continue;
    const double extra = s.minUnits - units;
    if (extra > sellable) continue;
    const double cost = s.minUnits * unitPrice * (1.0 - s.discount) - extra * paid +
                        w.members.holdingCost[idx(m)] * extra * extra / (2.0 * daily);
    if (cost < bestCost) best = s.minUnits, bestCost = cost;
  }
  return best;
}

struct VolumeDiscountsSpec final : MechanismSpec {
  std::vector<Steps> steps;  // per member group (missing: none)

  const Steps& of(std::size_t group) const {
    static const Steps none;
    return group < steps.size() ? steps[group] : none;
  }
  bool any() const {
    return std::any_of(steps.begin(), steps.end(), [](const Steps& s) { return !s.empty(); });
  }

  void groupFields(FieldVisitor& v, const MemberGroupSpec& g, std::size_t group, GroupSlot slot) {
    if (slot != GroupSlot::Terms) return;
    Steps list = of(group);
    VectorAccess<Step> access(list, [](const Steps& all, std::size_t i, const Checker& c) {
      if (i == 0) return;
      // all-units steps: a larger order never gets a smaller discount
      if (all[i].minUnits <= all[i - 1].minUnits) c.fail("min_units", "must be above the previous step's min_units");
      if (all[i].discount < all[i - 1].discount) c.fail("discount", "must not be below the previous step's discount");
    });
    v.list({.name = "volume_discounts",
            .doc = "all-units volume discounts of the supplier on this link, steps of increasing min_units"},
           access);
    if (v.purpose() != FieldVisitor::Purpose::Read) return;
    v.check([&](const Checker& c) {
      if (!list.empty() && g.supplierGroup < 0)
        c.fail("volume_discounts", "only a group with a supplier has supply terms");
    });
    steps.resize(std::max(steps.size(), group + 1));
    steps[group] = std::move(list);
  }
};

class VolumeDiscounts final : public Mechanism {
 public:
  VolumeDiscounts(const VolumeDiscountsSpec& spec, const World& w)
      : m_spec(spec), m_used(spec.any()), m_given(w.members.size(), 0.0) {}

  void placeOrder(const World& w, int buyer, int source, const SupplyTerms& terms, double& units) override {
    const Steps& steps = stepsOf(w, buyer);
    if (steps.empty()) return;
    units = batchFor(w, buyer, steps, units, w.members.price[idx(source)] * (1.0 - terms.discount));
    m_tick.orders += 1;
    m_tick.orderUnits += units;
  }

  void priceShipment(World& w, int supplier, int buyer, double units, double& value) override {
    const Steps& steps = stepsOf(w, buyer);
    if (steps.empty()) return;
    const double discount = value * discountFor(steps, units);
    value -= discount;
    m_given[idx(supplier)] += discount;
    m_tick.discount += discount;
  }

  void endTick(const World&) override {
    if (m_used) m_perTick.push_back(m_tick.discount);
    m_run.orders += m_tick.orders, m_run.orderUnits += m_tick.orderUnits;
    m_tick = {};
  }

  void timeseriesColumns(std::vector<std::string>& columns) const override {
    if (m_used) columns.push_back("volume_discount");  // money given off list prices that tick
  }
  void tickValues(std::size_t tick, std::vector<double>& values) const override {
    if (m_used) values.push_back(m_perTick[tick]);
  }

  void beginMeasurement() override {
    std::fill(m_given.begin(), m_given.end(), 0.0);
    m_run = {};
  }

  void summarize(const World& w, Summary& s) const override {
    // the rate is the discount over what the buyers with discount terms would have paid without it
    double amount = 0, paid = 0;
    for (std::size_t m = 0; m < m_given.size(); ++m) {
      amount += m_given[m];
      if (!stepsOf(w, static_cast<int>(m)).empty()) paid += w.flows.purchases[m];
    }
    s.emplace_back("volume_discount.amount", amount);
    s.emplace_back("volume_discount.rate", amount + paid > 0 ? amount / (amount + paid) : 0.0);
    s.emplace_back("volume_discount.mean_order_units", m_run.orders > 0 ? m_run.orderUnits / m_run.orders : 0.0);
  }

 private:
  const Steps& stepsOf(const World& w, int member) const { return m_spec.of(idx(w.members.group[idx(member)])); }

  struct Totals {
    double discount = 0;    // money given off list prices
    double orders = 0;      // orders placed by buyers with volume-discount terms ...
    double orderUnits = 0;  // ... and their units
  };
  const VolumeDiscountsSpec& m_spec;
  bool m_used;                    // a group has steps: the timeseries column is written
  std::vector<double> m_given;    // per supplier: money given off its list prices
  std::vector<double> m_perTick;  // the discount given each tick (timeseries volume_discount)
  Totals m_tick, m_run;           // today's and the run's orders (summed tick by tick)
};

}  // namespace

MechanismEntry volume_discounts() {
  return {
      .name = "volume_discounts",
      .doc =
          "All-units volume discounts in the supplier's price list (deck ch. 2, 5; Silver, Pyke & Peterson 1998, "
          "ch. 5): a shipment of *q* units on the link pays price × (1 − `terms.discount`) × (1 − *d*(*q*)), *d*(*q*) "
          "the discount of the largest step with `min_units` ≤ *q* (0 below the first); the supplier receives less "
          "through the ledger. Buyers batch: a member with volume-discount terms orders the step *Q* ≥ *q* (or *q*) "
          "minimising *Q·c·*(1 − *d*(*Q*)) − (*Q* − *q*)·*c*·(1 − *d*(*q*)) + *h*·(*Q* − *q*)² / (2*f*), *c* the unit "
          "price before volume discounts, *h* its holding cost, *f* its daily forecast, and never more extra units "
          "than the forecast sells by the end of the run. Prices are still set from the list price. Timeseries: "
          "`volume_discount` (when a group has steps). Summary: `volume_discount.amount`, `volume_discount.rate`, "
          "`volume_discount.mean_order_units`. Scenario: `scenarios/volume_discounts.yaml`.",
      .makeSpec = [] { return std::make_unique<VolumeDiscountsSpec>(); },
      .fields = [](MechanismSpec&, FieldVisitor&, const ScenarioSpec&) {},
      .groupFields = [](MechanismSpec& s, FieldVisitor& v, const ScenarioSpec&, const MemberGroupSpec& g,
                        std::size_t group,
                        GroupSlot slot) { static_cast<VolumeDiscountsSpec&>(s).groupFields(v, g, group, slot); },
      .used = [](const MechanismSpec& s) { return static_cast<const VolumeDiscountsSpec&>(s).any(); },
      .create = [](const MechanismSpec& s, const World& w) -> std::unique_ptr<Mechanism> {
        return std::make_unique<VolumeDiscounts>(static_cast<const VolumeDiscountsSpec&>(s), w);
      },
  };
}

}  // namespace chan::mechanisms
