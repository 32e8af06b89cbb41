#pragma once
// Pricing behaviours: each member sets its list (selling) price from its buying cost.
// Best response maximises the member's expected profit per tick against the demand it
// faces, probing that demand with the consumers' own choice model and letting every member
// below it respond in turn (backward induction, as in Spengler's serial chain).
#include "sim/core/world.hpp"

namespace chan::models {

/// Net revenue per unit sold at price x, after the platform's commission and delivery cost.
double netUnitRevenue(const World& world, int member, double price);

/// Price member m charges when its unit cost is `unitCost` (its group's pricing behaviour).
/// ShareAdjust returns the current price: it adjusts in adjustSharePrices, not to cost.
double respond(const World& world, int member, double unitCost);

/// Expected units per tick member m sells at list price x, every member below it responding.
double demandFaced(const World& world, int member, double price);

/// ShareAdjust (RETAIL_SPEC): each outlet using it raises its price by `step` if its share of
/// last tick's units exceeded 1/K (K = outlets using the rule), else lowers it.
void adjustSharePrices(World& world, const std::vector<double>& unitsLastTick);

}  // namespace chan::models
