// Vertical disputes over terms (deck ch. 2, conflict types): every `review_period` ticks each
// active authorised reseller whose unit margin on its supplier's current terms,
// (net unit revenue - buying price) / price, is below `margin_floor` disputes them; the supplier
// concedes a discount that restores the floor (up to `max_discount`), a mediator has it make good
// the shortfall on the units sold since the last check, or an arbiter awards `award_share` of it
// and the parties split the arbiter's fee. The decision it changes: the reseller's supply terms
// (concession), hence its buying price and the price it sets.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "mechanisms/mechanism.hpp"
#include "models/channel_control.hpp"
#include "models/pricing.hpp"

namespace chan::mechanisms {
namespace {

/// How a supplier answers a margin dispute (names: kResolutions).
enum class Resolution : int { None, Concession, Mediation, Arbitration };
const std::vector<std::string> kResolutions = {"none", "concession", "mediation", "arbitration"};

struct DisputesSpec final : MechanismSpec {
  bool enabled = false;      // the section is given (and not `enabled: false`)
  int reviewPeriod = 7;      // ticks between margin checks
  double marginFloor = 0.1;  // unit margin below which a reseller disputes its terms
  int resolution = static_cast<int>(Resolution::None);
  double maxDiscount = 0.5;  // concession: the discount is raised at most to this
  double awardShare = 0.5;   // arbitration: share of the shortfall awarded to the reseller
  double arbitrationFee = 0; // arbitration: the arbiter's fee per case, split between the parties

  bool arbitration() const { return resolution == static_cast<int>(Resolution::Arbitration); }

  void fields(FieldVisitor& v) {
    v.section({.name = "disputes", .doc = "vertical disputes over terms (on when the section is given)"}, enabled,
              [this](FieldVisitor& s) {
                // the section's presence switches it on; `enabled: false` keeps it in the file but off
                if (s.purpose() != FieldVisitor::Purpose::Write) {
                  enabled = true;
                  s.boolean({.name = "enabled", .doc = "false: the section is kept but off"}, enabled);
                }
                s.integer({.name = "review_period", .doc = "ticks between margin checks", .unit = "ticks", .min = 1,
                           .max = 1e7},
                          reviewPeriod);
                s.number({.name = "margin_floor",
                          .doc = "(net unit revenue − buying price) / price below this: the reseller disputes its terms",
                          .unit = "fraction", .min = -1, .max = 1},
                         marginFloor);
                s.choice({.name = "resolution", .doc = "how the supplier answers"}, resolution, kResolutions);
                s.number({.name = "max_discount", .doc = "concession: the discount is raised at most to this",
                          .unit = "fraction", .min = 0, .max = 1},
                         maxDiscount);
                if (s.purpose() == FieldVisitor::Purpose::Write && !arbitration()) return;
                s.number({.name = "award_share", .doc = "arbitration only: share of the shortfall awarded to the reseller",
                          .unit = "fraction", .min = 0, .max = 1},
                         awardShare);
                s.number({.name = "arbitration_fee", .doc = "arbitration only: the arbiter's fee per case, split",
                          .unit = "currency", .min = 0, .max = 1e12},
                         arbitrationFee);
              },
              [this](const Checker& c) {
                for (const char* key : {"award_share", "arbitration_fee"})
                  if (c.has(key) && !arbitration()) c.fail(key, "only with resolution: arbitration");
              });
  }
};

class Disputes final : public Mechanism {
 public:
  Disputes(const DisputesSpec& spec, const World& w) : m_spec(spec), m_unitsMark(w.members.size(), 0.0) {}

  void review(World& w) override {
    const double before = m_raised;
    reviewMargins(w);
    m_today = m_raised - before;
  }

  void timeseriesColumns(std::vector<std::string>& columns) const override { columns.push_back("margin_disputes"); }
  void endTick(const World&) override { m_perTick.push_back(m_today), m_today = 0; }
  void tickValues(std::size_t tick, std::vector<double>& values) const override { values.push_back(m_perTick[tick]); }

  void beginMeasurement() override {
    m_raised = m_shortfall = m_concessions = m_compensation = m_arbitrationFees = 0;
  }

  void summarize(const World&, Summary& s) const override {
    s.emplace_back("disputes.raised", m_raised);
    s.emplace_back("disputes.mean_shortfall", m_raised > 0 ? m_shortfall / m_raised : 0.0);
    s.emplace_back("disputes.concessions", m_concessions);
    s.emplace_back("disputes.compensation", m_compensation);
    s.emplace_back("disputes.arbitration_fees", m_arbitrationFees);
  }

