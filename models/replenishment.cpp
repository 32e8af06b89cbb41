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

double orderQuantity(const World& w, int member, int leadTime) {
  const auto m = static_cast<std::size_t>(member);
  const ReplenishSpec& r = w.spec->groups[static_cast<std::size_t>(w.members.group[m])].replenish;
  const double position = w.members.stock[m] + w.members.onOrder[m];
  switch (r.rule) {
    case ReplenishRule::None: return 0;
    case ReplenishRule::OrderUpTo: {
      const double target = forecast(w.members, member) * (leadTime + r.coverDays);
      return std::max(0.0, target - position);
    }
    case ReplenishRule::MinMax: return position <= r.reorderPoint ? r.orderUpTo - position : 0.0;
  }
  return 0;
}

}  // namespace chan::models
