#pragma once
// Replenishment behaviours: how many units a member orders from its supplier this tick.
#include "sim/core/world.hpp"

namespace chan::models {

/// Records one day's demand: in the member's moving-average window, and in its smoothed
/// forecast when its group forecasts by `exponential` or `holt_winters`.
void recordDemand(World& world, int member, double units);

/// Forecast of the member's demand tomorrow (0 before any record), by its group's method:
///  moving_average: mean over the recorded part of the window;
///  exponential:    the smoothed level (the first day's demand to start);
///  holt_winters:   level + trend + the season's factor for tomorrow (additive), or
///                  (level + trend) x factor (multiplicative), never below 0; until the first
///                  season is recorded, the mean of the days so far (Winters 1960; the start:
///                  level = the first season's mean, trend 0, factors = each day against it).
double forecast(const World& world, int member);

/// Units member m orders now (before the supplier's minimum order is applied).
///  order-up-to: target = forecast * (lead time + cover days) (+ nothing for safety: set cover);
///               event-aware (a group in calendar.forecast_groups): forecast * the sum of the
///               calendar's daily factors of the next lead time + cover days, whose demand
///               recordDemand recorded divided by that day's factor (the forecast is the baseline)
///  (s,S):       if stock + on order <= s, order up to S
///  With coordination.visibility an upstream member using order-up-to sees the stock and
///  pipeline of every authorised member below it and orders on echelon inventory position:
///  Σ targets − Σ (stock + on order) over itself and the members below (Clark & Scarf 1960).
double orderQuantity(const World& world, int member, int leadTime);

}  // namespace chan::models
