#include "sim/engine/metrics.hpp"

#include <algorithm>
#include <map>

#include "models/pricing.hpp"
#include "sim/core/metric_names.hpp"
#include "sim/core/names.hpp"
#include "models/scorecard.hpp"

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

double variance(const std::vector<double>& x) {
  if (x.size() < 2) return 0;
  double mean = 0, m2 = 0, n = 0;
  for (double v : x) {
    n += 1;
    const double d = v - mean;
    mean += d / n;
    m2 += d * (v - mean);
  }
  return m2 / (n - 1);
}

/// Sales by product, for brands that list their products (brands[].products): units to
/// consumers, online units, revenue and the product's share of its brand's units.
void addProductSummary(const World& w, Summary& s) {
  const std::size_t n = w.products.size();
  std::vector<double> units(n, 0.0), online(n, 0.0), revenue(n, 0.0), brandUnits(w.spec->brands.size(), 0.0);
  for (int m : w.outlets) {
    const auto i = static_cast<std::size_t>(m), p = static_cast<std::size_t>(w.members.product[i]);
    units[p] += w.flows.unitsSold[i];
    if (isOnline(w.members.kind[i])) online[p] += w.flows.unitsSold[i];
    revenue[p] += w.flows.revenue[i];
    brandUnits[static_cast<std::size_t>(w.products[p].brand)] += w.flows.unitsSold[i];
  }
  for (std::size_t p = 0; p < n; ++p) {
    const Product& product = w.products[p];
    if (!product.listed) continue;
    const std::string key = "product." + w.spec->brands[static_cast<std::size_t>(product.brand)].name + "." + product.name;
    s.emplace_back(key + ".units", units[p]);
    s.emplace_back(key + ".online_units", online[p]);
    s.emplace_back(key + ".revenue", revenue[p]);
    s.emplace_back(key + ".brand_share", ratio(units[p], brandUnits[static_cast<std::size_t>(product.brand)]));
  }
}

