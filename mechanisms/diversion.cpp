// Territory diversion and exclusivity (deck ch. 2, 6: exclusive territories, diversion). A
// distributor group with `exclusive: true` (the default) holds exclusive rights to its
// territory; an authorised outlet group with `diversion.enabled` buys each order from the member
// of its supplier group with the lowest landed cost, price x (1 - discount) +
// `diversion.transport_cost` when the goods come from another territory. The decisions it
// changes: where an outlet orders (once per order, never per consumer) and the unit cost it
// prices from. Shipments from a distributor into a territory another distributor holds
// exclusively are counted (`diversion.*` summary keys, the conflict index) and queued for
// monitoring to trace; the distributor ships such an order only when its margin on it beats the
// chance of a trace times the enforcement ladder ahead of it (deterrence, models::ladderCost).
// Distributors of a shared (non-exclusive) group compete for the stores instead: after pricing
// each meets the lowest landed cost a rival offers the diverting stores it supplies. Unauthorised
// resellers (Members::authorised = 0) source by mechanisms/gray_market.cpp's rules and are left
// alone here.
//
// The `diversion` section's `enabled` and `transport_cost` are still read by
// sim/io/scenario_loader.cpp (the gray market reads them too).
#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

#include "mechanisms/mechanism.hpp"
#include "models/channel_control.hpp"
#include "models/pricing.hpp"

namespace chan::mechanisms {
namespace {

struct DiversionSpec final : MechanismSpec {
  std::vector<char> exclusive;  // per member group (missing: true)

  bool exclusiveOf(std::size_t group) const { return group < exclusive.size() ? exclusive[group] != 0 : true; }

  void groupFields(FieldVisitor& v, std::size_t group, GroupSlot slot) {
    if (slot != GroupSlot::Territories) return;
    bool e = exclusiveOf(group);
    v.boolean({.name = "exclusive",
               .doc = "a distributor holds exclusive rights to its territory (shipments into it by another "
                      "distributor count as diversion)"},
              e);
    if (v.purpose() != FieldVisitor::Purpose::Read) return;
    exclusive.resize(std::max(exclusive.size(), group + 1), 1);
    exclusive[group] = e ? 1 : 0;
  }
};

class Diversion final : public Mechanism {
 public:
  Diversion(const DiversionSpec& spec, const World& w) : m_exclusiveHolder(w.spec->territories.size(), -1) {
    // the last distributor of an exclusive group in a territory holds it
    for (std::size_t m = 0; m < w.members.size(); ++m)
      if (w.members.kind[m] == MemberKind::Distributor && spec.exclusiveOf(idx(w.members.group[m])) &&
          w.members.territory[m] >= 0)
        m_exclusiveHolder[idx(w.members.territory[m])] = static_cast<int>(m);
    // distributors of shared (non-exclusive) groups compete for their stores on price
    for (std::size_t m = 0; m < w.members.size(); ++m)
      if (w.members.kind[m] == MemberKind::Distributor && !spec.exclusiveOf(idx(w.members.group[m])))
        m_shared.push_back(static_cast<int>(m));
  }

  void afterPricing(World& w) override {
    // Shared territories: a distributor meets the lowest landed cost a rival of its group offers
    // any diverting store it supplies (Bertrand; a tie keeps the store with its own supplier),
    // down to what a unit costs it. An exclusive holder need not: its territory is protected
    // (where monitoring and the ladder deter the rivals, see consents).
    Members& mb = w.members;
    for (int d : m_shared) {
      if (!mb.active[idx(d)]) continue;
      double match = mb.price[idx(d)];
      for (int s : w.outlets) {
        if (mb.supplier[idx(s)] != d || !mb.active[idx(s)] || !mb.authorised[idx(s)] || !w.groupOf(s).divert) continue;
        const double discount = w.termsFor(d, s).discount;
        for (int r : w.groupMembers[idx(mb.group[idx(d)])])
          if (r != d && mb.active[idx(r)] && !models::disrupted(w, r) && discount < 1)
            match = std::min(match, landedCost(w, s, r) / (1.0 - discount));
      }
      const int supplier = mb.supplier[idx(d)];
      const double floor = supplier >= 0 ? mb.price[idx(supplier)] * (1.0 - w.discountOf(d)) : 0.0;
      mb.price[idx(d)] = std::max(match, std::min(floor, mb.price[idx(d)]));  // never above its own price
    }
  }

