// Service effort as a decision (deck ch. 3: service providers bring experience and loyalty;
// Telser 1960, Mathewson & Winter 1984): an outlet group with `service_effort` chooses its
// service level s, the term service_weight x s of its consumers' utility, every `review_period`
// ticks to maximise its own profit per tick at its current price,
//   (net unit revenue - buying cost) x q(s) - eta s^2 / 2,
// the effort costing eta s^2 / 2 per tick (paid out of the channel, to operations). Pricing then
// re-prices given the effort, so margin buys service: with linear demand q = a - b p + k s the
// two best responses meet at m = (a - b w) / (2b - k^2/eta), s = k m / eta (VALIDATION.md
// section 9; `chansim validate --case service_effort`).
#include <algorithm>
#include <memory>
#include <vector>

#include "mechanisms/mechanism.hpp"
#include "models/optimize.hpp"
#include "models/pricing.hpp"

namespace chan::mechanisms {
namespace {

constexpr double kEffortTolerance = 1e-10;  // Brent's tolerance on the effort level

/// One group's `service_effort` section.
struct Effort {
  bool enabled = false;  // the section is given
  double cost = 1;       // eta: effort s costs eta s^2 / 2 per tick
  double max = 1;        // highest service level the group may choose
  int reviewPeriod = 1;  // ticks between effort decisions
  int grid = 20;         // effort levels scanned before Brent refines
};

struct ServiceEffortSpec final : MechanismSpec {
  std::vector<Effort> groups;  // per member group (missing or not enabled: fixed service level)

  const Effort* of(std::size_t group) const {
    return group < groups.size() && groups[group].enabled ? &groups[group] : nullptr;
  }

  void groupFields(FieldVisitor& v, const MemberGroupSpec& g, std::size_t group, GroupSlot slot) {
    if (slot != GroupSlot::Economics) return;
    groups.resize(std::max(groups.size(), group + 1));
    Effort& e = groups[group];
    v.section(
        {.name = "service_effort",
         .doc = "outlets only: the group chooses its service level (effort) to maximise its own profit"},
        e.enabled,
        [&e](FieldVisitor& s) {
          s.number({.name = "cost", .doc = "eta: a service level s costs eta s²/2 per tick", .unit = "currency per tick",
                    .min = 1e-12, .max = 1e12},
                   e.cost);
          s.number({.name = "max", .doc = "highest service level the group may choose", .unit = "service level",
                    .min = 0, .max = 1e6},
                   e.max);
          s.integer({.name = "review_period", .doc = "ticks between effort decisions", .unit = "ticks", .min = 1,
                     .max = 1e7},
                    e.reviewPeriod);
          s.integer({.name = "grid", .doc = "effort levels scanned before refining", .min = 3, .max = 1000}, e.grid);
        },
        [](const Checker&) {});
    v.check([&e, &g](const Checker& c) {
      if (e.enabled && !isOutlet(g.kind)) c.fail("service_effort", "only outlets choose a service effort");
    });
  }
};

class ServiceEffort final : public Mechanism {
 public:
  ServiceEffort(const ServiceEffortSpec& spec, const World& w) : m_of(w.members.size(), nullptr) {
    for (std::size_t m = 0; m < m_of.size(); ++m)
      if ((m_of[m] = spec.of(idx(w.members.group[m])))) m_members.push_back(static_cast<int>(m));
  }

  void start(World& w) override {
    // the group's service_level is where its effort starts
    for (int m : m_members) w.members.serviceLevel[idx(m)] = std::min(w.members.serviceLevel[idx(m)], m_of[idx(m)]->max);
  }

  void beforePricing(World& w) override {
    // each member due chooses its effort at today's prices, its own included (pricing then
    // answers the new effort): a best response to the demand its consumers' choice model gives
    const models::PriceContext ctx = w.members.price;
    for (int m : m_members) {
      const Effort& e = *m_of[idx(m)];
      if (!w.members.active[idx(m)] || (w.tick - 1) % e.reviewPeriod != 0) continue;
      const double price = w.members.price[idx(m)];
      const double unitMargin = models::netUnitRevenue(w, m, price) - models::buyingCost(w, m, ctx);
      double& level = w.members.serviceLevel[idx(m)];
      // with showrooming its own customers carry part of its service to the online offer
      // (World::spillover): it probes with them, not with the network's mean
      w.spillover.focus = w.members.outletIndex[idx(m)], w.spillover.focusLevel = level;
      auto profit = [&](double s) {
        level = s;
        return unitMargin * models::demandFaced(w, m, price, ctx) - 0.5 * e.cost * s * s;
      };
      level = models::maximizeScanned(profit, 0.0, e.max, e.grid, kEffortTolerance).first;
      w.spillover.focus = -1;
    }
  }

