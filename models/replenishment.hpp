#pragma once
// Replenishment behaviours: how many units a member orders from its supplier this tick.
#include "sim/core/world.hpp"

namespace chan::models {

/// Records one day's demand in the member's moving-average forecast window.
void recordDemand(Members& members, int member, double units);

/// Moving-average demand per day over the recorded part of the window (0 before any record).
double forecast(const Members& members, int member);

/// Units member m orders now (before the supplier's minimum order is applied).
///  order-up-to: target = forecast * (lead time + cover days) (+ nothing for safety: set cover)
///  (s,S):       if stock + on order <= s, order up to S
///  With coordination.visibility an upstream member using order-up-to sees the stock and
///  pipeline of every authorised member below it and orders on echelon inventory position:
///  Σ targets − Σ (stock + on order) over itself and the members below (Clark & Scarf 1960).
double orderQuantity(const World& world, int member, int leadTime);

}  // namespace chan::models
