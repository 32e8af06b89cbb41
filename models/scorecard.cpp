#include "models/scorecard.hpp"

namespace chan::models {
namespace {

double ratio(double num, double den) { return den > 0 ? num / den : 0.0; }

constexpr std::size_t kKinds = static_cast<std::size_t>(MemberKind::Logistics) + 1;  // index kKinds: "every channel"

/// Consumer units per (channel, territory, brand); channel kKinds and territory T (the count of
/// territories) stand for all of them.
struct MarketUnits {
  std::size_t territories, brands;
  std::vector<double> units;
  MarketUnits(std::size_t t, std::size_t b) : territories(t), brands(b), units((kKinds + 1) * (t + 1) * b, 0.0) {}
  double& at(std::size_t channel, std::size_t territory, std::size_t brand) {
    return units[(channel * (territories + 1) + territory) * brands + brand];
  }
};

}  // namespace

std::vector<Scorecard> scorecards(const World& w, const MemberFlows* mark) {
  const Members& mb = w.members;
  const MemberFlows& f = w.flows;
  const std::size_t n = mb.size();
  // a span of flows: the run's, or what accrued since the mark (x - 0 is exact, so a null mark
  // reproduces the run's totals bit for bit)
  auto since = [&](std::vector<double> MemberFlows::*field, std::size_t m) {
    return (f.*field)[m] - (mark ? (mark->*field)[m] : 0.0);
  };
  const std::size_t territories = w.spec->territories.size(), brands = w.spec->brands.size();
  MarketUnits market(territories, brands);
  std::vector<double> brandUnits(brands, 0.0);
  for (int o : w.outlets) {
    const auto m = idx(o);
    const double u = since(&MemberFlows::unitsSold, m);
    const auto kind = static_cast<std::size_t>(mb.kind[m]), brand = idx(mb.brand[m]);
    market.at(kind, territories, brand) += u;
    market.at(kKinds, territories, brand) += u;
    brandUnits[brand] += u;
    if (isOnline(mb.kind[m]) || mb.territory[m] < 0) continue;
    market.at(kind, idx(mb.territory[m]), brand) += u;
    market.at(kKinds, idx(mb.territory[m]), brand) += u;
  }
  std::vector<Scorecard> cards(n);
  for (std::size_t m = 0; m < n; ++m) {
    Scorecard& c = cards[m];
    const bool outlet = isOutlet(mb.kind[m]);
    c.units = since(&MemberFlows::unitsSold, m);
    c.revenue = since(&MemberFlows::revenue, m);
    c.orders = since(&MemberFlows::orders, m);
    c.aov = ratio(c.revenue, c.orders);
    c.requested = since(&MemberFlows::unitsRequested, m);
    c.fillRate = ratio(c.units, c.requested);
    c.deliveryDays = outlet ? mb.deliveryDays[m] : ratio(since(&MemberFlows::leadUnitDays, m), c.units);
    c.onTimeRate = ratio(c.units - since(&MemberFlows::unitsLate, m), c.units);
    c.service = outlet ? mb.serviceLevel[m] : 1.0;
    c.satisfaction = c.fillRate * c.onTimeRate * c.service;
    c.profit = f.profit(m) - (mark ? mark->profit(m) : 0.0);
    c.cost = f.cost(m) - (mark ? mark->cost(m) : 0.0);
    c.costEffectiveness = ratio(c.profit, c.cost);
    // market share against competing brands, and the member's weight within its own brand
    const std::size_t channel = outlet ? static_cast<std::size_t>(mb.kind[m]) : kKinds;
    const bool local = !isOnline(mb.kind[m]) && mb.territory[m] >= 0;
    const std::size_t territory = local ? idx(mb.territory[m]) : territories;
    double all = 0;
    for (std::size_t b = 0; b < brands; ++b) all += market.at(channel, territory, b);
    c.brandShare = ratio(market.at(channel, territory, idx(mb.brand[m])), all);
    double own = 0;
    for (int o : w.subtreeOutlets[m]) own += since(&MemberFlows::unitsSold, idx(w.outlets[idx(o)]));
    c.shareOfBrand = ratio(own, brandUnits[idx(mb.brand[m])]);
  }
  return cards;
}

double kpiValue(const Scorecard& c, PartnerKpi kpi) {
  switch (kpi) {
    case PartnerKpi::Profit: return c.profit;
    case PartnerKpi::Revenue: return c.revenue;
    case PartnerKpi::Units: return c.units;
    case PartnerKpi::Aov: return c.aov;
    case PartnerKpi::Satisfaction: return c.satisfaction;
    case PartnerKpi::CostEffectiveness: return c.costEffectiveness;
    case PartnerKpi::BrandShare: return c.brandShare;
  }
  return 0;
}

}  // namespace chan::models