  void afterPricing(World& w) override {
    // today's effort is paid today
    double level = 0, members = 0;
    m_todayCost = 0;
    for (int m : m_members) {
      if (!w.members.active[idx(m)]) continue;
      const double s = w.members.serviceLevel[idx(m)];
      const double cost = 0.5 * m_of[idx(m)]->cost * s * s;
      w.payOther(m, w.ledger.account(External::Operations), cost);
      level += s, members += 1, m_todayCost += cost;
    }
    m_todayLevel = members > 0 ? level / members : 0.0;
  }

  void endTick(const World&) override {
    m_perTick.push_back(m_todayLevel);
    m_run.levelSum += m_todayLevel, m_run.ticks += 1, m_run.cost += m_todayCost;
  }

  void beginMeasurement() override { m_run = {}; }

  void timeseriesColumns(std::vector<std::string>& columns) const override {
    if (!m_members.empty()) columns.push_back("service_effort");
  }
  void tickValues(std::size_t tick, std::vector<double>& values) const override {
    if (!m_members.empty()) values.push_back(m_perTick[tick]);
  }

  void summarize(const World& w, Summary& s) const override {
    double units = 0;
    for (int m : m_members) units += w.flows.unitsSold[idx(m)];
    // the mean over the measured ticks of each day's mean level
    s.emplace_back("service_effort.mean_level", m_run.ticks > 0 ? m_run.levelSum / m_run.ticks : 0.0);
    s.emplace_back("service_effort.cost", m_run.cost);
    s.emplace_back("service_effort.units", units);
  }

 private:
  struct Totals {
    double levelSum = 0, ticks = 0, cost = 0;  // of the daily mean levels, days, effort costs
  };
  std::vector<const Effort*> m_of;  // per member: its group's section (nullptr: fixed service)
  std::vector<int> m_members;       // the members that choose their effort
  std::vector<double> m_perTick;    // each tick's mean effort (timeseries service_effort)
  double m_todayLevel = 0, m_todayCost = 0;
  Totals m_run;
};

}  // namespace

MechanismEntry service_effort() {
  return {
      .name = "service_effort",
      .doc = "Service effort as a decision (deck ch. 3; Telser 1960): every `review_period` ticks each member of an "
             "outlet group with `service_effort` sets its service level s in [0, `max`], the term service_weight × s "
             "of its consumers' utility, to maximise (net unit revenue − buying cost) × expected units − `cost` × "
             "s²/2 at today's prices; pricing then answers the new level, and the effort costs `cost` × s²/2 per "
             "tick (other expense). The group's `service_level` is the starting level. Timeseries: `service_effort` "
             "(mean level). Summary: `service_effort.mean_level`, `service_effort.cost`, `service_effort.units`. "
             "Validation: `chansim validate --case service_effort`.",
      .makeSpec = [] { return std::make_unique<ServiceEffortSpec>(); },
      .fields = [](MechanismSpec&, FieldVisitor&, const ScenarioSpec&) {},
      .groupFields = [](MechanismSpec& s, FieldVisitor& v, const ScenarioSpec&, const MemberGroupSpec& g,
                        std::size_t group,
                        GroupSlot slot) { static_cast<ServiceEffortSpec&>(s).groupFields(v, g, group, slot); },
      .used =
          [](const MechanismSpec& s) {
            const auto& groups = static_cast<const ServiceEffortSpec&>(s).groups;
            return std::any_of(groups.begin(), groups.end(), [](const Effort& e) { return e.enabled; });
          },
      .create = [](const MechanismSpec& s, const World& w) -> std::unique_ptr<Mechanism> {
        return std::make_unique<ServiceEffort>(static_cast<const ServiceEffortSpec&>(s), w);
      },
  };
}

}  // namespace chan::mechanisms