/// Metrics of the channel-control mechanisms (README "Output reference").
void addMechanismMetrics(const World& w, std::span<const TickRecord> records, Summary& s) {
  // conflict events by type: how many happened, how many were detected, depth of MAP violations
  std::vector<double> count(names::kEventTypes.size(), 0.0), seen(names::kEventTypes.size(), 0.0);
  const auto of = [](Event::Type t) { return static_cast<std::size_t>(t); };
  std::map<std::string, double> actions;
  double depth = 0;
  for (const Event& e : w.events) {
    count[of(e.type)] += 1, seen[of(e.type)] += e.detected;
    if (!e.action.empty()) actions[e.action.substr(0, e.action.find(' '))] += 1;
    if (e.type == Event::Type::PriceUndercut) depth += e.severity;
  }
  for (Event::Type t : {Event::Type::PriceUndercut, Event::Type::TerritoryDiversion, Event::Type::Cannibalization,
                        Event::Type::VerticalDispute}) {
    s.emplace_back("conflict.events." + names::of(names::kEventTypes, t), count[of(t)]);
    s.emplace_back("conflict.detected." + names::of(names::kEventTypes, t), seen[of(t)]);
  }
  const double violations = count[of(Event::Type::PriceUndercut)], caught = seen[of(Event::Type::PriceUndercut)];
  s.emplace_back("conflict.map_violation_days", violations);
  s.emplace_back("conflict.undetected_violation_days", violations - caught);
  s.emplace_back("conflict.detection_rate", ratio(caught, violations));
  s.emplace_back("conflict.mean_violation_depth", ratio(depth, violations));
  // bullwhip: variance of each tier's orders over the variance of consumer demand (without a
  // warm-up key, the first tenth of the run left out as one)
  std::vector<double> demand;
  const std::size_t skip = w.spec->warmup > 0 ? 0 : records.size() / kUnsettledShare;
  for (std::size_t k = skip; k < records.size(); ++k) demand.push_back(records[k].obs.demand);
  const double demandVar = variance(demand);
  for (int t = 1; t < w.tierCount(); ++t) {
    std::vector<double> orders;
    for (std::size_t k = skip; k < records.size(); ++k) orders.push_back(records[k].obs.ordersByTier[static_cast<std::size_t>(t)]);
    s.emplace_back("bullwhip.tier" + std::to_string(t), ratio(variance(orders), demandVar));
  }
  // early warnings: the share of member-days on which a member's stock crossed a bound
  double overstock = 0, stockout = 0, memberDays = 0;
  for (const TickRecord& r : records) overstock += r.obs.overstockWarnings, stockout += r.obs.stockoutWarnings;
  for (std::size_t m = 0; m < w.members.size(); ++m) memberDays += w.members.kind[m] != MemberKind::Manufacturer && w.members.kind[m] != MemberKind::Logistics;
  memberDays *= static_cast<double>(records.size());
  s.emplace_back("warnings.overstock_rate", ratio(overstock, memberDays));
  s.emplace_back("warnings.stockout_risk_rate", ratio(stockout, memberDays));
  s.emplace_back("partners.terminated", count[of(Event::Type::Termination)]);
  s.emplace_back("partners.recruited", count[of(Event::Type::Recruitment)]);
  double activeEnd = 0;
  for (std::size_t m = 0; m < w.members.size(); ++m) activeEnd += w.members.active[m];
  s.emplace_back("partners.active_members", activeEnd);
  // terms and tiers the partner policy changed, and where outlets' discounts ended up
  s.emplace_back("partners.discount_raised", actions["raise_discount"]);
  s.emplace_back("partners.discount_cut", actions["cut_discount"]);
  s.emplace_back("partners.promoted", actions["promote"]);
  s.emplace_back("partners.demoted", actions["demote"]);
  double discounts = 0, outlets = 0;
  for (int m : w.outlets)
    if (w.members.active[static_cast<std::size_t>(m)] && w.members.authorised[static_cast<std::size_t>(m)])
      discounts += w.discountOf(m), outlets += 1;
  s.emplace_back("partners.mean_discount", ratio(discounts, outlets));
  // market share of each brand when brands compete
  if (w.spec->brands.size() > 1) {
    std::vector<double> units(w.spec->brands.size(), 0.0);
    double total = 0;
    for (int m : w.outlets) {
      units[static_cast<std::size_t>(w.members.brand[static_cast<std::size_t>(m)])] += w.flows.unitsSold[static_cast<std::size_t>(m)];
      total += w.flows.unitsSold[static_cast<std::size_t>(m)];
    }
    for (std::size_t b = 0; b < units.size(); ++b) s.emplace_back("market." + w.spec->brands[b].name + ".share", ratio(units[b], total));
  }
  addProductSummary(w, s);
}

/// Metrics of the optional mechanisms of mechanisms/, in registration order (README
/// "summary.json"). Written whether or not the scenario uses them (0 when off), so that a sweep
/// can switch a mechanism off and still collect its metrics.
void addMechanismSummaries(const World& w, const std::vector<std::unique_ptr<Mechanism>>& mechanisms, Summary& s) {
  for (const auto& mechanism : mechanisms) mechanism->summarize(w, s);
}

/// Totals of scorecards over a set of members; the ratios are of sums (README "summary.json").
struct KpiTotals {
  double units = 0, revenue = 0, orders = 0, requested = 0, onTime = 0, satisfied = 0, profit = 0, cost = 0;
  void add(const models::Scorecard& c) {
    units += c.units, revenue += c.revenue, orders += c.orders, requested += c.requested;
    onTime += c.onTimeRate * c.units, satisfied += c.satisfaction * c.requested;
    profit += c.profit, cost += c.cost;
  }
  void emit(const std::string& key, Summary& s) const {
    s.emplace_back(key + ".units", units);
    s.emplace_back(key + ".revenue", revenue);
    s.emplace_back(key + ".orders", orders);
    s.emplace_back(key + ".aov", ratio(revenue, orders));
    s.emplace_back(key + ".fill_rate", ratio(units, requested));
    s.emplace_back(key + ".on_time_rate", ratio(onTime, units));
    s.emplace_back(key + ".satisfaction", ratio(satisfied, requested));
    s.emplace_back(key + ".cost_effectiveness", ratio(profit, cost));
  }
};