 private:
  void reviewMargins(World& w);

  const DisputesSpec& m_spec;
  std::vector<double> m_unitsMark;  // per member: units sold at the last check
  std::vector<double> m_perTick;    // disputes raised each tick (timeseries margin_disputes)
  double m_today = 0;
  // running totals
  double m_raised = 0, m_shortfall = 0, m_concessions = 0, m_compensation = 0, m_arbitrationFees = 0;
};

void Disputes::reviewMargins(World& w) {
  const DisputesSpec& d = m_spec;
  if (!d.enabled || w.tick % d.reviewPeriod != 0) return;
  Members& mb = w.members;
  for (std::size_t i = 0; i < mb.size(); ++i) {
    const int m = static_cast<int>(i), s = mb.supplier[i];
    const double units = w.flows.unitsSold[i] - m_unitsMark[i];  // sold since the last check
    m_unitsMark[i] = w.flows.unitsSold[i];
    if (s < 0 || !mb.active[i] || !mb.active[static_cast<std::size_t>(s)] || mb.price[i] <= 0) continue;
    if (!models::authorisedReseller(w, m) || mb.owner[i] == s) continue;  // gray sellers; a maker's own outlet
    // the reseller's unit margin on its supplier's current terms, at today's prices
    SupplyTerms& terms = models::contractTerms(w, m);
    const double list = mb.price[static_cast<std::size_t>(s)], net = models::netUnitRevenue(w, m, mb.price[i]);
    const double margin = (net - list * (1.0 - terms.discount)) / mb.price[i];
    if (margin >= d.marginFloor) continue;
    const double shortfall = d.marginFloor - margin;
    std::string action;
    const auto resolution = static_cast<Resolution>(d.resolution);
    if (resolution == Resolution::Concession && list > 0) {
      // the supplier concedes the discount that restores the floor: net - list (1 - d) = floor x price
      const double restoring = std::min(d.maxDiscount, 1.0 - (net - d.marginFloor * mb.price[i]) / list);
      if (restoring > terms.discount) {
        terms.discount = restoring;
        action = "concession";
        m_concessions += 1;
      }
    } else if (resolution == Resolution::Mediation) {
      // a mediator has the supplier make good the shortfall on the units sold since the last check
      const double amount = shortfall * mb.price[i] * units;
      w.payOther(s, m, amount);
      action = "mediation";
      m_compensation += amount;
    } else if (resolution == Resolution::Arbitration) {
      // an arbiter rules on the case: the supplier pays the awarded share of that shortfall, and
      // the parties split the arbiter's fee
      const double award = d.awardShare * shortfall * mb.price[i] * units;
      w.payOther(s, m, award);
      w.payOther(s, w.ledger.account(External::Operations), d.arbitrationFee / 2);
      w.payOther(m, w.ledger.account(External::Operations), d.arbitrationFee / 2);
      action = "arbitration";
      m_compensation += award;
      m_arbitrationFees += d.arbitrationFee;
    }
    w.events.push_back({w.tick, Event::Type::VerticalDispute, m, s, units, shortfall, true, action});
    m_raised += 1;
    m_shortfall += shortfall;
  }
}

}  // namespace

MechanismEntry disputes() {
  return {
      .name = "disputes",
      .doc = "Vertical disputes over terms (deck ch. 2): every `review_period` ticks each authorised reseller whose "
             "unit margin on its supplier's terms, (net unit revenue − buying price) / price, is below `margin_floor` "
             "disputes them; the supplier concedes a discount restoring the floor (up to `max_discount`), a mediator "
             "has it make good the shortfall on the units sold since the last check, or an arbiter awards "
             "`award_share` of it and the parties split `arbitration_fee`. Timeseries: `margin_disputes`. Summary: "
             "`disputes.raised`, `disputes.mean_shortfall`, `disputes.concessions`, `disputes.compensation`, "
             "`disputes.arbitration_fees`. Scenario: `scenarios/partner_review.yaml`.",
      .makeSpec = [] { return std::make_unique<DisputesSpec>(); },
      .fields = [](MechanismSpec& s, FieldVisitor& v, const ScenarioSpec&) { static_cast<DisputesSpec&>(s).fields(v); },
      .used = [](const MechanismSpec& s) { return static_cast<const DisputesSpec&>(s).enabled; },
      .create = [](const MechanismSpec& s, const World& w) -> std::unique_ptr<Mechanism> {
        return std::make_unique<Disputes>(static_cast<const DisputesSpec&>(s), w);
      },
  };
}

}  // namespace chan::mechanisms
