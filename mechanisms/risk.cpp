// Risk events and responses (deck ch. 4: licences, credit, defaults, disruptions, emergency
// response, information security). Every tick, at the review stage before any other review:
// scheduled disruptions stop a member shipping for their duration (Members::disrupted, read by
// replenishment and by whoever picks a source); licences past their expiry are audited with
// monitoring's audit probability (World::policing) and a lapsed licence ends the member; an
// outlet's point-of-sale data exchange is compromised with `breach_probability` (its sales data is
// withheld from the members above it for `breach_days`, and the incident costs it `breach_cost`);
// a member whose cash fell below −`credit_line` goes bankrupt. The decisions it changes: who
// ships (disruptions), who stays in the channel (audits, defaults), which supplier a buyer has
// (the `reassign` response), what upstream members forecast from (breaches) and, under a
// disruption, the price outlets may charge (`price_cap`).
//
// Still shared: the responses are published in World::riskResponse for the channel control that
// applies them wherever a member leaves (models::terminate reassigns its buyers, with the
// emergency cost on their new contracts) and for the engine, which caps outlet prices after
// every pricing hook (promotions included) while any member is disrupted; the summary keys
// `risk.*` are counted from the events by sim/engine/metrics.cpp.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "mechanisms/mechanism.hpp"
#include "sim/core/spec_limits.hpp"
#include "models/channel_control.hpp"

namespace chan::mechanisms {
namespace {

using limits::kHuge;  // bound on money amounts
constexpr double kMaxTicks = static_cast<double>(limits::kMaxTicks);
constexpr double kMaxMembersPerGroup = static_cast<double>(limits::kMaxMembersPerGroup);
constexpr double kRecovered = 0.99;          // daily sales back to this share of the pre-disruption mean ...
constexpr std::size_t kRecoveryWindow = 7;   // ... as a trailing mean over this many days (a week)

/// A member that stops shipping for a while (supply disruption).
struct Disruption {
  int group = -1;     // index into ScenarioSpec::groups
  int member = 0;     // index within the group
  int start = 1;      // first tick
  int duration = 30;  // ticks

  void fields(FieldVisitor& v) {
    v.groupRef({.name = "group", .doc = "the disrupted member's group", .required = true}, group);
    v.integer({.name = "member", .doc = "which member of the group (below its count)", .min = 0,
               .max = kMaxMembersPerGroup},
              member);
    v.integer({.name = "start", .doc = "first tick it ships nothing", .unit = "tick", .min = 1, .max = kMaxTicks,
               .required = true},
              start);
    v.integer({.name = "duration", .doc = "how long it ships nothing", .unit = "ticks", .min = 1, .max = kMaxTicks,
               .required = true},
              duration);
  }
};

struct RiskSpec final : MechanismSpec {
  double creditLine = -1;  // < 0: no defaults; cash below -creditLine -> bankruptcy
  std::vector<Disruption> disruptions;
  RiskResponse response;
  // information security (deck ch. 4): an outlet's point-of-sale data exchange is compromised
  double breachProbability = 0;  // per outlet-day
  int breachDays = 14;           // ticks its data is withheld from the members upstream
  double breachCost = 0;         // the outlet's cost of each incident

  /// Defaults, disruptions or a response are set (written as one block, as they always were).
  bool events() const {
    return creditLine >= 0 || !disruptions.empty() || response.reassign || response.emergencyCost > 0 ||
           response.priceCap > 0;
  }
  bool used() const { return events() || breachProbability > 0; }

