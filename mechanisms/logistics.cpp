// Logistics: carriers, their delays and fees (deck ch. 4: physical distribution, 3PL). Every
// shipment travels with the buyer's logistics provider (a member of kind `logistics` named by
// the buyer group's `terms.logistics`, while it is active), else with the in-house carriage of
// `coordination`. It is late with the carrier's delay probability, one draw per link and tick
// (StreamPurpose::Logistics), and then arrives the carrier's delay_ticks after the contract's
// lead time; the buyer pays a provider its fee per unit. The decision it changes: when the
// goods arrive. Counts every shipment and the late ones (`logistics.*` summary keys, each
// provider group's units, shipments, on-time share and fees).
//
// Still shared: the group keys (a provider group's `logistics` mapping, `terms.logistics`) are
// read by sim/io/scenario_loader.cpp (the provider's lead time becomes the link's); the in-house
// carriage's `coordination.delay_probability`/`delay_ticks` are declared by
// mechanisms/coordination.cpp (World::coordination); the world builder assigns each buyer its carrier
// (Members::carrier); the timeseries columns `shipments`, `late_shipments` stay the engine's
// (metrics.cpp), ahead of the mechanisms' columns, where they have always been.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "mechanisms/mechanism.hpp"
#include "sim/core/rng.hpp"

namespace chan::mechanisms {
namespace {

class Logistics final : public Mechanism {
 public:
  explicit Logistics(const World& w) : m_carried(w.members.size()) {}

  void carry(World& w, int supplier, int buyer, double units, const SupplyTerms& terms, int& delay) override {
    const Members& mb = w.members;
    const auto s = idx(supplier), b = idx(buyer);
    const Coordination& co = w.coordination;
    // a provider that left (risk events) no longer carries: the in-house carriage takes over
    const int carrier = mb.carrier[b] >= 0 && mb.active[idx(mb.carrier[b])] ? mb.carrier[b] : -1;
    const CarriageSpec carriage = carrier >= 0 ? w.groupOf(carrier).carriage
                                               : CarriageSpec{terms.leadTime, co.delayProbability, co.delayTicks, 0.0};
    const bool late = carriage.delayProbability > 0 && carriage.delayTicks > 0 &&
                      Stream(w.spec->seed, static_cast<std::uint64_t>(w.spec->run), static_cast<std::uint64_t>(w.tick),
                             StreamPurpose::Logistics, (s << 24) ^ b)
                              .uniform() < carriage.delayProbability;
    m_run.shipments += 1;
    m_run.late += late;
    if (carrier >= 0) {  // the provider earns its fee from the buyer
      w.payOther(buyer, carrier, units * carriage.feePerUnit);
      Carried& c = m_carried[idx(carrier)];
      c.units += units;
      c.shipments += 1;
      c.late += late;
    }
    if (late) delay += carriage.delayTicks;
  }

  void beginMeasurement() override {
    std::fill(m_carried.begin(), m_carried.end(), Carried{});
    m_run = {};
  }

  void summarize(const World& w, Summary& s) const override {
    auto share = [](double part, double whole) { return whole > 0 ? part / whole : 0.0; };
    s.emplace_back("logistics.shipments", m_run.shipments);
    s.emplace_back("logistics.on_time_share", share(m_run.shipments - m_run.late, m_run.shipments));
    const ScenarioSpec& spec = *w.spec;
    double fees = 0;
    for (std::size_t g = 0; g < spec.groups.size(); ++g) {
      if (spec.groups[g].kind != MemberKind::Logistics) continue;
      double units = 0, shipments = 0, late = 0, groupFees = 0;
      for (int m : w.groupMembers[g]) {
        const Carried& c = m_carried[idx(m)];
        units += c.units, shipments += c.shipments, late += c.late;
        groupFees += w.flows.otherIncome[idx(m)];  // a provider's only other income is its fees
      }
      const std::string key = "logistics." + spec.groups[g].name;
      s.emplace_back(key + ".units", units);
      s.emplace_back(key + ".shipments", shipments);
      s.emplace_back(key + ".on_time_share", share(shipments - late, shipments));
      s.emplace_back(key + ".fees", groupFees);
      fees += groupFees;
    }
    s.emplace_back("logistics.fees", fees);
  }

 private:
  /// What a provider carried (or, for the run, every carrier).
  struct Carried {
    double units = 0;
    double shipments = 0;
    double late = 0;  // shipments delivered late
  };
  std::vector<Carried> m_carried;  // per member (providers only)
  Carried m_run;                   // every shipment of the run (its units are not counted)
};

/// No section of its own (yet): its keys are read by the loader.
struct LogisticsSpec final : MechanismSpec {};

}  // namespace

MechanismEntry logistics() {
  return {
      .name = "logistics",
      .doc =
          "Carriers, delays and fees (deck ch. 4). Every shipment travels with the buyer's logistics provider (a "
          "group of kind `logistics` named by `terms.logistics`, README member keys), else with the in-house "
          "carriage of `coordination` (`delay_probability`, `delay_ticks`). It is late with the carrier's delay "
          "probability (one draw per link and tick) and then arrives `delay_ticks` after the lead time; the buyer "
          "pays a provider `fee_per_unit`. Summary: `logistics.shipments`, `logistics.on_time_share`, "
          "`logistics.<group>.*` per provider group, `logistics.fees`; timeseries `shipments`, `late_shipments` "
          "(with providers). Its keys are still read by the loader (no keys declared here). Scenario: "
          "`scenarios/logistics_providers.yaml`.",
      .makeSpec = [] { return std::make_unique<LogisticsSpec>(); },
      .fields = [](MechanismSpec&, FieldVisitor&, const ScenarioSpec&) {},
      .used = [](const MechanismSpec&) { return false; },
      .create = [](const MechanismSpec&, const World& w) -> std::unique_ptr<Mechanism> {
        return std::make_unique<Logistics>(w);
      },
  };
}

}  // namespace chan::mechanisms
