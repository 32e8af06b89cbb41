#pragma once
// Demand forecasters for order-up-to policies: a moving average of the last p observations
// and simple exponential smoothing. Each sees one observation per period and answers the
// forecast for the next period.
#include <cstddef>
#include <vector>

namespace chan::models {

class MovingAverage {
 public:
  explicit MovingAverage(int window) : m_values(static_cast<std::size_t>(window), 0.0) {}
  void observe(double x) {
    m_sum += x - m_values[m_next];
    m_values[m_next] = x;
    m_next = (m_next + 1) % m_values.size();
    if (m_seen < m_values.size()) ++m_seen;
  }
  bool ready() const { return m_seen == m_values.size(); }
  double forecast() const { return m_sum / static_cast<double>(m_values.size()); }

 private:
  std::vector<double> m_values;
  std::size_t m_next = 0, m_seen = 0;
  double m_sum = 0;
};

class ExponentialSmoothing {
 public:
  ExponentialSmoothing(double alpha, double initial) : m_alpha(alpha), m_level(initial) {}
  void observe(double x) { m_level = m_alpha * x + (1 - m_alpha) * m_level; }
  bool ready() const { return true; }
  double forecast() const { return m_level; }

 private:
  double m_alpha, m_level;
};

/// Order-up-to with the level y_t = L x forecast (Chen, Drezner, Ryan & Simchi-Levi 2000): each
/// period the stage updates its forecast with the demand it observes and orders
/// q_t = y_t - y_{t-1} + d_t, where d_t is the demand it must replace (its own incoming orders,
/// or consumer demand at the first stage). Orders may be negative (returns), as in the paper.
/// With shared information a stage forecasts from consumer demand but still replaces the
/// orders it receives.
template <class Forecaster>
class OrderUpToStage {
 public:
  OrderUpToStage(double lead, Forecaster f) : m_lead(lead), m_forecaster(f) {}
  double order(double observed, double incoming) {
    m_forecaster.observe(observed);
    const double level = m_lead * m_forecaster.forecast();
    const double q = m_started ? level - m_level + incoming : incoming;
    m_level = level;
    m_started = m_forecaster.ready();
    return q;
  }

 private:
  double m_lead;
  Forecaster m_forecaster;
  double m_level = 0;
  bool m_started = false;
};

}  // namespace chan::models
