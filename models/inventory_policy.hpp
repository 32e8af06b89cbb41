#pragma once
// Single-location inventory behaviours: a periodic-review stock point under a base-stock or
// (s,S) policy with backorders, and a newsvendor that learns its order quantity from
// observed demand (sample-average approximation).
#include <algorithm>
#include <functional>
#include <vector>

namespace chan::models {

/// Periodic review each period: demand arrives, is served from stock (the rest backordered),
/// then the inventory position (on hand + on order - backorders) is reviewed. Base stock S
/// orders what was sold; (s,S) orders up to S when the position is at or below s. An order
/// placed at the end of period t arrives at the start of period t + lead + 1.
struct StockPolicy {
  double reorderPoint = 0;  // s; base stock: S - 1 (order every period that had demand)
  double orderUpTo = 0;     // S
  int lead = 0;             // periods
};

struct StockStats {
  double readyRate = 0;       // share of periods ending without backorders
  double fillRate = 0;        // share of demand served from stock on hand
  double backorders = 0;      // mean backorders at the end of a period
  double onHand = 0;          // mean stock on hand at the end of a period
  double orderFrequency = 0;  // share of periods in which an order is placed
};

/// Simulates `periods` periods (after `warmUp`), drawing each period's demand from `demand`.
StockStats simulateStock(const StockPolicy& policy, const std::function<double()>& demand, long periods,
                         long warmUp = 1000);

/// A retailer that has observed demand samples and orders the quantity maximising its average
/// profit over them: unit revenue `price`, unit cost `cost`, value `salvage` per unsold unit.
class SampleAverageNewsvendor {
 public:
  explicit SampleAverageNewsvendor(std::vector<double> observedDemand);
  /// Mean over the observations of min(D, q) and of (q - D)+.
  double meanSales(double q) const;
  double meanLeftover(double q) const { return q - meanSales(q); }
  /// Order quantity maximising price E[min(D,q)] + salvage E[(q-D)+] - cost q over the sample.
  double bestOrder(double price, double cost, double salvage) const;

 private:
  std::vector<double> m_sorted, m_prefix;  // ascending samples and their prefix sums
};

}  // namespace chan::models
