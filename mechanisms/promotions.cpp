// Promotions: temporary price promotions per outlet group (deck ch. 5, dynamic adjustment of
// price and promotions). For `days` ticks from `start` the group's active members sell at list
// price x (1 - discount); the manufacturer pays back `maker_share` of the discount on every unit
// they sell, through the ledger. Members re-price from their list prices as usual: yesterday's
// promotional price goes back to list before pricing, today's promotion is applied after it
// (before any emergency price cap). A promotional price below MAP is a MAP violation like any
// other.
// Net lift (issue 13): a promotion with `lift_days` L > 0 is measured on its group's consumer
// sales u_t. Baseline b: their mean over the L days before it; window units: sum over its days
// of u_t - b (the lift); dip units: sum over the L days after it of b - u_t (sales pulled
// forward, e.g. by household stock, mechanisms/household_stock.cpp); net lift = window - dip.
// A pre-post comparison against the promotion's own baseline (Van Heerde, Leeflang & Wittink
// 2000 measure the dip the same way, as the post-promotion trough below the base level); days
// past the run's end are left out.
#include <memory>
#include <vector>

#include "mechanisms/mechanism.hpp"
#include "sim/core/spec_limits.hpp"

namespace chan::mechanisms {
namespace {

constexpr double kMaxTick = static_cast<double>(limits::kMaxTicks);  // as `ticks`

/// One promotion of the scenario's `promotions` list.
struct Promotion {
  int group = -1;         // an outlet group
  int start = 1;          // first tick
  int days = 7;           // ticks it lasts
  double discount = 0.1;  // fraction off the list price
  double makerShare = 0;  // share of the discount the manufacturer pays back
  int liftDays = 0;       // days of the baseline before and of the dip after (0: net lift not measured)

  void fields(FieldVisitor& v) {
    v.groupRef({.name = "group", .doc = "the outlet group running the promotion", .required = true}, group);
    v.integer({.name = "start", .doc = "first tick", .unit = "tick", .min = 1, .max = kMaxTick, .required = true}, start);
    v.integer({.name = "days", .doc = "ticks it lasts; a group's promotions must not overlap", .unit = "ticks", .min = 1,
               .max = kMaxTick, .required = true},
              days);
    v.number({.name = "discount", .doc = "off the list price", .unit = "fraction", .min = 0, .max = 0.99, .required = true},
             discount);
    v.number({.name = "maker_share", .doc = "share of the discount the manufacturer pays back", .unit = "fraction",
              .min = 0, .max = 1},
             makerShare);
    v.integer({.name = "lift_days",
               .doc = "measure the net lift: days before the promotion that set the baseline and days after it that "
                      "show the dip (0: not measured)",
               .unit = "days",
               .min = 0,
               .max = kMaxTick},
              liftDays);
  }
};

struct PromotionsSpec final : MechanismSpec {
  std::vector<Promotion> items;

  void fields(FieldVisitor& v, const ScenarioSpec& scenario) {
    VectorAccess<Promotion> access(items, [&scenario](const std::vector<Promotion>& all, std::size_t i, const Checker& c) {
      const Promotion& p = all[i];
      if (!isOutlet(scenario.groups[static_cast<std::size_t>(p.group)].kind)) c.fail("group", "promotions run at outlets");
      // one promotion at a time per group: a second would discount the first one's price again
      for (std::size_t j = 0; j < i; ++j)
        if (all[j].group == p.group && p.start < all[j].start + all[j].days && all[j].start < p.start + p.days)
          c.fail("start", "overlaps another promotion of the same group");
      if (p.liftDays >= p.start)
        c.fail("lift_days", "the baseline days must come before the promotion (lift_days < start)");
    });
    v.list({.name = "promotions", .doc = "temporary price promotions of outlet groups"}, access);
  }
};

class Promotions final : public Mechanism {
 public:
  Promotions(const PromotionsSpec& spec, const World& w)
      : m_spec(spec), m_discount(w.members.size(), 0.0), m_listPrice(w.members.size(), 0.0),
        m_funded(w.members.size(), 0.0), m_groupUnits(w.spec->groups.size()) {
    for (const Promotion& p : spec.items)
      if (p.liftDays > 0) m_groupUnits[idx(p.group)].assign(static_cast<std::size_t>(w.spec->ticks) + 1, 0.0);
  }

  void beforePricing(World& w) override {
    // members re-price from their list prices
    for (int m : w.outlets) {
      const auto i = static_cast<std::size_t>(m);
      if (m_discount[i] <= 0) continue;
      w.members.price[i] = m_listPrice[i];
      m_discount[i] = m_funded[i] = 0;
    }
  }

  void afterPricing(World& w) override {
    for (const Promotion& p : m_spec.items) {
      if (w.tick < p.start || w.tick >= p.start + p.days) continue;
      for (int m : w.groupMembers[static_cast<std::size_t>(p.group)]) {  // (the loader keeps a group's promotions apart)
        const auto i = static_cast<std::size_t>(m);
        if (!w.members.active[i]) continue;
        m_listPrice[i] = w.members.price[i];
        m_discount[i] = p.discount;
        w.members.price[i] = m_listPrice[i] * (1.0 - p.discount);
        m_funded[i] = p.makerShare * (m_listPrice[i] - w.members.price[i]);
      }
    }
  }

