#pragma once
// Replenishment behaviours: how many units a member orders from its supplier this tick.
#include "sim/core/world.hpp"

namespace chan::models {

/// Records this tick's demand in the member's moving-average forecast window.
void recordDemand(Members& members, int member, double units, int tick);

/// Moving-average demand per tick over the filled part of the window.
double forecast(const Members& members, int member, int tick);

/// Units member m orders now (before the supplier's minimum order is applied).
///  order-up-to: target = forecast * (lead time + cover days) (+ nothing for safety: set cover)
///  (s,S):       if stock + on order <= s, order up to S
double orderQuantity(const World& world, int member, int leadTime);

}  // namespace chan::models
