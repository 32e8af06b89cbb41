#pragma once
// A channel mechanism (promotions, referral commissions, ...) lives in one file of mechanisms/:
// its scenario section (a spec struct describing its keys, sim/core/schema.hpp), its state,
// its hooks at the engine's fixed stages and its metrics. The engine calls the hooks of the
// mechanisms a scenario uses, in registration order (mechanisms/CMakeLists.txt), and never
// learns their details (MuJoCo's stages with plugins, Box2D's one file per joint type).
// The hooks run once per tick, per outlet sale, per order or per shipment, never per consumer
// decision.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/schema.hpp"
#include "sim/core/summary.hpp"
#include "sim/core/world.hpp"

namespace chan {

/// The running state of one mechanism in one run, consulted at the engine's stages.
class Mechanism {
 public:
  virtual ~Mechanism() = default;
  /// Set-up stage: the world is built and opening prices are not yet set. Sets the world state
  /// that behaviours read (e.g. a member's income per unit of revenue, which pricing counts).
  virtual void start(World&) {}
  /// Policy-review stage, after risk events and before pricing: the partner policy, reviews of
  /// terms.
  virtual void review(World&) {}
  /// Pricing stage, before the members due for review re-price.
  virtual void beforePricing(World&) {}
  /// Pricing stage, after every member re-priced (before the risk response's price cap).
  virtual void afterPricing(World&) {}
  /// Fulfilment, before consumers choose: `remaining` (per outlet index) the units each outlet can
  /// sell today from its own stock. A mechanism that fills an outlet's orders from other members'
  /// stock (O2O: an e-store from its brand's stores) may set the outlet's `inStock` to 1: consumers
  /// who see stock see it in stock, and its demand is recorded.
  virtual void stockElsewhere(const World&, const std::vector<double>& /*remaining*/,
                              std::vector<std::uint8_t>& /*inStock*/) const {}
  /// Fulfilment, first round: consumers chose (`demand`, units per outlet index; sampled mode:
  /// Consumers::pick) and their requests are about to be served from `remaining` (units per
  /// outlet index). A mechanism may route an outlet's orders to another member's stock: it moves
  /// the goods into the outlet's stock (through the ledger, at book value) and adjusts both
  /// members' `remaining`; the outlet then sells them as its own.
  virtual void routeOrders(World&, const std::vector<double>& /*demand*/, std::vector<double>& /*remaining*/) {}
  /// Fulfilment: outlet (member id) sold `units` (> 0) to consumers; the sale is booked.
  virtual void afterSale(World&, int /*outlet*/, double /*units*/) {}
  /// Fulfilment, once per tick after every outlet's sales are booked: `served` (per outlet
  /// index) the units each sold to consumers, `cannibalized` (per outlet index) those of an
  /// online outlet's units that consumers would otherwise have bought at its brand's stores
  /// (the choice model's counterfactual, as conflict.cannibalization counts them).
  virtual void afterDemand(World&, const std::vector<double>& /*served*/, const std::vector<double>& /*cannibalized*/) {}
  /// Whether afterDemand's decisions (money, orders, prices; not only events it logs) depend on
  /// `cannibalized`: the engine then computes it even when its caller needs no source of volume.
  virtual bool decidesOnCannibalized() const { return false; }
  /// Pricing and replenishment, once per member re-priced and once per order: where member
  /// `buyer` buys `units` (> 0; 0 asks for the cheapest source without the sellers' consent, for
  /// pricing). `source` comes in as its supplier; a mechanism may pick another member (sourcing
  /// across territories) or -1 (nobody will sell: no order).
  virtual void chooseSource(const World&, int /*buyer*/, double /*units*/, int& /*source*/) const {}
  /// Pricing, once per member re-priced: `cost` comes in as member's buying price from its
  /// supplier (per unit, after the contract's discount); a mechanism may replace it by what the
  /// goods cost landed from the source it buys from.
  virtual void unitCost(const World&, int /*member*/, double& /*cost*/) const {}
  /// Replenishment, once per order: member `buyer` is about to order `units` (> 0, at least
  /// the contract's minimum) from `source` on `terms`; a mechanism may change the quantity
  /// (batching up to a discount step).
  virtual void placeOrder(const World&, int /*buyer*/, int /*source*/, const SupplyTerms& /*terms*/,
                          double& /*units*/) {}
  /// Replenishment, once per shipment: `units` (> 0) go from `supplier` to `buyer`, invoiced at
  /// `value` (the list price after the contract's discount); a mechanism may lower the invoice
  /// (volume discounts) before the goods change hands and it is paid.
  virtual void priceShipment(World&, int /*supplier*/, int /*buyer*/, double /*units*/, double& /*value*/) {}
  /// Replenishment, once per shipment, after the goods are invoiced and paid: a mechanism may
  /// post further costs (transport of goods bought off-contract), queue the shipment for
  /// monitoring to trace (`traceable`) and add the units that went into another distributor's
  /// exclusive territory to `crossTerritory` (the conflict index counts them).
  virtual void afterShipment(World&, int /*supplier*/, int /*buyer*/, double /*units*/,
                             std::vector<Event>& /*traceable*/, double& /*crossTerritory*/) {}
  /// Replenishment, once per shipment, after afterShipment: how the goods travel on `terms`.
  /// `delay` comes in as 0; a mechanism may add ticks to the contract's lead time (the shipment
  /// is then late) and post what carrying it costs (logistics providers).
  virtual void carry(World&, int /*supplier*/, int /*buyer*/, double /*units*/, const SupplyTerms& /*terms*/,
                     int& /*delay*/) {}
  /// Monitoring stage, after replenishment and before settlement: `traceable` holds the day's
  /// off-contract shipments that afterShipment queued. A mechanism may check prices, trace those
  /// shipments (their `detected` and `action`), record them as events and take them off the
  /// queue; the engine records any left (untraced) and empties it.
  virtual void monitor(World&, std::vector<Event>& /*traceable*/) {}
  /// Metrics: the tick is over.
  virtual void endTick(const World&) {}
  /// Metrics: the warm-up (`warmup` ticks) is over and measurement starts. A mechanism that
  /// keeps run totals for summarize() zeroes them here (those it computes from the world's flows
  /// or events need nothing: the engine leaves the warm-up out of them).
  virtual void beginMeasurement() {}
  /// Its timeseries.csv columns (appended after the engine's, in registration order) ...
  virtual void timeseriesColumns(std::vector<std::string>&) const {}
  /// ... and their values on the run's `tick`-th tick (0-based; endTick has run for it).
  virtual void tickValues(std::size_t /*tick*/, std::vector<double>&) const {}
  /// Appends the mechanism's summary.json keys (also when the scenario does not use it: 0s).
  virtual void summarize(const World&, Summary&) const {}
};

/// A registered mechanism: how its section is declared, whether a scenario uses it, and how
/// its state is made for a run. `define()` in each mechanism file returns one.
struct MechanismEntry {
  std::string_view name;  // registration name (mechanisms/NAME.cpp)
  std::string_view doc;   // one paragraph for the YAML reference
  /// A section with every key at its default.
  std::function<std::unique_ptr<MechanismSpec>()> makeSpec;
  /// Declares the section's top-level keys to a schema visitor; `scenario` is the scenario being
  /// read or written (its groups are known: mechanism sections are read last).
  std::function<void(MechanismSpec&, FieldVisitor&, const ScenarioSpec& scenario)> fields;
  /// Declares its keys in the mapping of member group `group` at `slot` (empty: it has none);
  /// `g` is that group (when reading: read up to the slot; `scenario.groups` holds the groups
  /// above it). Called for every group and slot; a mechanism declares keys at one slot.
  std::function<void(MechanismSpec&, FieldVisitor&, const ScenarioSpec& scenario, const MemberGroupSpec& g,
                     std::size_t group, GroupSlot slot)>
      groupFields = nullptr;
  /// The scenario switches it on (its section is written to scenario.resolved.yaml; a
  /// mechanism left off still runs, as a no-op, and reports its metrics as 0).
  std::function<bool(const MechanismSpec&)> used;
  /// Its state for a run of `world` (built, before opening prices).
  std::function<std::unique_ptr<Mechanism>(const MechanismSpec&, const World&)> create;
};

/// Every registered mechanism, in registration order (generated from mechanisms/CMakeLists.txt).
const std::vector<MechanismEntry>& mechanismRegistry();

/// The section of registered mechanism `index` in `spec` (its defaults when absent).
const MechanismSpec& sectionOf(const ScenarioSpec& spec, std::size_t index);

}  // namespace chan
