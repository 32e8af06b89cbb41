#include "sim/engine/metrics.hpp"

#include <algorithm>
#include <map>

namespace chan {
namespace {

double ratio(double num, double den) { return den > 0 ? num / den : 0.0; }

double totalProfit(const World& w, bool makersOnly) {
  double sum = 0;
  for (std::size_t m = 0; m < w.members.size(); ++m)
    if (!makersOnly || w.members.kind[m] == MemberKind::Manufacturer) sum += w.flows.profit(m);
  return sum;
}

double consumerRevenue(const World& w) {
  double sum = 0;
  for (int m : w.outlets) sum += w.flows.revenue[static_cast<std::size_t>(m)];
  return sum;
}

}  // namespace

double referencePrice(const World& w, int member) {
  const BrandSpec& b = w.spec->brands[static_cast<std::size_t>(w.members.brand[static_cast<std::size_t>(member)])];
  return b.minAdvertised > 0 ? b.minAdvertised : b.suggestedRetail;
}

std::vector<std::string> timeseriesColumns() {
  return {"tick", "demand_units", "sold_units", "lost_units", "fill_rate", "revenue", "mean_retail_price",
          "undercut_share", "consumer_reach", "outlets_in_stock", "outlets_stocked_out", "online_units",
          "cannibalized_units", "distributor_units", "cross_territory_units", "channel_profit", "manufacturer_profit"};
}

std::vector<double> timeseriesValues(const TickRecord& r) {
  const TickObservations& o = r.obs;
  return {static_cast<double>(r.tick), o.demand, o.sold, std::max(0.0, o.demand - o.sold), ratio(o.sold, o.demand),
          r.revenue, r.meanRetailPrice, r.undercutShare, o.reached, o.outletsInStock, o.outletsStockedOut,
          o.onlineSold, o.cannibalized, o.distributorUnits, o.crossTerritory, r.channelProfit, r.manufacturerProfit};
}

void MetricsRecorder::beginTick(const World& w) {
  m_channelProfitBefore = totalProfit(w, false);
  m_makerProfitBefore = totalProfit(w, true);
  m_revenueBefore = consumerRevenue(w);
}

void MetricsRecorder::endTick(const World& w, const TickObservations& obs) {
  TickRecord r;
  r.tick = w.tick;
  r.obs = obs;
  r.obs.reached = ratio(obs.reached, static_cast<double>(w.consumers.size()));
  r.revenue = consumerRevenue(w) - m_revenueBefore;
  double priceSum = 0, undercut = 0;
  for (int m : w.outlets) {
    const double p = w.members.price[static_cast<std::size_t>(m)];
    const double ref = referencePrice(w, m);
    priceSum += p;
    undercut += ref > 0 && p < ref * (1 - 1e-12);
  }
  r.meanRetailPrice = ratio(priceSum, static_cast<double>(w.outlets.size()));
  r.undercutShare = ratio(undercut, static_cast<double>(w.outlets.size()));
  r.channelProfit = totalProfit(w, false) - m_channelProfitBefore;
  r.manufacturerProfit = totalProfit(w, true) - m_makerProfitBefore;
  m_records.push_back(r);
}

Summary MetricsRecorder::summarize(const World& w, double integratedEfficiency) const {
  TickObservations sum;
  double reachSum = 0, undercutTicks = 0, pricedTicks = 0;
  for (const TickRecord& r : m_records) {
    sum.demand += r.obs.demand;
    sum.sold += r.obs.sold;
    sum.onlineSold += r.obs.onlineSold;
    sum.cannibalized += r.obs.cannibalized;
    sum.outletsInStock += r.obs.outletsInStock;
    sum.outletsStockedOut += r.obs.outletsStockedOut;
    sum.distributorUnits += r.obs.distributorUnits;
    sum.crossTerritory += r.obs.crossTerritory;
    reachSum += r.obs.reached;
  }
  for (int m : w.outlets) {
    undercutTicks += w.flows.undercutTicks[static_cast<std::size_t>(m)];
    pricedTicks += w.flows.pricedTicks[static_cast<std::size_t>(m)];
  }
  const double ticks = static_cast<double>(m_records.size());
  const double outletDays = ticks * static_cast<double>(w.outlets.size());
  Summary s;
  const double undercut = ratio(undercutTicks, pricedTicks);
  const double cross = ratio(sum.crossTerritory, sum.distributorUnits);
  const double cannibal = ratio(sum.cannibalized, sum.onlineSold);
  s.emplace_back("conflict.undercut_rate", undercut);
  s.emplace_back("conflict.cross_territory_share", cross);
  s.emplace_back("conflict.cannibalization", cannibal);
  s.emplace_back("conflict.index", (undercut + cross + cannibal) / 3.0);

  const double channel = totalProfit(w, false), maker = totalProfit(w, true);
  s.emplace_back("margin.channel_profit", channel);
  s.emplace_back("margin.manufacturer_profit", maker);
  s.emplace_back("margin.manufacturer_share", ratio(maker, channel));
  if (integratedEfficiency >= 0) s.emplace_back("margin.integrated_efficiency", integratedEfficiency);
  std::map<int, std::pair<double, double>> byTier;            // tier -> (profit, revenue)
  std::map<std::string, std::pair<double, double>> byKind;    // kind -> (profit, revenue)
  for (std::size_t m = 0; m < w.members.size(); ++m) {
    auto& t = byTier[w.members.tier[m]];
    auto& k = byKind[kindName(w.members.kind[m])];
    t.first += w.flows.profit(m), t.second += w.flows.revenue[m];
    k.first += w.flows.profit(m), k.second += w.flows.revenue[m];
  }
  for (const auto& [tier, pr] : byTier) {
    const std::string key = "margin.tier" + std::to_string(tier);
    s.emplace_back(key + ".profit", pr.first);
    s.emplace_back(key + ".margin_rate", ratio(pr.first, pr.second));
  }
  for (const auto& [kind, pr] : byKind) {
    s.emplace_back("margin.kind." + kind + ".profit", pr.first);
    s.emplace_back("margin.kind." + kind + ".margin_rate", ratio(pr.first, pr.second));
  }

  s.emplace_back("coverage.consumer_reach", ratio(reachSum, ticks));
  s.emplace_back("coverage.numeric_distribution", ratio(sum.outletsInStock, outletDays));
  s.emplace_back("coverage.fill_rate", ratio(sum.sold, sum.demand));
  s.emplace_back("coverage.stockout_rate", ratio(sum.outletsStockedOut, outletDays));
  s.emplace_back("coverage.lost_units", std::max(0.0, sum.demand - sum.sold));

  s.emplace_back("sales.units", sum.sold);
  s.emplace_back("sales.revenue", consumerRevenue(w));
  s.emplace_back("sales.online_share", ratio(sum.onlineSold, sum.sold));
  s.emplace_back("sales.mean_price", ratio(consumerRevenue(w), sum.sold));
  return s;
}

}  // namespace chan
