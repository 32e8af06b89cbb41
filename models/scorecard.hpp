#pragma once
// KPI scorecards (deck ch. 5, "effectiveness indicators"): sales, average order value, a
// customer-satisfaction proxy, cost-effectiveness and market share against competing brands,
// computed from a member's flows. The partner policy ranks partners by them and the metrics
// aggregate them by tier and channel, so each KPI is defined here once.
#include <vector>

#include "sim/core/world.hpp"

namespace chan::models {

/// Key performance indicators of one member over a span of its flows. Ratios with a zero
/// denominator are 0.
struct Scorecard {
  double units = 0;              // units sold: to consumers (outlets) or shipped to buyers (suppliers)
  double revenue = 0;            // currency
  double orders = 0;             // consumer purchases (outlets) or shipments (suppliers)
  double aov = 0;                // average order value: revenue / orders, currency per order
  double requested = 0;          // units asked of the member: consumer requests, or orders received
  double fillRate = 0;           // units / requested, 0..1
  double deliveryDays = 0;       // outlets: promised delivery days; suppliers: mean days from order to arrival
  double onTimeRate = 0;         // share of units sold that no logistics delay made late, 0..1
  double service = 1;            // outlets: service level (with role lift); suppliers: 1 (not modelled)
  double satisfaction = 0;       // fill rate x on-time rate x service, 0..1
  double profit = 0;             // currency
  double cost = 0;               // every expense in the profit, currency
  double costEffectiveness = 0;  // profit / cost: return per unit of cost
  double brandShare = 0;         // its brand's share of consumer units in its market, 0..1
  double shareOfBrand = 0;       // its (its outlets') share of its brand's consumer units, 0..1
};

/// Scorecards of every member over its flows since `mark` (the flows at a partner review; null:
/// the whole run). A member's market, for brandShare, is the outlets of its own kind (an
/// outlet) or of every kind (a supplier), in its territory when it is a physical member holding
/// one (online outlets excluded there), else on the whole map.
std::vector<Scorecard> scorecards(const World& world, const MemberFlows* mark = nullptr);

/// The KPI a partner policy ranks by.
double kpiValue(const Scorecard& card, PartnerKpi kpi);

}  // namespace chan::models
