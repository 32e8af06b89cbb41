// Monitoring and enforcement (deck ch. 2, 6: price and diversion monitoring, the escalation
// ladder, security deposits, mediation). Every day each active authorised outlet priced below its brand's
// MAP commits a violation (a `price_undercut` event, recorded whether or not anyone watches);
// monitoring sees it with the online or offline detection probability, and traces each
// off-contract shipment of the day (cross-territory or gray market) with the diversion detection
// probability, or the traceability one with serial codes. The n-th detected violation of a member
// gets the n-th rung of the ladder, the last rung repeating. Resellers post a security deposit
// with their brand's manufacturer at set-up; the manufacturer pays for watching every active
// outlet of its network. Mediation: each day the units an online outlet sold that consumers
// would otherwise have bought at its brand's stores (`cannibalization` events, recorded always)
// are compensated to those stores at `compensation_per_unit`, shared by their sales of the day.
// The decisions it changes: a violator's supply (suspension), its place in
// the channel (termination), and, through what it publishes in World::policing (the trace
// probability, the ladder and what each rung costs, the audit probability), what opportunistic
// pricing, gray-market sellers and diverting distributors expect a violation to cost (deterrence
// by the whole ladder, models::ladderCost) and how often risk audits licences.
//
// The two sections are one mechanism because a detection and the action it triggers happen
// together: a termination's event comes before the violation that caused it in events.csv, and
// a member terminated for one violation is no longer policed for the next.
//
// Still shared: the summary keys (`conflict.*` of MAP violations, `enforcement.<action>`,
// `diversion.detected_share`) are counted from the events by sim/engine/metrics.cpp, where they
// sit among the other conflict metrics of summary.json.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "mechanisms/mechanism.hpp"
#include "sim/core/spec_limits.hpp"
#include "models/channel_control.hpp"

namespace chan::mechanisms {
namespace {

/// Rungs of the escalation ladder (names: kActions).
enum class Action : int { Warning, Fine, ForfeitDeposit, Suspend, Terminate };
const std::vector<std::string> kActions = {"warning", "fine", "forfeit_deposit", "suspend", "terminate"};

using limits::kHuge;                                                      // bound on money amounts
constexpr double kMaxTicks = static_cast<double>(limits::kMaxTicks);  // bound on durations

/// Price and diversion monitoring, licence audits (the `monitoring` section).
struct MonitoringSpec {
  bool enabled = false;                 // the section is given (and not `enabled: false`)
  double onlineDetection = 0.8;         // chance a day below MAP is seen at an online outlet
  double offlineDetection = 0.2;        // ... at a physical outlet
  double costPerOutletDay = 0;          // paid by the manufacturer per outlet monitored per day
  double diversionDetection = 0.1;      // chance an off-contract shipment is traced
  bool traceability = false;            // serial-code tracking raises diversion detection ...
  double traceabilityDetection = 0.7;   // ... to this
  double auditProbability = 0;          // chance per member-day of a licence audit

  void fields(FieldVisitor& v) {
    v.section({.name = "monitoring", .doc = "price and diversion monitoring, licence audits (on when given)"}, enabled,
              [this](FieldVisitor& s) {
                if (s.purpose() != FieldVisitor::Purpose::Write) {  // the section's presence switches it on
                  enabled = true;
                  s.boolean({.name = "enabled", .doc = "false: the section is kept but off"}, enabled);
                }
                s.number({.name = "online_detection", .doc = "probability that a day below MAP is seen at an online outlet",
                          .unit = "probability", .min = 0, .max = 1},
                         onlineDetection);
                s.number({.name = "offline_detection", .doc = "the same at a physical outlet", .unit = "probability",
                          .min = 0, .max = 1},
                         offlineDetection);
                s.number({.name = "cost_per_outlet_day",
                          .doc = "paid by the manufacturer for each active outlet of its network each day",
                          .unit = "currency", .min = 0, .max = kHuge},
                         costPerOutletDay);
                s.number({.name = "diversion_detection",
                          .doc = "probability that an off-contract shipment (cross-territory or gray market) is traced",
                          .unit = "probability", .min = 0, .max = 1},
                         diversionDetection);
                s.boolean({.name = "traceability", .doc = "serial-code tracking: traces with traceability_detection instead"},
                          traceability);
                s.number({.name = "traceability_detection", .doc = "trace probability with serial codes",
                          .unit = "probability", .min = 0, .max = 1},
                         traceabilityDetection);
                s.number({.name = "audit_probability",
                          .doc = "probability per member-day of a licence audit (members[].licence_expiry)",
                          .unit = "probability", .min = 0, .max = 1},
                         auditProbability);
              },
              nullptr);
  }
};

/// What a detected violation costs (the `enforcement` section), and mediation.
struct EnforcementSpec {
  bool enabled = false;  // the section is given (and not `enabled: false`)
  std::vector<int> ladder{static_cast<int>(Action::Warning), static_cast<int>(Action::Fine),
                          static_cast<int>(Action::ForfeitDeposit), static_cast<int>(Action::Suspend),
                          static_cast<int>(Action::Terminate)};
  double fine = 200;               // currency per fine, paid to the manufacturer
  double deposit = 0;              // security deposit each reseller posts at set-up
  int suspensionTicks = 14;        // supply suspension length
  double compensationPerUnit = 0;  // mediation: online outlets pay stores per cannibalised unit
  double terminationDays = 365;    // days of margin a member reckons termination costs it

