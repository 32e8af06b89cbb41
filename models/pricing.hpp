#pragma once
// Pricing behaviours: each member sets its list (selling) price from its buying cost.
//
// Best response maximises the member's expected profit per tick against the demand it faces,
// probing that demand with the consumers' own choice model while every member below it
// responds in turn (backward induction, as in Spengler's serial chain). A member that owns
// others (`owner:` in YAML) maximises their consolidated profit over all of their prices
// jointly (a manufacturer with its own e-store, a firm with several products): its own price
// in an outer search, its members' prices re-optimised inside for each trial price.
#include <vector>

#include "sim/core/world.hpp"

namespace chan::models {

/// Hypothetical prices of every member (indexed by member id) used while probing demand.
using PriceContext = std::vector<double>;

/// Net revenue per unit sold at price x, after the platform's commission and delivery cost,
/// plus what others pay it per unit of revenue (Members::saleIncomeRate: a social seller's
/// referral commission from its brand, mechanisms/referral.cpp).
double netUnitRevenue(const World& world, int member, double price);

/// What the channel as a whole keeps per unit sold at price x by outlet `member`: net of the
/// platform's commission and delivery cost; transfers between members (referrals) cancel out.
double channelUnitRevenue(const World& world, int member, double price);

/// channelUnitRevenue as a line in the price: price x slope - intercept (equal up to rounding).
struct UnitRevenueLine {
  double slope = 1, intercept = 0;
};
UnitRevenueLine channelUnitRevenueLine(const World& world, int member);

/// Price member m charges when its unit cost is `unitCost` and other members' prices are as in
/// ctx. ShareAdjust returns ctx[m]: it adjusts in adjustSharePrices, not to cost. For an owner
/// using best response, ctx is updated with the prices chosen for the members it owns.
double respond(const World& world, int member, double unitCost, PriceContext& ctx);

/// Member m's buying price at the prices `ctx`: its supplier's price x (1 - the contract's
/// discount), or its brand's unit cost for a manufacturer; currency per unit.
double buyingCost(const World& world, int member, const PriceContext& ctx);

/// Expected units per tick member m sells at list price x, every member below it responding.
double demandFaced(const World& world, int member, double price, const PriceContext& ctx);


/// ShareAdjust (RETAIL_SPEC): each outlet using it raises its price by `step` if its share of
/// last tick's units exceeded 1/K (K = outlets using the rule), else lowers it.
void adjustSharePrices(World& world, const std::vector<double>& unitsLastTick);

}  // namespace chan::models
