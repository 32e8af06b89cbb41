// Gray market: unauthorised resellers (deck ch. 6: gray markets, diversion; after Ahmadi & Yang
// 2000, Marketing Science 19(3)). An outlet group with `diversion: {enabled: true, unauthorised:
// true}` stands outside the brand's network: no contract (no fixed fee), not policed, not a store
// of the brand for cannibalisation, in no supplier's subtree (Members::authorised = 0, set at
// start). It buys each order from the cheapest member of its supplier group that will sell to
// it, paying `diversion.transport_cost` on every unit; a member sells only when the gap between
// the brand's authorised retail price (the mean list price of its active authorised outlets) and
// its own price covers the transport and the penalty it expects per unit (the chance monitoring
// traces the shipment times what a detection costs it on the whole enforcement ladder ahead of
// it, models::ladderCost, spread over the order). The decisions it changes: where
// the reseller orders, whether anyone sells (once per order, never per consumer) and the unit
// cost it prices from. Every sale to it is a `gray_market` event queued for monitoring to trace.
//
// `diversion.enabled` and `diversion.transport_cost` are the diversion section's keys, read by
// sim/io/scenario_loader.cpp; this file declares `diversion.unauthorised`.
#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mechanisms/mechanism.hpp"
#include "models/channel_control.hpp"

namespace chan::mechanisms {
namespace {

struct GrayMarketSpec final : MechanismSpec {
  std::vector<char> unauthorised;  // per member group (missing: false)

  bool of(std::size_t group) const { return group < unauthorised.size() && unauthorised[group] != 0; }
  bool any() const {
    return std::any_of(unauthorised.begin(), unauthorised.end(), [](char u) { return u != 0; });
  }

  // (an unauthorised group supplies nobody: `diversion` is for outlets, and no outlet supplies)
  void groupFields(FieldVisitor& v, const MemberGroupSpec& g, std::size_t group, GroupSlot slot) {
    if (slot != GroupSlot::Diversion) return;
    bool u = of(group);
    // written only when true: resolved files of authorised diverting outlets stay as they were
    if (v.purpose() == FieldVisitor::Purpose::Write && !u) return;
    v.boolean({.name = "unauthorised",
               .doc = "the group is an unauthorised (gray-market) reseller outside the brand's network; needs "
                      "`enabled: true`"},
              u);
    if (v.purpose() != FieldVisitor::Purpose::Read) return;
    v.check([&](const Checker& c) {
      if (u && !g.divert) c.fail("", "an unauthorised reseller buys off-contract: enabled must be true");
    });
    unauthorised.resize(std::max(unauthorised.size(), group + 1), 0);
    unauthorised[group] = u ? 1 : 0;
  }
};

/// What seller s expects to pay for one off-contract shipment: the chance monitoring traces it
/// times what a detection costs it on the whole ladder ahead (models::ladderCost, at its daily
/// margin; 0 without enforcement), currency per shipment.
double expectedPenalty(const World& w, int s) {
  return w.policing.traceProbability * models::ladderCost(w, s, models::dailyMargin(w, s));
}

/// Mean list price of the brand's active authorised outlets (the price a gray reseller
/// undercuts), currency per unit; 0 when there are none.
double authorisedRetailPrice(const World& w, int brand) {
  double sum = 0, n = 0;
  for (int m : w.outlets)
    if (w.members.active[idx(m)] && w.members.brand[idx(m)] == brand && models::authorisedReseller(w, m))
      sum += w.members.price[idx(m)], n += 1;
  return n > 0 ? sum / n : 0.0;
}

class GrayMarket final : public Mechanism {
 public:
  GrayMarket(const GrayMarketSpec& spec, const World&) : m_spec(spec), m_used(spec.any()) {}

  void start(World& w) override {
    if (!m_used) return;
    for (std::size_t m = 0; m < w.members.size(); ++m)
      if (m_spec.of(idx(w.members.group[m]))) w.members.authorised[m] = 0;
    w.rebuildSubtrees();  // a reseller without a contract is in nobody's supply subtree
  }

  void chooseSource(const World& w, int m, double units, int& source) const override {
    const Members& mb = w.members;
    if (mb.authorised[idx(m)]) return;
    const MemberGroupSpec& g = w.groupOf(m);
    // a member sells only when the gap between the brand's authorised retail price and its own
    // price covers the transport and the penalty it expects per unit (for an order: units > 0)
    const bool order = units > 0;
    const double gap = order ? authorisedRetailPrice(w, mb.brand[idx(m)]) : 0.0;
    auto sells = [&](int s) {
      return !order || gap - mb.price[idx(s)] * (1.0 - g.discount) > g.transportCost + expectedPenalty(w, s) / units;
    };
    // a landed cost lower by more than rounding moves the order (ties stay with the earlier source)
    constexpr double kCheaper = 1e-12;
    int best = -1;  // nobody
    for (int s : w.groupMembers[idx(g.supplierGroup)])
      if (mb.active[idx(s)] && !models::disrupted(w, s) && sells(s) &&
          (best < 0 || landedCost(w, m, s) < landedCost(w, m, best) - kCheaper))
        best = s;
    source = best;
  }

  void unitCost(const World& w, int m, double& cost) const override {
    // it prices from what its goods cost it landed at its cheapest source, whether or not that
    // source will sell today; with no source left, its assigned supplier's price
    const int own = w.members.supplier[idx(m)];
    if (w.members.authorised[idx(m)] || own < 0) return;
    const MemberGroupSpec& g = w.groupOf(m);
    int source = own;
    chooseSource(w, m, 0.0, source);
    const int from = source < 0 ? own : source;
    cost = w.members.price[idx(from)] * (1.0 - g.discount) + g.transportCost;
  }

