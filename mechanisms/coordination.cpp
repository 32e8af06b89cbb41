// Coordination: information sharing, early-warning bounds and the in-house carriage's
// reliability (deck ch. 2: inventory sharing, early warnings; ch. 6: IoT visibility), the
// `coordination` section. With `shared_sales` every upstream member forecasts from the consumer
// requests at the outlets below it instead of the orders it receives; with `visibility` it also
// orders on echelon inventory position (models/replenishment). `overstock_days` bounds the early
// warnings; `delay_probability`/`delay_ticks` make links without a logistics provider late.
//
// A schema owner more than a set of hooks: the section is declared here once (read, written to
// scenario.resolved.yaml, documented), and published in World::coordination at start for the
// phases that act on it: the engine's replenishment (what upstream members forecast from; a data
// breach below suspends it, mechanisms/risk) and early warnings, the replenishment model
// (echelon ordering), and mechanisms/logistics (in-house carriage). Those stay where they are:
// they are the core of the tick, not a step a mechanism adds. The summary keys it moves
// (`bullwhip.tier*`, `warnings.*`) are the engine's (sim/engine/metrics.cpp).
#include <memory>

#include "mechanisms/mechanism.hpp"

namespace chan::mechanisms {
namespace {

struct CoordinationSpec final : MechanismSpec {
  Coordination values;

  void fields(FieldVisitor& v) {
    bool present = true;  // always written (with its defaults), as it always was
    v.section({.name = "coordination", .doc = "information sharing, early warnings, in-house carriage"}, present,
              [this](FieldVisitor& s) {
                Coordination& c = values;
                s.boolean({.name = "shared_sales",
                           .doc = "upstream members forecast from the consumer requests at the outlets they supply, "
                                  "not from the orders they receive"},
                          c.sharedSales);
                // written only when on: older resolved files stay as they were
                if (s.purpose() != FieldVisitor::Purpose::Write || c.visibility)
                  s.boolean({.name = "visibility",
                             .doc = "real-time inventory visibility: as shared_sales, and upstream members using "
                                    "order_up_to order on echelon inventory position"},
                            c.visibility);
                s.number({.name = "overstock_days", .doc = "early warning: stock above this many days of forecast demand",
                          .unit = "days", .min = 0, .max = 1e6},
                         c.overstockDays);
                s.number({.name = "delay_probability",
                          .doc = "in-house carriage (links without terms.logistics): probability that a shipment is late",
                          .unit = "probability", .min = 0, .max = 1},
                         c.delayProbability);
                s.integer({.name = "delay_ticks", .doc = "how late a late in-house shipment arrives", .unit = "ticks",
                           .min = 0, .max = 3650},
                          c.delayTicks);
              },
              nullptr);
  }
};

class CoordinationState final : public Mechanism {
 public:
  explicit CoordinationState(const CoordinationSpec& spec) : m_spec(spec) {}
  void start(World& w) override { w.coordination = m_spec.values; }

 private:
  const CoordinationSpec& m_spec;
};

}  // namespace

MechanismEntry coordination() {
  return {
      .name = "coordination",
      .doc = "Information sharing, early warnings and the in-house carriage (deck ch. 2, 6), section `coordination` "
             "(always written, with its defaults). With `shared_sales` every upstream member forecasts from the "
             "consumer requests at the outlets below it instead of the orders it receives (unless a data breach "
             "below cuts the feed: `risk.breach_*`); with `visibility` it also orders on echelon inventory position "
             "when it uses `order_up_to` (README \"Inventory visibility\"). `overstock_days` bounds the overstock "
             "warning; `delay_probability`/`delay_ticks` make shipments on links without a logistics provider late "
             "(`mechanisms/logistics.cpp`). The engine's replenishment and early warnings act on them. Summary: "
             "`bullwhip.tier*`, `warnings.*`. Scenario: `scenarios/information_sharing.yaml`.",
      .makeSpec = [] { return std::make_unique<CoordinationSpec>(); },
      .fields = [](MechanismSpec& s, FieldVisitor& v, const ScenarioSpec&) { static_cast<CoordinationSpec&>(s).fields(v); },
      .used = [](const MechanismSpec&) { return true; },
      .create = [](const MechanismSpec& s, const World&) -> std::unique_ptr<Mechanism> {
        return std::make_unique<CoordinationState>(static_cast<const CoordinationSpec&>(s));
      },
  };
}

}  // namespace chan::mechanisms
