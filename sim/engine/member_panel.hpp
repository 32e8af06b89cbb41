#pragma once
// The per-member daily panel behind member_timeseries.csv (scenario key
// outputs.member_timeseries, `chansim run --member-timeseries`): one row per member per tick,
// taken at the end of the tick from the member's state and the tick's change in its cumulative
// flows (World::flows). Off by default; the engine records nothing unless the scenario asks.
#include <cstddef>
#include <vector>

#include "sim/core/world.hpp"

namespace chan {

class MemberPanel {
 public:
  /// One member at the end of one tick. Units are goods units, money is currency.
  struct Row {
    double price = 0;      // list (selling) price, currency per unit
    double stock = 0;      // units on hand
    double onOrder = 0;    // units ordered and not yet arrived
    double ordered = 0;    // units it ordered upstream this tick (orders placed)
    double requested = 0;  // units asked of it this tick: consumer requests (outlets) or orders received
    double sold = 0;       // units it sold this tick: to consumers (outlets) or shipped to buyers
    double lost = 0;       // first-choice consumer requests it could not serve this tick (outlets)
    double cash = 0;       // ledger balance, currency
  };

  /// Appends the rows of the tick just ended (call once per tick, after its last phase).
  void record(const World& world);

  /// Members per tick (every member of the world, reserves included).
  std::size_t members() const { return m_members; }
  /// The ticks recorded, in order.
  const std::vector<int>& ticks() const { return m_ticks; }
  /// Member m's row at the k-th recorded tick.
  const Row& at(std::size_t k, std::size_t m) const { return m_rows[k * m_members + m]; }

 private:
  std::size_t m_members = 0;
  std::vector<int> m_ticks;
  std::vector<Row> m_rows;  // tick-major: [k * m_members + m]
  // the cumulative flows at the last record, to difference against
  std::vector<double> m_ordered, m_requested, m_sold, m_lost;
};

}  // namespace chan