/// KPI scorecards of the run per tier and per outlet channel, with each channel's brand shares
/// when brands compete.
void addKpiMetrics(const World& w, Summary& s) {
  const std::vector<models::Scorecard> cards = models::scorecards(w);
  std::map<int, KpiTotals> byTier;
  std::map<std::string, KpiTotals> byChannel;
  std::map<std::string, std::vector<double>> brandUnits;  // channel -> units per brand
  for (std::size_t m = 0; m < cards.size(); ++m) {
    // logistics providers (tier -1) stand outside the supply tiers: see logistics.*
    if (w.members.tier[m] >= 0) byTier[w.members.tier[m]].add(cards[m]);
    if (!isOutlet(w.members.kind[m])) continue;
    const std::string channel = kindName(w.members.kind[m]);
    byChannel[channel].add(cards[m]);
    auto& units = brandUnits[channel];
    units.resize(w.spec->brands.size(), 0.0);
    units[static_cast<std::size_t>(w.members.brand[m])] += cards[m].units;
  }
  for (const auto& [tier, totals] : byTier) totals.emit("kpi.tier" + std::to_string(tier), s);
  for (const auto& [channel, totals] : byChannel) {
    totals.emit("kpi.channel." + channel, s);
    if (w.spec->brands.size() < 2) continue;
    const auto& units = brandUnits[channel];
    for (std::size_t b = 0; b < units.size(); ++b)
      s.emplace_back("kpi.channel." + channel + ".brand_share." + w.spec->brands[b].name,
                     ratio(units[b], totals.units));
  }
}

}  // namespace

double referencePrice(const World& w, int member) {
  const Product& p = w.productOf(member);
  return p.minAdvertised > 0 ? p.minAdvertised : p.suggestedRetail;
}

std::vector<std::string> timeseriesColumns(int tiers, const ScenarioSpec& spec,
                                           const std::vector<std::string>& mechanismColumns) {
  std::vector<std::string> c{"tick", "demand_units", "sold_units", "lost_units", "fill_rate", "revenue",
                             "mean_retail_price", "undercut_share", "consumer_reach", "outlets_in_stock",
                             "outlets_stocked_out", "online_units", "cannibalized_units", "distributor_units",
                             "cross_territory_units", "channel_profit", "manufacturer_profit", "overstock_warnings",
                             "stockout_warnings", "disrupted", "warmup"};
  for (int t = 1; t < tiers; ++t) c.push_back("orders_tier" + std::to_string(t));
  if (hasLogisticsProviders(spec)) c.insert(c.end(), {"shipments", "late_shipments"});
  c.insert(c.end(), mechanismColumns.begin(), mechanismColumns.end());
  return c;
}

std::vector<double> timeseriesValues(const TickRecord& r, const ScenarioSpec& spec) {
  const TickObservations& o = r.obs;
  std::vector<double> v{static_cast<double>(r.tick), o.demand, o.sold, std::max(0.0, o.demand - o.sold), ratio(o.sold, o.demand),
          r.revenue, r.meanRetailPrice, r.undercutShare, o.reached, o.outletsInStock, o.outletsStockedOut,
          o.onlineSold, o.cannibalized, o.distributorUnits, o.crossTerritory, r.channelProfit, r.manufacturerProfit,
          o.overstockWarnings, o.stockoutWarnings, o.disrupted ? 1.0 : 0.0, r.warmup ? 1.0 : 0.0};
  for (std::size_t t = 1; t < o.ordersByTier.size(); ++t) v.push_back(o.ordersByTier[t]);
  if (hasLogisticsProviders(spec)) v.insert(v.end(), {o.shipments, o.lateShipments});
  v.insert(v.end(), r.mechanismValues.begin(), r.mechanismValues.end());
  return v;
}

void MetricsRecorder::addSales(const World& w, const models::OutletFactors& first, std::span<const double> fill1,
                               const models::OutletFactors* second, std::span<const double> fill2,
                               std::span<const std::uint8_t> secondChoice) {
  // the tick's own split, its outlet tables built once (they are outlet-sized)
  if (!m_tickSource) m_tickSource.emplace(w);
  models::SourceOfVolume& tick = *m_tickSource;
  std::fill(tick.units.begin(), tick.units.end(), 0.0);
  std::fill(tick.cannibalizedBy.begin(), tick.cannibalizedBy.end(), 0.0);
  tick.cannibalized = 0;
  models::addSourceOfVolume(w, first, fill1, second, fill2, secondChoice, tick);
  for (std::size_t k = 0; k < tick.units.size(); ++k) m_source->units[k] += tick.units[k];
  m_source->cannibalized += tick.cannibalized;
  m_tickCannibalized = tick.cannibalized;
}