  void fields(FieldVisitor& v) {
    v.section({.name = "enforcement", .doc = "the escalation ladder, fines, deposits, mediation (on when given)"}, enabled,
              [this](FieldVisitor& s) {
                if (s.purpose() != FieldVisitor::Purpose::Write) {
                  enabled = true;
                  s.boolean({.name = "enabled", .doc = "false: the section is kept but off"}, enabled);
                }
                s.choices({.name = "ladder",
                           .doc = "the n-th detected violation of a member gets the n-th action, the last repeating"},
                          ladder, kActions);
                s.number({.name = "fine", .doc = "per fine, paid to the manufacturer", .unit = "currency", .min = 0,
                          .max = kHuge},
                         fine);
                s.number({.name = "deposit",
                          .doc = "security deposit every reseller posts with its brand's manufacturer at set-up "
                                 "(forfeit_deposit takes it)",
                          .unit = "currency", .min = 0, .max = kHuge},
                         deposit);
                s.integer({.name = "suspension_ticks", .doc = "suspend: no supply for this long", .unit = "ticks",
                           .min = 1, .max = kMaxTicks},
                          suspensionTicks);
                s.number({.name = "compensation_per_unit",
                          .doc = "mediation: online outlets pay the brand's physical stores this per cannibalised unit, "
                                 "shared by the stores' sales of the day",
                          .unit = "currency per unit", .min = 0, .max = kHuge},
                         compensationPerUnit);
                s.number({.name = "termination_days",
                          .doc = "what members reckon termination costs them: this many days of their margin (the "
                                 "value of their future margin in the channel)",
                          .unit = "days",
                          .min = 0,
                          .max = kMaxTicks},
                         terminationDays);
              },
              [this](const Checker& c) {
                if (ladder.empty()) c.fail("ladder", "needs at least one action");
              });
  }
};

struct PolicingSpec final : MechanismSpec {
  MonitoringSpec monitoring;
  EnforcementSpec enforcement;
};

class MonitoringEnforcement final : public Mechanism {
 public:
  explicit MonitoringEnforcement(const PolicingSpec& spec) : m_mon(spec.monitoring), m_enf(spec.enforcement) {}

  void start(World& w) override {
    // what behaviours weigh: the chance a shipment is traced, the fine, licence audits
    if (m_mon.enabled) {
      w.policing.traceProbability = m_mon.traceability ? m_mon.traceabilityDetection : m_mon.diversionDetection;
      w.policing.auditProbability = m_mon.auditProbability;
    }
    if (m_enf.enabled) {
      // the whole ladder, which members weigh before a violation (models::ladderCost)
      w.policing.fine = m_enf.fine;
      w.policing.ladder = m_enf.ladder;
      w.policing.suspensionTicks = m_enf.suspensionTicks;
      w.policing.terminationDays = m_enf.terminationDays;
    }
    postDeposits(w);
  }

  void afterDemand(World& w, const std::vector<double>& served, const std::vector<double>& cannibalized) override;
  bool decidesOnCannibalized() const override { return m_enf.enabled && m_enf.compensationPerUnit > 0; }
  void monitor(World& w, std::vector<Event>& traceable) override;

  void summarize(const World& w, Summary& s) const override {
    // the actions taken on the run's events (the first word of an event's action), whichever
    // rung, audit or mediation took them
    const auto kActions = {"warning", "fine", "forfeit_deposit", "forfeit_none_posted", "suspend", "terminate", "compensate"};
    for (const char* action : kActions) {
      double count = 0;
      for (const Event& e : w.events) count += e.action.substr(0, e.action.find(' ')) == action;
      s.emplace_back(std::string("enforcement.") + action, count);
    }
  }

