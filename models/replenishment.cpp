#include "models/replenishment.hpp"

#include <algorithm>

namespace chan::models {

void recordDemand(Members& mb, int member, double units) {
  const auto m = static_cast<std::size_t>(member);
  const auto slotIndex = static_cast<std::size_t>(mb.recorded[m] % mb.window[m]);
  // the value being overwritten leaves the window sum
  double& slot = mb.history[m * mb.historyStride + slotIndex];
  mb.forecastSum[m] += units - slot;
  slot = units;
  ++mb.recorded[m];
}

double forecast(const Members& mb, int member) {
  const auto m = static_cast<std::size_t>(member);
  const int filled = std::min(mb.recorded[m], mb.window[m]);
  return filled > 0 ? mb.forecastSum[m] / filled : 0.0;
}

namespace {

/// Stock an order-up-to member aims to hold, on hand and on order.
double target(const World& w, int member, int leadTime) {
  return forecast(w.members, member) * (leadTime + w.groupOf(member).replenish.coverDays);
}

/// Adds the targets and inventory positions of the active, authorised members below `member`
/// (its contract buyers, their buyers, ...) to `targets` and `position`. A member's stock above
/// its own target counts only up to the target: it cannot be moved sideways to a sibling short
/// of goods (without the cap, one overstocked buyer starves the others: echelon stock assumes
/// balanced stocks, Clark & Scarf 1960).
void addEchelon(const World& w, int member, double& targets, double& position) {
  for (auto e : boost::make_iterator_range(boost::out_edges(static_cast<std::size_t>(member), w.graph))) {
    const auto b = boost::target(e, w.graph);
    if (!w.members.active[b] || !w.members.authorised[b]) continue;
    const ReplenishSpec& r = w.groupOf(static_cast<int>(b)).replenish;
    const double goal = r.rule == ReplenishRule::OrderUpTo ? target(w, static_cast<int>(b), w.graph[e].leadTime)
                        : r.rule == ReplenishRule::MinMax  ? r.orderUpTo
                                                           : 0.0;
    targets += goal;
    position += std::min(goal, w.members.stock[b] + w.members.onOrder[b]);
    addEchelon(w, static_cast<int>(b), targets, position);
  }
}

}  // namespace

double orderQuantity(const World& w, int member, int leadTime) {
  const auto m = static_cast<std::size_t>(member);
  const ReplenishSpec& r = w.groupOf(static_cast<int>(m)).replenish;
  double position = w.members.stock[m] + w.members.onOrder[m];
  switch (r.rule) {
    case ReplenishRule::None: return 0;
    case ReplenishRule::OrderUpTo: {
      double goal = target(w, member, leadTime);
      // real-time visibility: goods anywhere below are this member's to account for
      if (w.coordination.visibility && !isOutlet(w.members.kind[m])) addEchelon(w, member, goal, position);
      return std::max(0.0, goal - position);
    }
    case ReplenishRule::MinMax: return position <= r.reorderPoint ? r.orderUpTo - position : 0.0;
  }
  return 0;
}

}  // namespace chan::models