void MetricsRecorder::beginTick(const World& w) {
  if (!m_source) m_source.emplace(w);
  m_channelProfitBefore = totalProfit(w, false);
  m_makerProfitBefore = totalProfit(w, true);
  m_revenueBefore = consumerRevenue(w);
}

void MetricsRecorder::beginMeasurement() {
  for (TickRecord& r : m_records) r.warmup = true;
  m_firstMeasured = m_records.size();
  std::fill(m_source->units.begin(), m_source->units.end(), 0.0);
  m_source->cannibalized = 0;
}

void MetricsRecorder::endTick(const World& w, const TickObservations& obs,
                              const std::vector<std::unique_ptr<Mechanism>>& mechanisms) {
  TickRecord r;
  if (m_records.empty())
    for (const auto& mechanism : mechanisms) mechanism->timeseriesColumns(m_mechanismColumns);
  for (const auto& mechanism : mechanisms) mechanism->tickValues(m_records.size(), r.mechanismValues);
  r.tick = w.tick;
  r.obs = obs;
  r.obs.cannibalized = m_tickCannibalized;
  m_tickCannibalized = 0;
  r.obs.reached = ratio(obs.reached, static_cast<double>(w.consumers.size()));
  r.revenue = consumerRevenue(w) - m_revenueBefore;
  double priceSum = 0, undercut = 0;
  double activeOutlets = 0;
  for (int m : w.outlets) {
    if (!w.members.active[static_cast<std::size_t>(m)]) continue;
    const double p = w.members.price[static_cast<std::size_t>(m)];
    const double ref = referencePrice(w, m);
    priceSum += p;
    undercut += undercuts(p, ref);
    activeOutlets += 1;
  }
  r.meanRetailPrice = ratio(priceSum, activeOutlets);
  r.undercutShare = ratio(undercut, activeOutlets);
  r.channelProfit = totalProfit(w, false) - m_channelProfitBefore;
  r.manufacturerProfit = totalProfit(w, true) - m_makerProfitBefore;
  m_records.push_back(r);
}

