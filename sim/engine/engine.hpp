#pragma once
// Engine: runs the tick, a fixed sequence of phases over a World:
//   arrivals -> pricing -> consumer demand -> fulfilment -> replenishment and shipping
//   -> settlement -> metrics -> (check)
#include <stdexcept>

#include "sim/core/world.hpp"
#include "sim/engine/metrics.hpp"

namespace chan {

/// Thrown in check mode when goods or money are not conserved.
class ConservationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Engine {
 public:
  /// Builds the world, sets opening prices (tier by tier) and opening stock.
  explicit Engine(const ScenarioSpec& spec);

  /// Advances one tick.
  void step();
  /// Runs the remaining ticks of the scenario.
  void run();

  const World& world() const { return m_world; }
  const MetricsRecorder& metrics() const { return m_metrics; }
  /// Headline metrics of the run so far (computes the integrated-channel optimum).
  Summary summary() const;

  /// Verifies conservation of goods and money; throws ConservationError with the details.
  void verifyConservation() const;

 private:
  void receiveArrivals();
  void setPrices();
  void serveConsumers(TickObservations& obs);
  void replenish(TickObservations& obs);
  void settle();
  void ship(int supplier, int buyer, double units, TickObservations& obs);
  void sell(int outlet, double units);

  World m_world;
  MetricsRecorder m_metrics;
  std::vector<double> m_unitsLastTick;              // per outlet, for share-based pricing
  std::vector<std::vector<std::pair<int, double>>> m_ordersTo;  // per supplier: (buyer, units)
  std::vector<int> m_exclusiveHolder;               // per territory: distributor with exclusive rights
};

}  // namespace chan