  void chooseSource(const World& w, int m, double units, int& source) const override {
    const Members& mb = w.members;
    const MemberGroupSpec& g = w.groupOf(m);
    if (!g.divert || !mb.authorised[idx(m)]) return;
    // a landed cost lower by more than rounding moves the order (ties stay with the earlier source)
    constexpr double kCheaper = 1e-12;
    int best = mb.supplier[idx(m)];
    for (int s : w.groupMembers[idx(g.supplierGroup)])
      if (mb.active[idx(s)] && !models::disrupted(w, s) && consents(w, s, m, units) &&
          (best < 0 || landedCost(w, m, s) < landedCost(w, m, best) - kCheaper))
        best = s;
    source = best;
  }

  void unitCost(const World& w, int m, double& cost) const override {
    // a diverting outlet prices from what its goods cost it landed, wherever it buys them
    const int own = w.members.supplier[idx(m)];
    const MemberGroupSpec& g = w.groupOf(m);
    if (own < 0 || !g.divert || !w.members.authorised[idx(m)]) return;
    int source = own;
    chooseSource(w, m, 0.0, source);
    if (source == own) return;
    // goods bought off-contract pay transport
    cost = w.members.price[idx(source)] * (1.0 - g.discount) + g.transportCost;
  }

  void afterShipment(World& w, int supplier, int buyer, double units, std::vector<Event>& traceable,
                     double& crossTerritory) override {
    Members& mb = w.members;
    const auto s = idx(supplier), b = idx(buyer);
    if (!mb.authorised[b]) return;  // an unauthorised reseller: mechanisms/gray_market.cpp
    // off-contract goods cost transport
    if (supplier != mb.supplier[b])
      w.payOther(buyer, w.ledger.account(External::Logistics), units * w.groupOf(buyer).transportCost);
    // territory encroachment: a distributor supplying an authorised outlet in another's exclusive territory
    if (mb.kind[s] != MemberKind::Distributor || !isOutlet(mb.kind[b])) return;
    const int territory = mb.territory[b];
    if (territory < 0 || mb.territory[s] == territory) return;
    const int holder = m_exclusiveHolder[idx(territory)];
    if (holder < 0 || holder == supplier) return;
    crossTerritory += units;
    w.flows.divertedIn[b] += units;
    traceable.push_back({w.tick, Event::Type::TerritoryDiversion, supplier, holder, units, units, false, ""});
  }

  void summarize(const World& w, Summary& s) const override {
    // diverted units and the share of them monitoring traced
    double diverted = 0, detected = 0;
    for (const Event& e : w.events)
      if (e.type == Event::Type::TerritoryDiversion) diverted += e.units, detected += e.detected ? e.units : 0;
    s.emplace_back("diversion.units", diverted);
    s.emplace_back("diversion.detected_share", diverted > 0 ? detected / diverted : 0.0);
    // price erosion: how far below the price it would charge buying from its own supplier an
    // outlet that received diverted goods sells (mean over those outlets, at the end of the run)
    // respond reads every member's price from the context and writes into it only in an
    // owner's joint best response (its family's prices): one copy serves the outlets that own
    // no member (a copy per outlet was 10 MB each at a million members, most of the national
    // network's summary)
    double actual = 0, own = 0;
    std::optional<models::PriceContext> shared;
    for (int m : w.outlets) {
      const auto i = idx(m);
      if (w.flows.divertedIn[i] <= 0 || !w.members.active[i]) continue;
      const int s0 = w.members.supplier[i];
      const double cost = w.members.price[idx(s0)] * (1 - w.discountOf(m));
      actual += w.members.price[i];
      if (!w.owned[i].empty()) {
        models::PriceContext ctx = w.members.price;
        own += models::respond(w, m, cost, ctx);
        continue;
      }
      if (!shared) shared = w.members.price;
      own += models::respond(w, m, cost, *shared);
    }
    s.emplace_back("diversion.price_erosion", own > 0 ? 1 - actual / own : 0.0);
  }

