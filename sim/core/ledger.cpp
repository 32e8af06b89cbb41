#include "sim/core/ledger.hpp"

#include <numeric>

namespace chan {

void Ledger::open(const std::vector<double>& initialCash) {
  m_members = static_cast<int>(initialCash.size());
  m_balance.assign(initialCash.size() + static_cast<std::size_t>(External::Count), 0.0);
  m_volume = 0;
  produced = opening = soldToConsumers = writtenOff = 0;
  for (int m = 0; m < m_members; ++m) transfer(account(External::Capital), m, initialCash[static_cast<std::size_t>(m)]);
}

double Ledger::total() const { return std::accumulate(m_balance.begin(), m_balance.end(), 0.0); }

}  // namespace chan
