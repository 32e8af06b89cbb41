#pragma once
// Metrics: what happened in a tick (TickRecord, one timeseries.csv row) and the run's headline
// figures (Summary, summary.json). Every formula is defined here once and in README's output
// reference.
#include <string>
#include <utility>
#include <vector>

#include <memory>
#include <optional>
#include <span>

#include "mechanisms/mechanism.hpp"
#include "models/consumer_choice.hpp"
#include "sim/core/summary.hpp"
#include "sim/core/world.hpp"

namespace chan {

/// Raw counts the engine collects while running a tick.
struct TickObservations {
  double demand = 0;           // units consumers asked for in their first choice
  double sold = 0;             // units sold to consumers (both rounds)
  double onlineSold = 0;       // of which by online outlets
  double cannibalized = 0;     // online units consumers would otherwise have bought at the brand's authorised stores
  double onlineNearStockedStore = 0;  // online units bought by consumers whose nearest store had stock
  double soldBelowReference = 0;      // units sold to consumers below the reference price (MAP, else MSRP)
  double reached = 0;          // consumers with an available outlet in their choice set
  double outletsInStock = 0;   // outlets with stock on hand when the shop opened
  double outletsStockedOut = 0;// outlets that could not serve all requests
  double distributorUnits = 0; // units shipped by distributors to outlets
  double crossTerritory = 0;   // of which into another distributor's exclusive territory
  std::vector<double> ordersByTier;  // units ordered upstream by each tier (index = tier)
  double overstockWarnings = 0;      // members with more days of supply than the bound
  double stockoutWarnings = 0;       // members whose stock and pipeline miss the lead-time demand
  bool disrupted = false;            // a supply disruption was under way
  double shipments = 0;              // shipments between members
  double lateShipments = 0;          // of which a mechanism delayed (mechanisms/logistics.cpp)
};

/// One row of timeseries.csv.
struct TickRecord {
  int tick = 0;
  bool warmup = false;         // a warm-up tick: left out of the summary (timeseries column warmup)
  TickObservations obs;
  double revenue = 0;          // consumer spending this tick
  double meanRetailPrice = 0;  // unweighted mean of outlet prices
  double undercutShare = 0;    // share of outlets priced below the reference (MAP, else MSRP)
  double channelProfit = 0;    // sum of member profits this tick
  double manufacturerProfit = 0;
  std::vector<double> mechanismValues;  // the mechanisms' timeseries columns
};

/// Names of the timeseries.csv columns, in order (orders_tier<k> for tiers 1..tiers-1, then the
/// columns of the optional engine mechanisms the scenario uses, then those of mechanisms/), and
/// the values of one row.
std::vector<std::string> timeseriesColumns(int tiers, const ScenarioSpec& spec,
                                           const std::vector<std::string>& mechanismColumns);
std::vector<double> timeseriesValues(const TickRecord& r, const ScenarioSpec& spec);


class MetricsRecorder {
 public:
  /// Call before a tick's flows start (records profit levels to difference against).
  void beginTick(const World& world);
  /// The tick's sales to consumers, for the source of volume (models::addSourceOfVolume's
  /// arguments): where each sale would have gone without its outlet.
  void addSales(const World& world, const models::OutletFactors& first, std::span<const double> fill1,
                const models::OutletFactors* second, std::span<const double> fill2,
                std::span<const std::uint8_t> secondChoice);
  /// The run's source of volume so far (source_of_volume.csv).
  const models::SourceOfVolume& sourceOfVolume() const { return *m_source; }
  /// The last addSales call's (this tick's) source of volume, with each online outlet's
  /// cannibalised units (the engine's mediation compensates the stores for them).
  const models::SourceOfVolume& tickSourceOfVolume() const { return *m_tickSource; }
  void endTick(const World& world, const TickObservations& obs,
               const std::vector<std::unique_ptr<Mechanism>>& mechanisms = {});
  /// The warm-up is over: the ticks recorded so far are left out of the summary and the source
  /// of volume starts again from zero.
  void beginMeasurement();
  /// `mechanisms`: the run's mechanisms, whose keys follow the partner and market metrics.
  Summary summarize(const World& world, double integratedEfficiency,
                    const std::vector<std::unique_ptr<Mechanism>>& mechanisms = {}) const;
  const std::vector<TickRecord>& records() const { return m_records; }
  /// The mechanisms' timeseries columns (known after the first tick).
  const std::vector<std::string>& mechanismColumns() const { return m_mechanismColumns; }

 private:
  std::vector<TickRecord> m_records;
  std::size_t m_firstMeasured = 0;  // m_records before it are warm-up ticks
  std::vector<std::string> m_mechanismColumns;
  std::optional<models::SourceOfVolume> m_source, m_tickSource;  // the run's, and one tick's
  double m_tickCannibalized = 0;
  double m_channelProfitBefore = 0, m_makerProfitBefore = 0, m_revenueBefore = 0;
};

/// Reference price for MAP compliance of member m: MAP if the brand has one, else MSRP, else 0.
double referencePrice(const World& world, int member);

}  // namespace chan