  void fields(FieldVisitor& v, const ScenarioSpec& scenario) {
    const bool write = v.purpose() == FieldVisitor::Purpose::Write;
    bool present = used();
    v.section({.name = "risk", .doc = "defaults, disruptions and information security"}, present,
              [&](FieldVisitor& s) {
                // the resolved file keeps the two blocks it always had: each written only when on
                if (!write || events()) {
                  s.number({.name = "credit_line",
                            .doc = "a member whose cash falls below −credit_line goes bankrupt (−1: no defaults)",
                            .unit = "currency", .min = -1, .max = kHuge},
                           creditLine);
                  VectorAccess<Disruption> items(disruptions, [&scenario](const std::vector<Disruption>& d, std::size_t i,
                                                                          const Checker& c) {
                    if (d[i].member >= scenario.groups[idx(d[i].group)].count) c.fail("member", "beyond the group's count");
                  });
                  s.list({.name = "disruptions", .doc = "members that stop shipping for a while"}, items);
                  bool given = write;
                  s.section({.name = "response", .doc = "the emergency response"}, given,
                            [&](FieldVisitor& r) {
                              r.boolean({.name = "reassign",
                                         .doc = "when a supplier is disrupted or leaves, its buyers move to the nearest "
                                                "active, undisrupted member of its group"},
                                        response.reassign);
                              r.number({.name = "emergency_cost", .doc = "extra cost per unit shipped to reassigned buyers",
                                        .unit = "currency per unit", .min = 0, .max = kHuge},
                                       response.emergencyCost);
                              r.number({.name = "price_cap",
                                        .doc = "while any member is disrupted, outlets cap their prices at this (0: none)",
                                        .unit = "currency per unit", .min = 0, .max = kHuge},
                                       response.priceCap);
                            },
                            nullptr);
                }
                if (!write || breachProbability > 0) {
                  s.number({.name = "breach_probability",
                            .doc = "per outlet-day: its point-of-sale data exchange is compromised (a data_breach event)",
                            .unit = "probability", .min = 0, .max = 1},
                           breachProbability);
                  s.integer({.name = "breach_days",
                             .doc = "for this long the members above it forecast from the orders they receive instead "
                                    "of the shared sales data",
                             .unit = "ticks", .min = 1, .max = kMaxTicks},
                            breachDays);
                  s.number({.name = "breach_cost", .doc = "the outlet's cost of each incident", .unit = "currency",
                            .min = 0, .max = kHuge},
                           breachCost);
                }
              },
              nullptr);
  }
};

class Risk final : public Mechanism {
 public:
  explicit Risk(const RiskSpec& spec) : m_spec(spec) {}

  void start(World& w) override { w.riskResponse = m_spec.response; }
  void review(World& w) override;

  void afterDemand(World&, const std::vector<double>& served, const std::vector<double>&) override {
    m_soldToday = 0;
    for (double units : served) m_soldToday += units;
  }

  void endTick(const World& w) override {
    bool disrupted = false;  // a supply disruption is under way (reviews set it, terminations end it)
    for (std::size_t m = 0; m < w.members.size() && !disrupted; ++m) disrupted = models::disrupted(w, static_cast<int>(m));
    m_days.push_back({w.tick, m_soldToday, disrupted});
  }

  void beginMeasurement() override { m_days.clear(); }

  void summarize(const World& w, Summary& s) const override;

 private:
  /// One measured tick: units sold to consumers, and whether a disruption was under way.
  struct Day {
    int tick;
    double sold;
    bool disrupted;
  };