  void afterSale(World& w, int outlet, double units) override {
    const auto i = static_cast<std::size_t>(outlet);
    std::vector<double>& measured = m_groupUnits[idx(w.members.group[i])];
    if (!measured.empty()) measured[idx(w.tick)] += units;  // a group whose net lift is measured
    if (m_discount[i] <= 0) return;
    const int maker = w.brandMaker[static_cast<std::size_t>(w.members.brand[i])];
    m_tick.units += units;
    m_tick.discount += units * (m_listPrice[i] - w.members.price[i]);
    if (maker < 0) return;  // the manufacturer's share of the discount
    m_tick.reimbursed += units * m_funded[i];
    w.payOther(maker, outlet, units * m_funded[i]);
  }

  void endTick(const World&) override {
    m_run.units += m_tick.units, m_run.discount += m_tick.discount, m_run.reimbursed += m_tick.reimbursed;
    m_tick = {};
  }

  void beginMeasurement() override { m_run = {}; }

  void summarize(const World& w, Summary& s) const override {
    s.emplace_back("promotions.units", m_run.units);          // units sold at promotional prices
    s.emplace_back("promotions.discount", m_run.discount);    // sum of units x (list - promotional price)
    s.emplace_back("promotions.reimbursed", m_run.reimbursed);  // the manufacturers' share of it
    netLift(w, s);
  }

 private:
  /// The net-lift keys, summed over the promotions with lift_days (none: no key).
  void netLift(const World& w, Summary& s) const {
    bool any = false;
    double baseline = 0, window = 0, dip = 0;
    const int last = w.tick;  // days past the run's end are left out
    for (const Promotion& p : m_spec.items) {
      if (p.liftDays <= 0) continue;
      any = true;
      const std::vector<double>& u = m_groupUnits[idx(p.group)];
      double b = 0;
      for (int t = p.start - p.liftDays; t < p.start && t <= last; ++t) b += u[idx(t)];
      b /= p.liftDays;
      baseline += b;
      for (int t = p.start; t < p.start + p.days && t <= last; ++t) window += u[idx(t)] - b;
      for (int t = p.start + p.days; t < p.start + p.days + p.liftDays && t <= last; ++t) dip += b - u[idx(t)];
    }
    if (!any) return;
    s.emplace_back("promotion.baseline_units", baseline);  // units per day before the promotion
    s.emplace_back("promotion.window_units", window);      // units above the baseline in the promotion
    s.emplace_back("promotion.dip_units", dip);            // units below the baseline after it
    s.emplace_back("promotion.net_lift", window - dip);
  }

  struct Totals {
    double units = 0, discount = 0, reimbursed = 0;
  };
  const PromotionsSpec& m_spec;
  std::vector<double> m_discount;   // per member: discount of the promotion running today (0: none) ...
  std::vector<double> m_listPrice;  // ... the price before it ...
  std::vector<double> m_funded;     // ... and what the manufacturer pays back per unit sold
  Totals m_tick, m_run;             // today's and the run's (summed tick by tick)
  std::vector<std::vector<double>> m_groupUnits;  // per group with a measured promotion: units sold per tick
};

}  // namespace

MechanismEntry promotions() {
  return {
      .name = "promotions",
      .doc = "Temporary price promotions per outlet group (deck ch. 5): for `days` ticks from `start` the group's "
             "active members sell at list price × (1 − `discount`); the manufacturer pays back `maker_share` of the "
             "discount on every unit sold. Summary: `promotions.units`, `promotions.discount` (Σ units × (list − "
             "promotional price)), `promotions.reimbursed`; with `lift_days` L > 0 (the net lift, issue 13), "
             "measured on the group's consumer sales u_t against their mean b over the L days before the promotion: "
             "`promotion.baseline_units` (b, units per day), `promotion.window_units` (Σ u_t − b over its days), "
             "`promotion.dip_units` (Σ b − u_t over the L days after it; days past the run's end left out) and "
             "`promotion.net_lift` (window − dip), summed over the measured promotions. Scenario: "
             "`scenarios/store_promotion.yaml`.",
      .makeSpec = [] { return std::make_unique<PromotionsSpec>(); },
      .fields = [](MechanismSpec& s, FieldVisitor& v, const ScenarioSpec& scenario) {
        static_cast<PromotionsSpec&>(s).fields(v, scenario);
      },
      .used = [](const MechanismSpec& s) { return !static_cast<const PromotionsSpec&>(s).items.empty(); },
      .create = [](const MechanismSpec& s, const World& w) -> std::unique_ptr<Mechanism> {
        return std::make_unique<Promotions>(static_cast<const PromotionsSpec&>(s), w);
      },
  };
}

}  // namespace chan::mechanisms