Summary MetricsRecorder::summarize(const World& w, double integratedEfficiency,
                                   const std::vector<std::unique_ptr<Mechanism>>& mechanisms) const {
  // the measured ticks: those after the warm-up
  const std::span<const TickRecord> records(m_records.begin() + static_cast<std::ptrdiff_t>(m_firstMeasured), m_records.end());
  TickObservations sum;
  double reachSum = 0, undercutTicks = 0, pricedTicks = 0;
  for (const TickRecord& r : records) {
    sum.demand += r.obs.demand;
    sum.sold += r.obs.sold;
    sum.onlineSold += r.obs.onlineSold;
    sum.cannibalized += r.obs.cannibalized;
    sum.onlineNearStockedStore += r.obs.onlineNearStockedStore;
    sum.soldBelowReference += r.obs.soldBelowReference;
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
  const double ticks = static_cast<double>(records.size());
  const double outletDays = ticks * static_cast<double>(w.outlets.size());
  Summary s;
  const double undercut = ratio(sum.soldBelowReference, sum.sold);
  const double cross = ratio(sum.crossTerritory, sum.distributorUnits);
  const double cannibal = ratio(sum.cannibalized, sum.onlineSold);
  s.emplace_back(metric::kUndercutRate, undercut);
  s.emplace_back(metric::kUndercutOutletDays, ratio(undercutTicks, pricedTicks));
  s.emplace_back(metric::kCrossTerritoryShare, cross);
  s.emplace_back(metric::kCannibalization, cannibal);
  s.emplace_back(metric::kOnlineNearStockedStore, ratio(sum.onlineNearStockedStore, sum.onlineSold));
  {
    const auto& cw = w.spec->conflictWeights;
    const double wu = cw.given ? cw.undercut : sum.sold, wx = cw.given ? cw.crossTerritory : sum.distributorUnits,
                 wc = cw.given ? cw.cannibalization : sum.onlineSold;
    s.emplace_back(metric::kConflictIndex, ratio(wu * undercut + wx * cross + wc * cannibal, wu + wx + wc));
  }

  const double channel = totalProfit(w, false), maker = totalProfit(w, true);
  s.emplace_back(metric::kChannelProfit, channel);
  s.emplace_back(metric::kManufacturerProfit, maker);
  s.emplace_back(metric::kManufacturerShare, ratio(maker, channel));
  double brand = 0;  // the manufacturers, the brand's own e-stores and any member a manufacturer owns
  for (std::size_t m = 0; m < w.members.size(); ++m) {
    const int owner = w.members.owner[m];
    if (w.members.kind[m] == MemberKind::Manufacturer || w.members.kind[m] == MemberKind::EStore ||
        (owner >= 0 && w.members.kind[static_cast<std::size_t>(owner)] == MemberKind::Manufacturer))
      brand += w.flows.profit(m);
  }
  s.emplace_back(metric::kBrandProfit, brand);
  s.emplace_back(metric::kBrandShare, ratio(brand, channel));
  if (integratedEfficiency >= 0) s.emplace_back(metric::kIntegratedEfficiency, integratedEfficiency);
  std::map<int, std::pair<double, double>> byTier;            // tier -> (profit, revenue)
  std::map<std::string, std::pair<double, double>> byKind;    // kind -> (profit, revenue)
  std::map<int, std::map<std::string, std::pair<double, double>>> byTierKind;  // tier -> kind -> ...
  for (std::size_t m = 0; m < w.members.size(); ++m) {
    auto& k = byKind[kindName(w.members.kind[m])];
    k.first += w.flows.profit(m), k.second += w.flows.revenue[m];
    if (w.members.tier[m] < 0) continue;  // logistics providers stand outside the tiers
    auto& t = byTier[w.members.tier[m]];
    t.first += w.flows.profit(m), t.second += w.flows.revenue[m];
    auto& tk = byTierKind[w.members.tier[m]][kindName(w.members.kind[m])];
    tk.first += w.flows.profit(m), tk.second += w.flows.revenue[m];
  }
  for (const auto& [tier, pr] : byTier) {
    const std::string key = "margin.tier" + std::to_string(tier);
    s.emplace_back(key + ".profit", pr.first);
    s.emplace_back(key + ".margin_rate", ratio(pr.first, pr.second));
    // a tier that mixes kinds (a national distributor beside the brand's e-store) by kind too
    if (byTierKind[tier].size() < 2) continue;
    for (const auto& [kind, kpr] : byTierKind[tier]) {
      s.emplace_back(key + "." + kind + ".profit", kpr.first);
      s.emplace_back(key + "." + kind + ".margin_rate", ratio(kpr.first, kpr.second));
    }
  }
  for (const auto& [kind, pr] : byKind) {
    s.emplace_back("margin.kind." + kind + ".profit", pr.first);
    s.emplace_back("margin.kind." + kind + ".margin_rate", ratio(pr.first, pr.second));
  }

  s.emplace_back(metric::kConsumerReach, ratio(reachSum, ticks));
  s.emplace_back(metric::kNumericDistribution, ratio(sum.outletsInStock, outletDays));
  s.emplace_back(metric::kFillRate, ratio(sum.sold, sum.demand));
  s.emplace_back(metric::kStockoutRate, ratio(sum.outletsStockedOut, outletDays));
  s.emplace_back(metric::kLostUnits, std::max(0.0, sum.demand - sum.sold));

  addMechanismMetrics(w, records, s);
  addMechanismSummaries(w, mechanisms, s);

  s.emplace_back(metric::kSalesUnits, sum.sold);
  s.emplace_back(metric::kSalesRevenue, consumerRevenue(w));
  s.emplace_back(metric::kOnlineShare, ratio(sum.onlineSold, sum.sold));
  s.emplace_back(metric::kMeanPrice, ratio(consumerRevenue(w), sum.sold));
  addKpiMetrics(w, s);
  return s;
}

}  // namespace chan