 private:
  void postDeposits(World& w) const;
  std::string enforce(World& w, int member) const;

  const MonitoringSpec& m_mon;
  const EnforcementSpec& m_enf;
};

void MonitoringEnforcement::postDeposits(World& w) const {
  // after gray_market's start (registration order): unauthorised resellers post none
  const double d = m_enf.deposit;
  if (!m_enf.enabled || d <= 0) return;
  for (std::size_t m = 0; m < w.members.size(); ++m) {
    const int maker = models::makerOf(w, static_cast<int>(m));
    if (!models::authorisedReseller(w, static_cast<int>(m)) || !w.members.active[m] || maker < 0) continue;
    // a deposit is an asset of the reseller and a liability of the maker: cash moves, profit does not
    w.ledger.transfer(static_cast<int>(m), maker, d);
    w.flows.otherCash[m] -= d;
    w.flows.otherCash[idx(maker)] += d;
    w.members.depositPosted[m] = d;
    w.members.depositHeld[idx(maker)] += d;
  }
}

std::string MonitoringEnforcement::enforce(World& w, int m) const {
  if (!m_enf.enabled) return "";
  Members& mb = w.members;
  const int step = std::min<int>(mb.strikes[idx(m)]++, static_cast<int>(m_enf.ladder.size()) - 1);
  const int maker = models::makerOf(w, m);
  switch (static_cast<Action>(m_enf.ladder[idx(step)])) {
    case Action::Warning: return "warning";
    case Action::Fine:
      w.payOther(m, maker, m_enf.fine);
      return "fine";
    case Action::ForfeitDeposit: {
      const double d = mb.depositPosted[idx(m)];
      if (d <= 0) return "forfeit_none_posted";  // the step is taken, but there is nothing to forfeit
      // the deposit changes hands on the books only: the maker already holds the cash
      mb.depositPosted[idx(m)] = 0;
      mb.depositHeld[idx(maker)] -= d;
      w.flows.otherExpense[idx(m)] += d;
      w.flows.otherIncome[idx(maker)] += d;
      return "forfeit_deposit";
    }
    case Action::Suspend:
      mb.suspendedUntil[idx(m)] = w.tick + m_enf.suspensionTicks;
      return "suspend";
    case Action::Terminate:
      models::terminate(w, m, "enforcement");
      return "terminate";
  }
  return "";
}

void MonitoringEnforcement::afterDemand(World& w, const std::vector<double>& served,
                                        const std::vector<double>& cannibalized) {
  // each online outlet's sales that consumers would otherwise have bought at its brand's stores
  // are logged as conflict events (with or without enforcement) and, under mediation,
  // compensated per unit to the brand's stores in proportion to their own sales of the day
  constexpr double kNoUnits = 1e-9;  // cannibalised units below this count as none
  const double rate = m_enf.enabled ? m_enf.compensationPerUnit : 0.0;
  const Members& mb = w.members;
  for (std::size_t o = 0; o < w.outlets.size(); ++o) {
    const int m = w.outlets[o];
    const double units = cannibalized[o];
    if (!isOnline(mb.kind[idx(m)]) || !(served[o] > 0) || units <= kNoUnits) continue;
    w.events.push_back(
        {w.tick, Event::Type::Cannibalization, m, -1, units, units / served[o], true, rate > 0 ? "compensate" : ""});
    if (rate <= 0) continue;
    auto brandStore = [&](int s) { return !isOnline(mb.kind[idx(s)]) && mb.brand[idx(s)] == mb.brand[idx(m)]; };
    double storeSales = 0;
    for (std::size_t s = 0; s < w.outlets.size(); ++s)
      if (brandStore(w.outlets[s])) storeSales += served[s];
    for (std::size_t s = 0; s < w.outlets.size() && storeSales > 0; ++s)
      if (brandStore(w.outlets[s])) w.payOther(m, w.outlets[s], rate * units * served[s] / storeSales);
  }
}

void MonitoringEnforcement::monitor(World& w, std::vector<Event>& traceable) {
  Members& mb = w.members;
  // price: a day below MAP is a violation; monitoring sees it with the channel's probability
  for (int m : w.outlets) {
    if (!mb.active[idx(m)] || !models::authorisedReseller(w, m)) continue;  // the brand cannot police a gray seller
    const double map = w.productOf(m).minAdvertised;
    const double price = mb.price[idx(m)];
    if (!undercuts(price, map)) continue;
    ++mb.violationDays[idx(m)];
    const double p = isOnline(mb.kind[idx(m)]) ? m_mon.onlineDetection : m_mon.offlineDetection;
    const bool seen =
        m_mon.enabled && models::memberChance(w, StreamPurpose::Monitoring, m, models::draw::kPriceCheck) < p;
    std::string action;
    if (seen) ++mb.detections[idx(m)], action = enforce(w, m);
    w.events.push_back({w.tick, Event::Type::PriceUndercut, m, models::makerOf(w, m), 0, (map - price) / map, seen, action});
  }
  // off-contract shipments of the day (territory and gray market), traced more often with serial
  // codes; each is recorded after the action it triggered (a termination's event comes first)
  const double trace = w.policing.traceProbability;
  for (Event& e : traceable) {
    e.detected = m_mon.enabled && models::memberChance(w, StreamPurpose::Monitoring, e.member,
                                                       models::draw::kTrace + static_cast<std::uint64_t>(e.counterparty)) < trace;
    if (e.detected) e.action = enforce(w, e.member);
    w.events.push_back(e);
  }
  traceable.clear();
  // the manufacturer pays for watching every active outlet of its network (not gray sellers)
  if (m_mon.enabled && m_mon.costPerOutletDay > 0)
    for (int m : w.outlets)
      if (mb.active[idx(m)] && models::authorisedReseller(w, m) && models::makerOf(w, m) >= 0)
        w.payOther(models::makerOf(w, m), w.ledger.account(External::Operations), m_mon.costPerOutletDay);
}

}  // namespace

MechanismEntry monitoring_enforcement() {
  return {
      .name = "monitoring_enforcement",
      .doc =
          "Price and diversion monitoring and the enforcement ladder (deck ch. 2, 6), sections `monitoring` and "
          "`enforcement`. Every day each active authorised outlet priced below its brand's MAP commits a "
          "violation (a `price_undercut` event, recorded even unmonitored); monitoring sees it with "
          "`online_detection` or `offline_detection`, and traces each off-contract shipment of the day "
          "(`territory_diversion`, `gray_market` events) with `diversion_detection`, or `traceability_detection` "
          "with `traceability`. The n-th detected violation of a member gets the n-th rung of `ladder`, the last "
          "repeating: `warning`; `fine` (paid to the manufacturer); `forfeit_deposit` (the `deposit` every "
          "reseller posts with its brand's manufacturer at set-up; `forfeit_none_posted` without one); `suspend` "
          "(no supply for `suspension_ticks`); `terminate` (stock written off, deposit returned, goods still "
          "arriving written off). The manufacturer pays `cost_per_outlet_day` for each active outlet of its "
          "network. Opportunistic pricers, gray-market sellers and distributors asked to ship into another's "
          "exclusive territory weigh the chance of detection × the whole ladder ahead of them (the mean cost of "
          "its remaining rungs: fine, their deposit, `suspension_ticks` × their daily margin, `termination_days` × "
          "their daily margin); `audit_probability` drives risk's licence audits. Summary: `conflict.*` (MAP "
          "violations, detection), "
          "`enforcement.<action>`, `diversion.detected_share`. Mediation: each day the units an online outlet sold "
          "that consumers would otherwise have bought at its brand's stores (the choice model's counterfactual: "
          "`cannibalization` events, recorded always) are paid to those stores at `compensation_per_unit`, shared "
          "by their sales of the day (action `compensate`). Scenarios: `scenarios/map_enforcement.yaml`, "
          "`scenarios/territory_diversion.yaml`, `scenarios/gray_market.yaml`, `scenarios/estore_launch.yaml` "
          "(mediation).",
      .makeSpec = [] { return std::make_unique<PolicingSpec>(); },
      .fields =
          [](MechanismSpec& s, FieldVisitor& v, const ScenarioSpec&) {
            auto& spec = static_cast<PolicingSpec&>(s);
            spec.monitoring.fields(v);
            spec.enforcement.fields(v);
          },
      .used =
          [](const MechanismSpec& s) {
            const auto& spec = static_cast<const PolicingSpec&>(s);
            return spec.monitoring.enabled || spec.enforcement.enabled;
          },
      .create = [](const MechanismSpec& s, const World&) -> std::unique_ptr<Mechanism> {
        return std::make_unique<MonitoringEnforcement>(static_cast<const PolicingSpec&>(s));
      },
  };
}

}  // namespace chan::mechanisms
