#include "models/pricing.hpp"

#include <algorithm>
#include <cmath>

#include "models/channel_control.hpp"
#include "models/consumer_choice.hpp"
#include "models/optimize.hpp"
#include "sim/core/supply_edge.hpp"

namespace chan::models {
namespace {


const PricingSpec& pricingOf(const World& w, int m) { return w.groupOf(m).pricing; }

double upperBound(const World& w, int m, double unitCost) {
  const PricingSpec& p = pricingOf(w, m);
  return p.maxPrice > 0 ? p.maxPrice : 5.0 * unitCost + 1.0;
}

/// Lets every member below m that m does not decide for respond to ctx[m], recursively.
void propagate(const World& w, int m, PriceContext& ctx) {
  for (auto e : boost::make_iterator_range(boost::out_edges(idx(m), w.graph))) {
    const int buyer = static_cast<int>(boost::target(e, w.graph));
    if (w.members.owner[idx(buyer)] >= 0) continue;  // its owner sets its price
    ctx[idx(buyer)] = respond(w, buyer, ctx[idx(m)] * (1.0 - w.graph[e].discount), ctx);
    propagate(w, buyer, ctx);
  }
}

std::vector<double> outletPrices(const World& w, const PriceContext& ctx) {
  std::vector<double> p(w.outlets.size());
  for (std::size_t o = 0; o < p.size(); ++o) p[o] = ctx[idx(w.outlets[o])];
  return p;
}

/// Expected units per tick through member m (sold by the outlets it supplies) at prices ctx.
double unitsThrough(const World& w, int m, const std::vector<double>& prices) {
  return expectedSales(w, w.subtreeOutlets[idx(m)], prices);
}

/// Margin per tick of member m at prices ctx (outlet prices in `prices`): an outlet earns its
/// net price less its cost on its sales; a supplier earns, on the units through each buyer,
/// the price that buyer pays (after its discount) less its own cost.
double margin(const World& w, int m, const PriceContext& ctx, const std::vector<double>& prices, double cost) {
  if (w.members.outletIndex[idx(m)] >= 0) return (netUnitRevenue(w, m, ctx[idx(m)]) - cost) * unitsThrough(w, m, prices);
  double total = 0;
  for (auto e : boost::make_iterator_range(boost::out_edges(idx(m), w.graph))) {
    const int buyer = static_cast<int>(boost::target(e, w.graph));
    total += (ctx[idx(m)] * (1.0 - w.graph[e].discount) - cost) * unitsThrough(w, buyer, prices);
  }
  return total;
}

/// Consolidated profit per tick of owner m (at unit cost `cost`) and the members it owns, with
/// their prices in ctx and every other member below responding.
double consolidatedProfit(const World& w, int m, double cost, PriceContext ctx) {
  const std::vector<int>& family = w.owned[idx(m)];
  propagate(w, m, ctx);
  for (int j : family) propagate(w, j, ctx);
  const std::vector<double> prices = outletPrices(w, ctx);
  double profit = margin(w, m, ctx, prices, cost);
  for (int j : family) profit += margin(w, j, ctx, prices, buyingCost(w, j, ctx));
  return profit;
}

double bestResponse(const World& w, int m, double unitCost, PriceContext& ctx) {
  const PricingSpec& p = pricingOf(w, m);
  const std::vector<int>& family = w.owned[idx(m)];
  if (family.empty()) {
    const double hi = upperBound(w, m, unitCost);
    auto profit = [&](double x) {
      PriceContext trial = ctx;
      trial[idx(m)] = x;
      propagate(w, m, trial);
      return margin(w, m, trial, outletPrices(w, trial), unitCost);
    };
    return maximizeScanned(profit, std::min(unitCost, hi), hi, p.grid, p.tolerance).first;
  }
  // joint decision as a profile optimisation: the owner's own price outside; inside, for each
  // trial price, the owned members' prices by cyclic coordinate ascent (a single pass when it
  // owns one member). Nesting follows kinked ridges, such as a dual channel's "threat" line
  // p_d = theta p_r, on which coordinate and pattern searches over all prices at once stall.
  auto withMembers = [&](double x, PriceContext& trial) {
    trial[idx(m)] = x;
    for (int round = 0; round < 100; ++round) {
      double moved = 0;
      for (int j : family) {
        const double cost = buyingCost(w, j, trial);
        const double hi = upperBound(w, j, cost);
        auto profit = [&](double y) {
          PriceContext probe = trial;
          probe[idx(j)] = y;
          return consolidatedProfit(w, m, unitCost, probe);
        };
        const double y = maximizeScanned(profit, std::min(cost, hi), hi, p.grid, p.tolerance).first;
        moved = std::max(moved, std::fabs(y - trial[idx(j)]) / std::max(1.0, std::fabs(y)));
        trial[idx(j)] = y;
      }
      if (family.size() == 1 || moved < 10 * p.tolerance) break;
    }
    return consolidatedProfit(w, m, unitCost, trial);
  };
  auto profile = [&](double x) {
    PriceContext trial = ctx;
    return withMembers(x, trial);
  };
  const double hi = upperBound(w, m, unitCost);
  const double best = maximizeScanned(profile, std::min(unitCost, hi), hi, p.grid, p.tolerance).first;
  withMembers(best, ctx);
  return ctx[idx(m)];
}

double minAdvertised(const World& w, int m) { return w.productOf(m).minAdvertised; }

/// Undercuts MAP when the expected extra profit per day beats the expected penalty per day:
/// the chance of being seen it believes in (its prior, updated by how often its violations were
/// caught) times what a detection costs it on the whole ladder ahead (models::ladderCost: fine,
/// deposit, suspension and termination valued at its compliant daily profit). The extra profit
/// comes from probing its demand at both prices.
double opportunisticPrice(const World& w, int m, double unitCost, const PriceContext& ctx) {
  const PricingSpec& p = pricingOf(w, m);
  const double map = minAdvertised(w, m);
  const double compliant = std::max(unitCost * (1.0 + p.markup), map);
  const double undercut = map * (1.0 - p.undercut);
  if (map <= 0 || netUnitRevenue(w, m, undercut) <= unitCost) return compliant;
  const int days = w.members.violationDays[idx(m)];
  const double belief = (2.0 * p.believedDetection + w.members.detections[idx(m)]) / (2.0 + days);
  auto profit = [&](double x) { return (netUnitRevenue(w, m, x) - unitCost) * demandFaced(w, m, x, ctx); };
  const double compliantProfit = profit(compliant);
  const double penalty = belief * ladderCost(w, m, std::max(0.0, compliantProfit));  // 0 without enforcement
  return profit(undercut) - compliantProfit > penalty ? undercut : compliant;
}

}  // namespace

double channelUnitRevenue(const World& w, int m, double price) {
  const auto i = idx(m);
  return price * (1.0 - w.members.commission[i]) - w.members.shippingCost[i] - w.members.roleCost[i];
}

UnitRevenueLine channelUnitRevenueLine(const World& w, int m) {
  const auto i = idx(m);
  return {1.0 - w.members.commission[i], w.members.shippingCost[i] + w.members.roleCost[i]};
}

double netUnitRevenue(const World& w, int m, double price) {
  return channelUnitRevenue(w, m, price) + price * w.members.saleIncomeRate[idx(m)];
}

double respond(const World& w, int m, double unitCost, PriceContext& ctx) {
  const PricingSpec& p = pricingOf(w, m);
  const double factor = w.members.priceFactor[idx(m)];  // regional price differences (price_factors)
  switch (p.rule) {
    case PricingRule::Fixed: {
      if (p.price > 0) return factor * p.price;
      const Product& product = w.productOf(m);
      return factor * (product.suggestedRetail > 0 ? product.suggestedRetail : unitCost);
    }
    case PricingRule::CostPlus: return factor * unitCost * (1.0 + p.markup);
    case PricingRule::BestResponse: return bestResponse(w, m, unitCost, ctx);
    case PricingRule::ShareAdjust: return ctx[idx(m)];
    case PricingRule::MapCompliant: return std::max(unitCost * (1.0 + p.markup), minAdvertised(w, m));
    case PricingRule::Opportunistic: return opportunisticPrice(w, m, unitCost, ctx);
  }
  return unitCost;
}

double demandFaced(const World& w, int m, double price, const PriceContext& ctx) {
  PriceContext trial = ctx;
  trial[idx(m)] = price;
  propagate(w, m, trial);
  return unitsThrough(w, m, outletPrices(w, trial));
}

void adjustSharePrices(World& w, const std::vector<double>& unitsLastTick) {
  std::vector<int> adjusting;
  double total = 0;
  for (std::size_t o = 0; o < w.outlets.size(); ++o) {
    if (pricingOf(w, w.outlets[o]).rule != PricingRule::ShareAdjust) continue;
    adjusting.push_back(static_cast<int>(o));
    total += unitsLastTick[o];
  }
  if (adjusting.empty() || total <= 0) return;
  const double fairShare = 1.0 / static_cast<double>(adjusting.size());
  for (int o : adjusting) {
    const int m = w.outlets[idx(o)];
    const double step = pricingOf(w, m).step;
    const double share = unitsLastTick[idx(o)] / total;
    w.members.price[idx(m)] *= share > fairShare ? 1.0 + step : 1.0 - step;
  }
}

double buyingCost(const World& w, int m, const PriceContext& ctx) {
  const int s = w.members.supplier[idx(m)];
  if (s < 0) return w.productOf(m).unitCost;
  const auto e = supplyEdge(w.graph, idx(s), idx(m)).first;
  return ctx[idx(s)] * (1.0 - w.graph[e].discount);
}

}  // namespace chan::models