  void afterSale(World& w, int outlet, double units) override {
    m_tick.sold += units;
    if (!w.members.authorised[idx(outlet)]) m_tick.graySold += units;
  }

  void afterShipment(World& w, int supplier, int buyer, double units, std::vector<Event>& traceable,
                     double& /*crossTerritory*/) override {
    if (w.members.authorised[idx(buyer)]) return;
    // no contract: every unit is off-contract and pays transport
    w.payOther(buyer, w.ledger.account(External::Logistics), units * w.groupOf(buyer).transportCost);
    m_tick.shipped += units;
    traceable.push_back({w.tick, Event::Type::GrayMarket, supplier, buyer, units, units, false, ""});
  }

  void endTick(const World&) override {
    if (m_used) m_perTick.emplace_back(m_tick.shipped, m_tick.graySold);
    m_run.sold += m_tick.sold, m_run.graySold += m_tick.graySold;
    m_tick = {};
  }

  void timeseriesColumns(std::vector<std::string>& columns) const override {
    if (m_used) columns.insert(columns.end(), {"gray_shipped_units", "gray_units"});
  }
  void tickValues(std::size_t tick, std::vector<double>& values) const override {
    if (m_used) values.insert(values.end(), {m_perTick[tick].first, m_perTick[tick].second});
  }

  void beginMeasurement() override { m_run = {}; }

  void summarize(const World& w, Summary& s) const override {
    double shipped = 0, detected = 0, authorisedUnits = 0, authorisedRevenue = 0;
    for (const Event& e : w.events)
      if (e.type == Event::Type::GrayMarket) shipped += e.units, detected += e.detected ? e.units : 0;
    for (int m : w.outlets) {
      if (!w.members.authorised[idx(m)]) continue;
      authorisedUnits += w.flows.unitsSold[idx(m)];
      authorisedRevenue += w.flows.revenue[idx(m)];
    }
    auto share = [](double part, double whole) { return whole > 0 ? part / whole : 0.0; };
    s.emplace_back("gray.units", shipped);
    s.emplace_back("gray.detected_share", share(detected, shipped));
    s.emplace_back("gray.consumer_units", m_run.graySold);
    s.emplace_back("gray.share", share(m_run.graySold, m_run.sold));
    s.emplace_back("gray.authorised_units", authorisedUnits);
    s.emplace_back("gray.authorised_mean_price", share(authorisedRevenue, authorisedUnits));
  }

 private:
  /// Price after the reseller's discount plus transport: it has no local contract.
  static double landedCost(const World& w, int m, int source) {
    // the contract's current discount (partner reviews may have moved it), else the group's
    return w.members.price[idx(source)] * (1.0 - w.termsFor(source, m).discount) + w.groupOf(m).transportCost;
  }

  struct Totals {
    double sold = 0;      // units sold to consumers by every outlet (the share's denominator)
    double graySold = 0;  // of which by unauthorised resellers
    double shipped = 0;   // units sold to unauthorised resellers
  };
  const GrayMarketSpec& m_spec;
  bool m_used;                                       // a group is unauthorised: the timeseries columns are written
  std::vector<std::pair<double, double>> m_perTick;  // units shipped to and sold by resellers each tick
  Totals m_tick, m_run;                              // today's and the run's (summed tick by tick)
};

}  // namespace

MechanismEntry gray_market() {
  return {
      .name = "gray_market",
      .doc =
          "Unauthorised (gray-market) resellers (deck ch. 6; after Ahmadi & Yang 2000). An outlet group with "
          "`diversion: {enabled: true, unauthorised: true}` stands outside the brand's network: no contract (no "
          "fixed fee), not policed, not counted as the brand's store. It buys each order from the member of its "
          "supplier group with the lowest landed cost, price × (1 − discount) + `diversion.transport_cost` (paid on "
          "every unit), among those that will sell: a member sells only when the brand's authorised retail price "
          "(mean list price of its active authorised outlets) less its own price covers the transport and the "
          "penalty it expects per unit (monitoring's trace probability × the cost of the enforcement ladder ahead of "
          "it, models::ladderCost, spread over the order); it prices from that landed cost. Every sale to it is a "
          "`gray_market` event monitoring may "
          "trace. Timeseries: `gray_shipped_units`, `gray_units` (with unauthorised resellers). Summary: `gray.*`. "
          "Scenario: `scenarios/gray_market.yaml`.",
      .makeSpec = [] { return std::make_unique<GrayMarketSpec>(); },
      .fields = [](MechanismSpec&, FieldVisitor&, const ScenarioSpec&) {},
      .groupFields = [](MechanismSpec& s, FieldVisitor& v, const ScenarioSpec&, const MemberGroupSpec& g,
                        std::size_t group,
                        GroupSlot slot) { static_cast<GrayMarketSpec&>(s).groupFields(v, g, group, slot); },
      // no top-level section to write
      .used = [](const MechanismSpec&) { return false; },
      .create = [](const MechanismSpec& s, const World& w) -> std::unique_ptr<Mechanism> {
        return std::make_unique<GrayMarket>(static_cast<const GrayMarketSpec&>(s), w);
      },
  };
}

}  // namespace chan::mechanisms
