#pragma once
// Engine: runs the tick, a fixed sequence of phases over a World:
//   arrivals -> risk events -> partner review -> pricing -> consumer demand -> fulfilment and
//   mediation -> replenishment and shipping -> monitoring and enforcement -> settlement
//   -> early warnings -> metrics -> (check)
#include <array>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "mechanisms/mechanism.hpp"
#include "models/consumer_choice.hpp"
#include "sim/core/world.hpp"
#include "sim/engine/member_panel.hpp"
#include "sim/engine/metrics.hpp"

namespace chan {

/// Thrown in check mode when goods or money are not conserved.
class ConservationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What a run computes beyond its decisions, for callers that read only part of its outputs.
struct EngineOptions {
  /// false: no per-tick source of volume (a second pass over the consumers' choices), so
  /// source_of_volume.csv, conflict.cannibalization, the timeseries' cannibalized column and the
  /// cannibalisation events read 0, unless a mechanism decides on it (mediation's compensation).
  /// For callers that read only sales (calibration's panels).
  bool sourceOfVolume = true;
};

/// Wall time of each stage of Engine::step, summed over the ticks run (chansim run --timing).
struct StageTimes {
  enum Stage { Arrivals, Review, Pricing, Choice, Allocation, Substitution, SourceOfVolume, Sales, Replenish,
               Monitor, Settle, Metrics, Count };
  static constexpr std::array<std::string_view, Count> kNames = {
      "arrivals", "review",    "pricing", "choice", "allocation", "substitution", "source_of_volume",
      "sales",    "replenish", "monitor", "settle", "metrics"};
  std::array<double, Count> seconds{};
};

class Engine {
 public:
  /// Builds the world, sets opening prices (tier by tier) and opening stock.
  /// The world refers to the spec, which must outlive the engine.
  explicit Engine(const ScenarioSpec& spec, EngineOptions options = {});
  /// A temporary spec would dangle: a compile error rather than a crash on the first tick.
  explicit Engine(ScenarioSpec&& spec, EngineOptions options = {}) = delete;

  /// Advances one tick. With a warm-up, the scenario's last tick closes the warm-up's books
  /// (closeWarmupBooks), and stepping beyond it is an error (std::logic_error).
  void step();
  /// Runs the remaining ticks of the scenario.
  void run();

  const World& world() const { return m_world; }
  const StageTimes& stageTimes() const { return m_stageTimes; }
  const MetricsRecorder& metrics() const { return m_metrics; }
  /// The per-member daily panel; nullptr unless the scenario records it (outputs.member_timeseries).
  const MemberPanel* memberPanel() const { return m_world.spec->outputs.memberTimeseries ? &m_panel : nullptr; }
  /// Headline metrics of the run so far (computes the integrated-channel optimum). With a
  /// warm-up, only once the run is over (std::logic_error before): the summary counts the ticks
  /// after the warm-up, whose books are closed at the last tick.
  Summary summary() const;

  /// Verifies conservation of goods and money; throws ConservationError with the details.
  void verifyConservation() const;

 private:
  void startAtSteadyState();
  void beginMeasurement();
  void closeWarmupBooks();
  void receiveArrivals();
  void setPrices();
  void serveConsumers(TickObservations& obs);
  void replenish(TickObservations& obs);
  void settle();
  void ship(int supplier, int buyer, double units, TickObservations& obs);
  void sell(int outlet, double units);
  void warn(TickObservations& obs) const;
  /// What member m's goods cost it per unit now, which it prices from (mechanisms may source elsewhere).
  double unitCostOf(int member) const;
  bool feedBreached(int member) const;  // a data breach below cuts m off shared sales data
  double priceMember(int member, double unitCost);
  /// Adds the time since the last lap to `stage` (StageTimes).
  void lap(StageTimes::Stage stage);

  World m_world;
  MetricsRecorder m_metrics;
  MemberPanel m_panel;                              // filled only with outputs.member_timeseries
  std::vector<double> m_unitsLastTick;              // per outlet, for share-based pricing
  std::vector<std::vector<std::pair<int, double>>> m_ordersTo;  // per supplier: (buyer, units)
  std::vector<double> m_outletRequests;             // per outlet: units consumers asked for this tick
  std::vector<std::uint8_t> m_secondChoice;         // sampled mode, per consumer: chose in the substitution round
  std::vector<std::uint8_t> m_seesStock;            // per outlet: consumers see its stock before choosing
  bool m_anyFixedFee = false;                       // some contract has a fixed fee (they come from the groups' terms)
  bool m_sourceOfVolume = true;                     // EngineOptions::sourceOfVolume, or a mechanism needs it
  std::vector<double> m_noCannibalized;             // per outlet, zeros: afterDemand's input without a source of volume
  std::vector<Event> m_diversions;                  // today's off-contract shipments, for monitoring
  std::vector<std::unique_ptr<Mechanism>> m_mechanisms;  // every registered one, in registration order
  // the warm-up's end (closeWarmupBooks): flows, book values, cash and goods counters then
  MemberFlows m_flowsAtWarmupEnd;
  std::vector<double> m_bookValueAtWarmupEnd;
  Ledger m_ledgerAtWarmupEnd;
  bool m_warmupClosed = false;
  StageTimes m_stageTimes;
  std::chrono::steady_clock::time_point m_lastLap;
};

}  // namespace chan
