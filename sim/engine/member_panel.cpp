#include "sim/engine/member_panel.hpp"

namespace chan {

void MemberPanel::record(const World& w) {
  const Members& mb = w.members;
  const MemberFlows& f = w.flows;
  if (m_ticks.empty()) {  // the flows start at zero before tick 1
    m_members = mb.size();
    for (auto* v : {&m_ordered, &m_requested, &m_sold, &m_lost}) v->assign(m_members, 0.0);
  }
  m_ticks.push_back(w.tick);
  m_rows.reserve(m_rows.size() + m_members);
  for (std::size_t m = 0; m < m_members; ++m) {
    Row r;
    r.price = mb.price[m];
    r.stock = mb.stock[m];
    r.onOrder = mb.onOrder[m];
    // the tick's flows: the change in the cumulative ones since the last record
    r.ordered = f.unitsOrdered[m] - m_ordered[m];
    r.requested = f.unitsRequested[m] - m_requested[m];
    r.sold = f.unitsSold[m] - m_sold[m];
    r.lost = f.lostUnits[m] - m_lost[m];
    r.cash = w.ledger.balance(static_cast<int>(m));
    m_ordered[m] = f.unitsOrdered[m];
    m_requested[m] = f.unitsRequested[m];
    m_sold[m] = f.unitsSold[m];
    m_lost[m] = f.lostUnits[m];
    m_rows.push_back(r);
  }
}

}  // namespace chan
