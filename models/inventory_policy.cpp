#include "models/inventory_policy.hpp"

#include <deque>

#include "models/optimize.hpp"

namespace chan::models {

StockStats simulateStock(const StockPolicy& policy, const std::function<double()>& demand, long periods, long warmUp) {
  double net = policy.orderUpTo;  // on hand minus backorders
  double position = policy.orderUpTo;
  std::deque<double> pipeline(static_cast<std::size_t>(policy.lead) + 1, 0.0);
  StockStats s;
  double demanded = 0, served = 0;
  for (long t = 0; t < periods + warmUp; ++t) {
    net += pipeline.front();  // arrival at the start of the period
    pipeline.pop_front();
    const double d = demand();
    const double fromStock = std::min(std::max(net, 0.0), d);
    net -= d;
    position -= d;
    double order = 0;
    if (position <= policy.reorderPoint) order = policy.orderUpTo - position;
    position += order;
    pipeline.push_back(order);
    if (t < warmUp) continue;
    demanded += d;
    served += fromStock;
    s.readyRate += net >= 0;
    s.backorders += std::max(-net, 0.0);
    s.onHand += std::max(net, 0.0);
    s.orderFrequency += order > 0;
  }
  const double n = static_cast<double>(periods);
  s.readyRate /= n, s.backorders /= n, s.onHand /= n, s.orderFrequency /= n;
  s.fillRate = demanded > 0 ? served / demanded : 1.0;
  return s;
}

SampleAverageNewsvendor::SampleAverageNewsvendor(std::vector<double> observed) : m_sorted(std::move(observed)) {
  std::sort(m_sorted.begin(), m_sorted.end());
  m_prefix.assign(m_sorted.size() + 1, 0.0);
  for (std::size_t i = 0; i < m_sorted.size(); ++i) m_prefix[i + 1] = m_prefix[i] + m_sorted[i];
}

double SampleAverageNewsvendor::meanSales(double q) const {
  // samples below q sell out completely; the others sell q each
  const auto below = static_cast<std::size_t>(std::lower_bound(m_sorted.begin(), m_sorted.end(), q) - m_sorted.begin());
  const double n = static_cast<double>(m_sorted.size());
  return (m_prefix[below] + q * static_cast<double>(m_sorted.size() - below)) / n;
}

double SampleAverageNewsvendor::bestOrder(double price, double cost, double salvage) const {
  auto profit = [&](double q) { return price * meanSales(q) + salvage * meanLeftover(q) - cost * q; };
  const double hi = m_sorted.back();
  // the sample-average profit is concave and piecewise linear: scan, then refine
  return maximizeBrent(profit, std::min(0.0, m_sorted.front()), hi, 1e-12).first;
}

}  // namespace chan::models