  const RiskSpec& m_spec;
  double m_soldToday = 0;
  std::vector<Day> m_days;
};

void Risk::summarize(const World& w, Summary& s) const {
  double defaults = 0, disruptions = 0, lapses = 0, breaches = 0;
  for (const Event& e : w.events) {
    defaults += e.type == Event::Type::Default;
    disruptions += e.type == Event::Type::Disruption;
    lapses += e.type == Event::Type::LicenceLapse;
    breaches += e.type == Event::Type::DataBreach;
  }
  // Sales lost while a disruption lasts, against the mean daily sales before it, and the ticks
  // from its start until sales, having fallen below kRecovered of that mean, are back above
  // it. Sales are smoothed over kRecoveryWindow days: one lucky day must not count as a
  // recovery (nor one unlucky day as a fall).
  const std::size_t skip = w.spec->warmup > 0 ? 0 : m_days.size() / kUnsettledShare;
  double before = 0, beforeN = 0, lost = 0;
  int firstDisrupted = -1, recovered = -1;
  bool fell = false;
  std::vector<double> recent;  // daily sales since the disruption started
  for (const Day& d : m_days) {
    if (d.disrupted && firstDisrupted < 0) firstDisrupted = d.tick;
    if (firstDisrupted < 0) {
      if (d.tick > static_cast<int>(skip)) before += d.sold, beforeN += 1;
      continue;
    }
    const double baseline = beforeN > 0 ? before / beforeN : 0.0;
    if (d.disrupted) lost += std::max(0.0, baseline - d.sold);
    recent.push_back(d.sold);
    if (recent.size() < kRecoveryWindow || recovered >= 0) continue;
    double smoothed = 0;
    for (std::size_t k = recent.size() - kRecoveryWindow; k < recent.size(); ++k) smoothed += recent[k];
    smoothed /= static_cast<double>(kRecoveryWindow);
    if (smoothed < kRecovered * baseline) fell = true;
    else if (fell) recovered = d.tick;
  }
  if (firstDisrupted >= 0 && !fell) recovered = firstDisrupted;  // sales never fell: nothing to recover
  s.emplace_back("risk.events", defaults + disruptions + lapses + breaches);
  s.emplace_back("risk.defaults", defaults);
  s.emplace_back("risk.data_breaches", breaches);
  s.emplace_back("risk.lost_units_in_disruption", lost);
  s.emplace_back("risk.recovery_ticks", firstDisrupted < 0 ? 0.0 : recovered < 0 ? -1.0 : recovered - firstDisrupted);
}

void Risk::review(World& w) {
  Members& mb = w.members;
  const RiskSpec& r = m_spec;
  // who is disrupted today (first, so that a reassignment below moves buyers to undisrupted peers)
  std::fill(mb.disrupted.begin(), mb.disrupted.end(), 0);
  for (const Disruption& d : r.disruptions)
    if (w.tick >= d.start && w.tick < d.start + d.duration) mb.disrupted[idx(w.groupMembers[idx(d.group)][idx(d.member)])] = 1;
  for (const Disruption& d : r.disruptions) {
    if (d.start != w.tick) continue;
    const int m = w.groupMembers[idx(d.group)][idx(d.member)];
    w.events.push_back({w.tick, Event::Type::Disruption, m, -1, 0, static_cast<double>(d.duration), true,
                        r.response.reassign ? "reassign" : ""});
    if (r.response.reassign) models::reassignBuyers(w, m);
  }
  const double audit = w.policing.auditProbability;
  for (std::size_t i = 0; i < mb.size(); ++i) {
    const int m = static_cast<int>(i);
    if (!mb.active[i] || mb.kind[i] == MemberKind::Manufacturer) continue;
    const int expiry = w.groupOf(m).licenceExpiry;
    if (expiry > 0 && w.tick > expiry &&
        models::memberChance(w, StreamPurpose::Monitoring, m, models::draw::kAudit) < audit) {
      w.events.push_back({w.tick, Event::Type::LicenceLapse, m, -1, 0, static_cast<double>(w.tick - expiry), true, "terminate"});
      models::terminate(w, m, "licence lapsed");
      continue;
    }
    // information security: an outlet's point-of-sale feed compromised (see Engine::replenish)
    if (r.breachProbability > 0 && isOutlet(mb.kind[i]) && w.tick >= mb.breachedUntil[i] &&
        models::memberChance(w, StreamPurpose::Breach, m, models::draw::kBreach) < r.breachProbability) {
      mb.breachedUntil[i] = w.tick + r.breachDays;
      w.payOther(m, w.ledger.account(External::Operations), r.breachCost);
      w.events.push_back({w.tick, Event::Type::DataBreach, m, -1, 0, static_cast<double>(r.breachDays), true, ""});
    }
    if (r.creditLine >= 0 && w.ledger.balance(m) < -r.creditLine) {
      w.events.push_back({w.tick, Event::Type::Default, m, mb.supplier[i], 0, -w.ledger.balance(m), true, "bankruptcy"});
      models::terminate(w, m, "bankruptcy");
    }
  }
}

}  // namespace

MechanismEntry risk() {
  return {
      .name = "risk",
      .doc = "Risk events and responses (deck ch. 4), section `risk`, reviewed every tick before any other review. "
             "`disruptions` stop a member shipping from `start` for `duration` ticks (a `disruption` event); with "
             "`response.reassign` the buyers of a disrupted or departed supplier move to the nearest active, "
             "undisrupted member of its group, paying `emergency_cost` per unit shipped to them; with "
             "`response.price_cap` outlets cap their prices at it while any member is disrupted. A member whose cash "
             "falls below −`credit_line` goes bankrupt (a `default` event; terminated). Licences past "
             "`members[].licence_expiry` are audited with `monitoring.audit_probability` per member-day (a "
             "`licence_lapse` event; terminated). Each outlet-day its point-of-sale data exchange is compromised with "
             "`breach_probability` (a `data_breach` event): for `breach_days` every member above it forecasts from "
             "the orders it receives instead of the shared sales data (`coordination.shared_sales`/`visibility`), "
             "and the incident costs it `breach_cost`. Summary: `risk.*`. Scenarios: "
             "`scenarios/distributor_default.yaml`, `scenarios/data_breach.yaml`.",
      .makeSpec = [] { return std::make_unique<RiskSpec>(); },
      .fields = [](MechanismSpec& s, FieldVisitor& v,
                   const ScenarioSpec& scenario) { static_cast<RiskSpec&>(s).fields(v, scenario); },
      .used = [](const MechanismSpec& s) { return static_cast<const RiskSpec&>(s).used(); },
      .create = [](const MechanismSpec& s, const World&) -> std::unique_ptr<Mechanism> {
        return std::make_unique<Risk>(static_cast<const RiskSpec&>(s));
      },
  };
}

}  // namespace chan::mechanisms
