#include "models/pricing.hpp"

#include <algorithm>

#include "models/consumer_choice.hpp"
#include "models/optimize.hpp"

namespace chan::models {
namespace {

const PricingSpec& pricingOf(const World& w, int m) {
  return w.spec->groups[static_cast<std::size_t>(w.members.group[static_cast<std::size_t>(m)])].pricing;
}

/// Sets the prices the outlets below m would charge if m sold at `price`.
void propagate(const World& w, int m, double price, std::vector<double>& outletPrice) {
  const int outlet = w.members.outletIndex[static_cast<std::size_t>(m)];
  if (outlet >= 0) {
    outletPrice[static_cast<std::size_t>(outlet)] = price;
    return;
  }
  for (auto e : boost::make_iterator_range(boost::out_edges(static_cast<std::size_t>(m), w.graph))) {
    const int buyer = static_cast<int>(boost::target(e, w.graph));
    const double cost = price * (1.0 - w.graph[e].discount);
    propagate(w, buyer, respond(w, buyer, cost), outletPrice);
  }
}

double bestResponse(const World& w, int m, double unitCost) {
  const PricingSpec& p = pricingOf(w, m);
  const double hi = p.maxPrice > 0 ? p.maxPrice : 5.0 * unitCost + 1.0;
  const double lo = std::min(unitCost, hi);
  auto profit = [&](double x) { return (netUnitRevenue(w, m, x) - unitCost) * demandFaced(w, m, x); };
  return maximizeScanned(profit, lo, hi, p.grid, p.tolerance).first;
}

}  // namespace

double netUnitRevenue(const World& w, int m, double price) {
  const auto i = static_cast<std::size_t>(m);
  return price * (1.0 - w.members.commission[i]) - w.members.shippingCost[i];
}

double respond(const World& w, int m, double unitCost) {
  const PricingSpec& p = pricingOf(w, m);
  switch (p.rule) {
    case PricingRule::Fixed: {
      if (p.price > 0) return p.price;
      const auto& brand = w.spec->brands[static_cast<std::size_t>(w.members.brand[static_cast<std::size_t>(m)])];
      return brand.suggestedRetail > 0 ? brand.suggestedRetail : unitCost;
    }
    case PricingRule::CostPlus: return unitCost * (1.0 + p.markup);
    case PricingRule::BestResponse: return bestResponse(w, m, unitCost);
    case PricingRule::ShareAdjust: return w.members.price[static_cast<std::size_t>(m)];
  }
  return unitCost;
}

double demandFaced(const World& w, int m, double price) {
  std::vector<double> outletPrice(w.outlets.size());
  for (std::size_t o = 0; o < w.outlets.size(); ++o)
    outletPrice[o] = w.members.price[static_cast<std::size_t>(w.outlets[o])];
  propagate(w, m, price, outletPrice);
  return expectedSales(w, w.subtreeOutlets[static_cast<std::size_t>(m)], outletPrice);
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
    const int m = w.outlets[static_cast<std::size_t>(o)];
    const double step = pricingOf(w, m).step;
    const double share = unitsLastTick[static_cast<std::size_t>(o)] / total;
    w.members.price[static_cast<std::size_t>(m)] *= share > fairShare ? 1.0 + step : 1.0 - step;
  }
}

}  // namespace chan::models