 private:
  /// Price after the buyer's discount, plus transport when the goods come from another territory.
  static double landedCost(const World& w, int m, int source) {
    const Members& mb = w.members;
    const MemberGroupSpec& g = w.groupOf(m);
    const bool away = mb.territory[idx(source)] != mb.territory[idx(m)];
    // the contract's current discount (partner reviews may have moved it), else the group's
    return mb.price[idx(source)] * (1.0 - w.termsFor(source, m).discount) + (away ? g.transportCost : 0.0);
  }

  /// Whether distributor s ships an order of `units` to outlet m (units > 0; 0 asks for the
  /// cheapest source without its consent, for pricing): a shipment into a territory another
  /// distributor holds exclusively is a violation, which s commits only when its margin on the
  /// order beats the chance monitoring traces it times what a detection costs it on the whole
  /// enforcement ladder ahead (models::ladderCost at its daily margin; 0 without enforcement).
  bool consents(const World& w, int s, int m, double units) const {
    const Members& mb = w.members;
    if (units <= 0 || mb.kind[idx(s)] != MemberKind::Distributor || s == mb.supplier[idx(m)]) return true;
    const int territory = mb.territory[idx(m)];
    if (territory < 0 || mb.territory[idx(s)] == territory) return true;
    const int holder = m_exclusiveHolder[idx(territory)];
    if (holder < 0 || holder == s) return true;
    const double expected = w.policing.traceProbability * models::ladderCost(w, s, models::dailyMargin(w, s));
    if (expected <= 0) return true;
    const int own = mb.supplier[idx(s)];
    const double cost = mb.stock[idx(s)] > 0 ? mb.stockValue[idx(s)] / mb.stock[idx(s)]
                        : own >= 0           ? mb.price[idx(own)] * (1.0 - w.discountOf(s))
                                             : 0.0;
    return units * (mb.price[idx(s)] * (1.0 - w.termsFor(s, m).discount) - cost) > expected;
  }

  std::vector<int> m_exclusiveHolder;  // per territory: the distributor with exclusive rights (-1: none)
  std::vector<int> m_shared;           // distributors of non-exclusive groups (they meet rivals' prices)
};

}  // namespace

MechanismEntry diversion() {
  return {
      .name = "diversion",
      .doc =
          "Territory diversion and exclusivity (deck ch. 2, 6). A distributor group's `exclusive` (default true) "
          "gives it exclusive rights to its territory. An outlet group with `diversion.enabled` (README member "
          "keys) buys each order from the member of its supplier group with the lowest landed cost, price × (1 − "
          "discount) + `diversion.transport_cost` when the goods come from another territory, and prices from that "
          "cost (unauthorised resellers: see gray_market). Distributor shipments into a territory another distributor "
          "holds exclusively are counted (summary `diversion.*`, "
          "the conflict index, timeseries `cross_territory_units`) and queued for monitoring; a distributor ships "
          "such an order only when its margin on it beats monitoring's trace probability × the cost of the "
          "enforcement ladder ahead of it (see monitoring_enforcement). Shared territories (`exclusive: false`): each "
          "distributor of the group meets, after pricing, the lowest landed cost a rival of its group offers a "
          "diverting store it supplies (down to its own buying cost; a tie keeps the store), so competition for the "
          "stores moves wholesale prices and margins. Scenarios: "
          "`scenarios/territory_diversion.yaml`.",
      .makeSpec = [] { return std::make_unique<DiversionSpec>(); },
      .fields = [](MechanismSpec&, FieldVisitor&, const ScenarioSpec&) {},
      .groupFields = [](MechanismSpec& s, FieldVisitor& v, const ScenarioSpec&, const MemberGroupSpec&,
                        std::size_t group,
                        GroupSlot slot) { static_cast<DiversionSpec&>(s).groupFields(v, group, slot); },
      // no top-level section to write
      .used = [](const MechanismSpec&) { return false; },
      .create = [](const MechanismSpec& s, const World& w) -> std::unique_ptr<Mechanism> {
        return std::make_unique<Diversion>(static_cast<const DiversionSpec&>(s), w);
      },
  };
}

}  // namespace chan::mechanisms
