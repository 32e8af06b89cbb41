#include "sim/engine/engine.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "models/channel_control.hpp"
#include "models/consumer_choice.hpp"
#include "models/optimize.hpp"
#include "models/pricing.hpp"
#include "models/replenishment.hpp"
#include "sim/core/rng.hpp"
#include "sim/core/supply_edge.hpp"
#include "sim/engine/world_builder.hpp"

namespace chan {
namespace {

constexpr double kTiny = 1e-9;          // units below this count as none
// the integrated-channel optimum's price search: up to this multiple of the highest outlet
// price, scanned at this many points before refining to a relative tolerance
constexpr double kIntegratedPriceCeiling = 5;
constexpr int kIntegratedGrid = 24;
constexpr double kIntegratedTolerance = 1e-9;
// early warnings compare stock with a bound that order-up-to stock sits on exactly (a steady
// start fills it to the bound): a warning needs the bound crossed by more than this relative
// margin, so that rounding in the last bits does not decide it
constexpr double kWarningMargin = 1e-9;

/// Member m's buying price at today's prices.
double buyingPrice(const World& w, int m) { return models::buyingCost(w, m, w.members.price); }

}  // namespace

Engine::Engine(const ScenarioSpec& spec, EngineOptions options) : m_world(buildWorld(spec)) {
  World& w = m_world;
  m_unitsLastTick.assign(w.outlets.size(), 0.0);
  m_ordersTo.assign(w.members.size(), {});
  // every registered mechanism, in registration order (one the scenario leaves off does
  // nothing but report its metrics as 0, so that sweeps can switch it off and still collect them)
  for (std::size_t i = 0; i < mechanismRegistry().size(); ++i)
    m_mechanisms.push_back(mechanismRegistry()[i].create(sectionOf(spec, i), w));
  for (auto& mechanism : m_mechanisms) mechanism->start(w);
  m_sourceOfVolume = options.sourceOfVolume ||
                     std::any_of(m_mechanisms.begin(), m_mechanisms.end(), [](const auto& m) { return m->decidesOnCannibalized(); });
  if (!m_sourceOfVolume) m_noCannibalized.assign(w.outlets.size(), 0.0);
  // opening prices, top tier first, so that each tier sees its buying price
  for (const auto& tier : w.byTier) {
    for (int m : tier) {
      const PricingSpec& p = w.groupOf(m).pricing;
      if (w.members.owner[idx(m)] >= 0) continue;  // priced by its owner
      double price = priceMember(m, buyingPrice(w, m));
      if (p.rule == PricingRule::ShareAdjust && p.initialHigh > 0) {
        Stream rng(spec.seed, static_cast<std::uint64_t>(spec.run), 0, StreamPurpose::Pricing, idx(m));
        price = rng.uniform(p.initialLow, p.initialHigh);
      } else if (p.rule == PricingRule::ShareAdjust) {
        price = buyingPrice(w, m) * (1.0 + w.groupOf(m).pricing.markup);
      }
      w.members.price[idx(m)] = price;
    }
  }
  // opening stock is an opening balance: goods endowed at the member's buying price
  for (std::size_t m = 0; m < w.members.size(); ++m) {
    const double units = w.members.openingStock[m];  // the group's initial_stock, or an imported row's
    if (units <= 0 || w.members.kind[m] == MemberKind::Manufacturer) continue;
    w.members.stock[m] = units;
    w.members.stockValue[m] = units * buyingPrice(w, static_cast<int>(m));
    w.flows.openingValue[m] = w.members.stockValue[m];
    w.ledger.opening += units;
  }
  if (spec.warmup > 0 && spec.warmup >= spec.ticks)
    throw std::invalid_argument("warmup (" + std::to_string(spec.warmup) + ") must be shorter than the run (ticks: " +
                                std::to_string(spec.ticks) + ")");
  if (spec.steadyStart) startAtSteadyState();
  m_outletRequests.assign(w.outlets.size(), 0.0);
  // contracts keep the fee of the group that made them (a reassignment carries it along)
  m_anyFixedFee = std::any_of(spec.groups.begin(), spec.groups.end(), [](const MemberGroupSpec& g) { return g.fixedFee > 0; });
  if (!spec.consumers.expected && spec.consumers.substitution) m_secondChoice.assign(w.consumers.size(), 0);
  const auto& visible = spec.consumers.stockVisible;
  for (int m : w.outlets)
    m_seesStock.push_back(std::find(visible.begin(), visible.end(), w.members.kind[idx(m)]) != visible.end());
  if (spec.check) verifyConservation();
}

void Engine::startAtSteadyState() {
  // A channel that has been running: every order-up-to member holds its cover days of stock,
  // has its lead time's worth of goods in transit and forecasts the demand it will see, all at
  // the expected daily demand at opening prices (the demand model with every outlet in stock,
  // passed up the supply tree). Its first orders are then ordinary days' orders, not pipeline
  // fills learned from a single day (issue: a day-1 order of a third of a year's sales).
  // Goods and their book value are opening balances, like initial_stock.
  World& w = m_world;
  Members& mb = w.members;
  std::vector<double> price(w.outlets.size()), daily(mb.size(), 0.0);
  for (std::size_t o = 0; o < w.outlets.size(); ++o) price[o] = mb.price[idx(w.outlets[o])];
  const std::vector<double> sales = models::expectedSalesByOutlet(w, price);
  for (std::size_t o = 0; o < w.outlets.size(); ++o) daily[idx(w.outlets[o])] = sales[o];
  // deepest tier first, so that a member's buyers have added their demand to its own
  for (auto tier = w.byTier.rbegin(); tier != w.byTier.rend(); ++tier) {
    for (int m : *tier) {
      const auto i = idx(m);
      const ReplenishSpec& r = w.groupOf(m).replenish;
      if (r.rule != ReplenishRule::OrderUpTo || mb.supplier[i] < 0 || !mb.active[i] || !(daily[i] > 0)) continue;
      const double d = daily[i], unitValue = buyingPrice(w, m);
      daily[idx(mb.supplier[i])] += d;
      const double onHand = std::max(mb.stock[i], r.coverDays * d);
      w.ledger.opening += onHand - mb.stock[i];
      mb.stock[i] = onHand;
      mb.stockValue[i] = onHand * unitValue;
      const int lead = w.termsFor(mb.supplier[i], m).leadTime;
      for (int k = 1; k <= lead; ++k) w.inTransit.push_back({k, m, d, d * unitValue});
      mb.onOrder[i] += lead * d;
      w.ledger.opening += lead * d;
      w.flows.openingValue[i] = mb.stockValue[i] + lead * d * unitValue;
      // a season of holt_winters must be full before it forecasts by its factors
      const int days = r.forecast.method == ForecastMethod::HoltWinters ? std::max(r.forecastWindow, r.forecast.season)
                                                                        : r.forecastWindow;
      for (int k = 0; k < days; ++k) models::recordDemand(w, m, d);
    }
  }
}

double Engine::priceMember(int m, double unitCost) {
  // the behaviour sees every member's current price; an owner also sets its members' prices.
  // Only best response and opportunistic pricing probe other members' prices; the other rules
  // read at most the member's own and write none, so they need no copy of every price (one
  // copy per member per tick made a tick quadratic in the member count)
  World& w = m_world;
  const PricingRule rule = w.groupOf(m).pricing.rule;
  if (rule != PricingRule::BestResponse && rule != PricingRule::Opportunistic)
    return models::respond(w, m, unitCost, w.members.price);
  models::PriceContext ctx = w.members.price;
  const double price = models::respond(w, m, unitCost, ctx);
  for (int j : w.owned[idx(m)]) w.members.price[idx(j)] = ctx[idx(j)];
  return price;
}

void Engine::run() {
  while (m_world.tick < m_world.spec->ticks) step();
}

void Engine::step() {
  World& w = m_world;
  if (m_warmupClosed)
    throw std::logic_error("the run is over: with a warm-up, the scenario's last tick closed the books (ticks: " +
                           std::to_string(w.spec->ticks) + ")");
  ++w.tick;
  m_lastLap = std::chrono::steady_clock::now();
  m_metrics.beginTick(w);
  TickObservations obs;
  obs.ordersByTier.assign(static_cast<std::size_t>(w.tierCount()), 0.0);
  lap(StageTimes::Metrics);  // the day's opening totals, for its metrics row
  // arrivals: shipments due this tick join the buyers' stock
  receiveArrivals();
  lap(StageTimes::Arrivals);
  // risk events and policy review: the mechanisms' reviews (risk first: disruptions starting,
  // licence audits, data breaches, defaults, with the emergency response; then the partner
  // policy's terminations, recruitment, rebates, terms and tiers; vertical disputes over terms)
  for (auto& mechanism : m_mechanisms) mechanism->review(w);
  lap(StageTimes::Review);
  // pricing: every member due for review, top tier first, then promotions and the price cap
  setPrices();
  lap(StageTimes::Pricing);
  // consumer demand and fulfilment (and mediation of cannibalised sales)
  serveConsumers(obs);
  // replenishment orders and shipments, deepest tier first (diversion, shared sales data)
  replenish(obs);
  lap(StageTimes::Replenish);
  // monitoring and enforcement: MAP violations and the day's off-contract shipments
  for (auto& mechanism : m_mechanisms) mechanism->monitor(w, m_diversions);
  w.events.insert(w.events.end(), m_diversions.begin(), m_diversions.end());
  m_diversions.clear();
  lap(StageTimes::Monitor);
  // settlement: holding and fixed costs, fixed fees
  settle();
  lap(StageTimes::Settle);
  // early warnings on stock levels
  warn(obs);
  for (std::size_t m = 0; m < w.members.size() && !obs.disrupted; ++m) obs.disrupted = models::disrupted(w, static_cast<int>(m));
  // metrics
  for (auto& mechanism : m_mechanisms) mechanism->endTick(w);
  m_metrics.endTick(w, obs, m_mechanisms);
  if (w.spec->outputs.memberTimeseries) m_panel.record(w);  // the optional per-member panel
  lap(StageTimes::Metrics);
  if (w.spec->check) verifyConservation();
  if (w.spec->warmup > 0 && w.tick == w.spec->warmup) beginMeasurement();
  if (w.spec->warmup > 0 && w.tick == w.spec->ticks) {
    closeWarmupBooks();
    if (w.spec->check) verifyConservation();  // the closed books balance too
  }
}

void Engine::lap(StageTimes::Stage stage) {
  const auto now = std::chrono::steady_clock::now();
  m_stageTimes.seconds[stage] += std::chrono::duration<double>(now - m_lastLap).count();
  m_lastLap = now;
}

void Engine::beginMeasurement() {
  // Measurement starts at the end of the warm-up. The world's flows go on accumulating from
  // the start (behaviours difference them against their own marks: partner reviews, disputes),
  // so they are only kept here, to be taken off when the run is over; metrics and mechanisms
  // restart their own totals now.
  World& w = m_world;
  m_flowsAtWarmupEnd = w.flows;
  m_ledgerAtWarmupEnd = w.ledger;
  m_bookValueAtWarmupEnd = w.members.stockValue;
  for (const Shipment& s : w.inTransit) m_bookValueAtWarmupEnd[idx(s.buyer)] += s.value;
  m_metrics.beginMeasurement();
  for (auto& mechanism : m_mechanisms) mechanism->beginMeasurement();
}

void Engine::closeWarmupBooks() {
  // The run is over: its flows become those since the warm-up's end, whose stock (on hand and
  // in transit, at book value), cash and goods become the opening balances, so that
  // members.csv, the summary and the conservation check all see the measured ticks alone.
  World& w = m_world;
  w.flows.subtract(m_flowsAtWarmupEnd);
  w.flows.openingValue = m_bookValueAtWarmupEnd;
  for (std::size_t m = 0; m < w.members.size(); ++m) w.flows.openingCash[m] = m_ledgerAtWarmupEnd.balance(static_cast<int>(m));
  const Ledger& cut = m_ledgerAtWarmupEnd;
  w.ledger.opening = cut.opening + cut.produced - cut.soldToConsumers - cut.writtenOff;  // goods in the channel then
  w.ledger.produced -= cut.produced;
  w.ledger.soldToConsumers -= cut.soldToConsumers;
  w.ledger.writtenOff -= cut.writtenOff;
  // events of the warm-up leave events.csv and the event counts
  std::erase_if(w.events, [&](const Event& e) { return e.tick <= w.spec->warmup; });
  m_warmupClosed = true;
}

void Engine::receiveArrivals() {
  World& w = m_world;
  auto arrived = std::stable_partition(w.inTransit.begin(), w.inTransit.end(),
                                       [&](const Shipment& s) { return s.arrival > w.tick; });
  for (auto it = arrived; it != w.inTransit.end(); ++it) {
    const auto b = idx(it->buyer);
    w.members.onOrder[b] -= it->units;
    if (!w.members.active[b]) {  // the buyer left the channel: the goods are lost with it
      w.ledger.writtenOff += it->units;
      w.flows.writeOff[b] += it->value;
      continue;
    }
    w.members.stock[b] += it->units;
    w.members.stockValue[b] += it->value;
  }
  w.inTransit.erase(arrived, w.inTransit.end());
}

void Engine::setPrices() {
  World& w = m_world;
  for (auto& mechanism : m_mechanisms) mechanism->beforePricing(w);
  if (w.tick > 1) models::adjustSharePrices(w, m_unitsLastTick);
  for (const auto& tier : w.byTier) {
    for (int m : tier) {
      const PricingSpec& p = w.groupOf(m).pricing;
      if (p.rule == PricingRule::ShareAdjust || w.tick % p.reviewPeriod != 0) continue;  // tick 0 priced at set-up
      if (w.members.owner[idx(m)] >= 0 || !w.members.active[idx(m)]) continue;  // priced by its owner, or gone
      w.members.price[idx(m)] = priceMember(m, unitCostOf(m));
    }
  }
  for (auto& mechanism : m_mechanisms) mechanism->afterPricing(w);
  // emergency response: while any supplier is disrupted, outlets cap their prices
  const double cap = w.riskResponse.priceCap;
  bool anyDisrupted = false;
  for (std::size_t m = 0; m < w.members.size() && cap > 0; ++m) anyDisrupted = anyDisrupted || models::disrupted(w, static_cast<int>(m));
  for (int m : w.outlets) {
    if (!w.members.active[idx(m)]) continue;
    if (anyDisrupted) w.members.price[idx(m)] = std::min(w.members.price[idx(m)], cap);
    const double reference = referencePrice(w, m);
    w.flows.pricedTicks[idx(m)] += 1;
    if (undercuts(w.members.price[idx(m)], reference)) w.flows.undercutTicks[idx(m)] += 1;
  }
}

namespace {

/// Sampled rationing at outlets short of stock: visits each consumer whose pick is such an
/// outlet (of `round`'s consumers; null: everyone) in an order that rotates each tick;
/// serve(i, outlet) serves it or returns false, and it is then unfilled (it may substitute), or
/// makes no purchase in the last round.
template <class Serve>
void rationPicks(World& w, const std::vector<std::uint8_t>& short_, bool lastRound,
                 const std::vector<std::uint8_t>* round, const Serve& serve) {
  auto& pick = w.consumers.pick;
  const std::size_t count = pick.size();
  const std::size_t start = Stream(w.spec->seed, static_cast<std::uint64_t>(w.spec->run),
                                   static_cast<std::uint64_t>(w.tick), StreamPurpose::Allocation, 0)
                                .below(count);
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t i = (start + k) % count;
    if (pick[i] < 0 || !short_[idx(pick[i])] || (round && !(*round)[i])) continue;
    if (!serve(i, idx(pick[i]))) pick[i] = lastRound ? -1 : models::kUnfilled;
  }
}

/// Serves requests against stock. Expected mode rations proportionally; sampled mode serves
/// consumers in an order that rotates each tick and marks the rest kUnfilled (or lost); with
/// household stock (World::pantry) consumer i asks for basket[i] units per real buyer and gets
/// its basket, or what is left in whole units per buyer (its basket shrinks to that), or nothing.
/// `round` (sampled mode; null: everyone) marks the consumers whose picks this round's demand
/// counts: a substitution round must not ration again the buyers the first round served.
/// Returns units served per outlet; `remaining` is reduced.
std::vector<double> allocate(World& w, const std::vector<double>& demand, std::vector<double>& remaining,
                             std::vector<std::uint8_t>& short_, bool lastRound,
                             const std::vector<std::uint8_t>* round = nullptr) {
  const std::size_t n = w.outlets.size();
  std::vector<double> served(n, 0.0);
  bool anyShort = false;
  for (std::size_t o = 0; o < n; ++o) {
    short_[o] = demand[o] > remaining[o] + kTiny;
    anyShort = anyShort || short_[o];
    if (!short_[o]) served[o] = demand[o];
  }
  const double weight = w.spec->consumers.weight;
  if (w.spec->consumers.expected) {
    for (std::size_t o = 0; o < n; ++o) if (short_[o]) served[o] = remaining[o];
  } else if (anyShort && !w.pantry.units.empty()) {
    auto& basket = w.pantry.basket;
    rationPicks(w, short_, lastRound, round, [&](std::size_t i, std::size_t o) {
      const double units = std::min(basket[i], std::floor((remaining[o] - served[o] + kTiny) / weight));
      basket[i] = units >= 1 ? units : 0;
      if (units >= 1) served[o] += units * weight;
      return units >= 1;
    });
  } else if (anyShort) {
    rationPicks(w, short_, lastRound, round, [&](std::size_t, std::size_t o) {
      if (remaining[o] - served[o] < weight - kTiny) return false;
      served[o] += weight;
      return true;
    });
  }
  for (std::size_t o = 0; o < n; ++o) remaining[o] -= served[o];
  return served;
}

}  // namespace

void Engine::serveConsumers(TickObservations& obs) {
  World& w = m_world;
  const std::size_t n = w.outlets.size();
  std::vector<double> price(n), remaining(n);
  std::vector<std::uint8_t> available(n), short1(n, 0), short2(n, 0);
  // a sampled consumer buys `weight` units at once: less stock than that cannot serve anyone
  const double smallestSale = w.spec->consumers.expected ? kTiny : w.spec->consumers.weight - kTiny;
  // Consumers see an online shop's availability, but find a physical store's empty shelf only
  // on arrival (consumers.stock_visible): such a store stays in the first round's choice sets,
  // its requests go unfilled (a stock-out, lost units) and its shoppers may substitute.
  std::vector<std::uint8_t> openedWithStock(n), hiddenEmpty(n, 0);
  bool anyHiddenEmpty = false;
  for (std::size_t o = 0; o < n; ++o) {
    const auto m = idx(w.outlets[o]);
    price[o] = w.members.price[m];
    remaining[o] = std::min(w.members.stock[m], w.members.capacity[m]);  // capacity: imported outlets' limit
    openedWithStock[o] = w.members.active[m] && remaining[o] >= smallestSale;
    hiddenEmpty[o] = w.members.active[m] && !openedWithStock[o] && !m_seesStock[o];
    available[o] = openedWithStock[o] || hiddenEmpty[o];
    anyHiddenEmpty = anyHiddenEmpty || hiddenEmpty[o];
    obs.outletsInStock += openedWithStock[o];
  }
  // omnichannel fulfilment: an online outlet out of stock stays open while stores can fill its orders
  for (auto& mechanism : m_mechanisms) mechanism->stockElsewhere(w, remaining, openedWithStock);
  for (std::size_t o = 0; o < n; ++o) available[o] = available[o] || openedWithStock[o];
  models::OutletFactors first, second;
  models::computeFactors(w, price, available, first);
  models::DemandRound round1, round2;
  models::chooseOutlets(w, first, round1);
  if (!w.pantry.units.empty()) models::addBaskets(w, first, {}, round1);  // household stock: baskets
  if (anyHiddenEmpty) {  // reach counts outlets with stock, not empty shelves
    models::OutletFactors stocked;
    models::restrictFactors(first, openedWithStock, stocked);  // openedWithStock is within available
    round1.reached = models::consumersReached(w, stocked);
  }
  lap(StageTimes::Choice);
  // omnichannel fulfilment: orders routed to other members' stock (ship-from-store)
  for (auto& mechanism : m_mechanisms) mechanism->routeOrders(w, round1.demand, remaining);
  std::vector<double> served = allocate(w, round1.demand, remaining, short1, !w.spec->consumers.substitution);
  std::vector<double> requests = round1.demand;
  double nearStore = 0;
  std::vector<double> fill1(n, 1.0), fill2;
  for (std::size_t o = 0; o < n; ++o) {
    if (round1.demand[o] <= 0) continue;
    nearStore += round1.cannibalized[o] * served[o] / round1.demand[o];
    fill1[o] = served[o] / round1.demand[o];
  }

  const bool anyShort = std::any_of(short1.begin(), short1.end(), [](std::uint8_t s) { return s != 0; });
  const bool secondRound = w.spec->consumers.substitution && anyShort;
  lap(StageTimes::Allocation);
  if (secondRound) {
    for (std::size_t o = 0; o < n; ++o) available[o] = available[o] && !short1[o] && remaining[o] >= smallestSale;
    // sampled mode: who chooses again (their first choice went unfilled), for the source of volume
    if (!w.spec->consumers.expected)
      for (std::size_t i = 0; i < w.consumers.size(); ++i) m_secondChoice[i] = w.consumers.pick[i] == models::kUnfilled;
    models::restrictFactors(first, available, second);  // today's available outlets, fewer the short ones
    models::substitute(w, first, second, fill1, round2);
    if (!w.pantry.units.empty()) models::addBaskets(w, second, m_secondChoice, round2);
    const std::vector<double> served2 =
        allocate(w, round2.demand, remaining, short2, true, w.spec->consumers.expected ? nullptr : &m_secondChoice);
    fill2.assign(n, 1.0);
    for (std::size_t o = 0; o < n; ++o) {
      if (round2.demand[o] > 0) {
        nearStore += round2.cannibalized[o] * served2[o] / round2.demand[o];
        fill2[o] = served2[o] / round2.demand[o];
      }
      served[o] += served2[o];
      requests[o] += round2.demand[o];
    }
    lap(StageTimes::Substitution);
  }
  if (m_sourceOfVolume) m_metrics.addSales(w, first, fill1, secondRound ? &second : nullptr, fill2, m_secondChoice);
  lap(StageTimes::SourceOfVolume);
  for (std::size_t o = 0; o < n; ++o) {
    const int m = w.outlets[o];
    obs.demand += round1.demand[o];
    obs.sold += served[o];
    if (isOnline(w.members.kind[idx(m)])) obs.onlineSold += served[o];
    if (undercuts(price[o], referencePrice(w, m))) obs.soldBelowReference += served[o];
    obs.outletsStockedOut += short1[o] || short2[o];
    w.flows.stockoutTicks[idx(m)] += short1[o] || short2[o];
    w.flows.lostUnits[idx(m)] += round1.demand[o] - std::min(round1.demand[o], served[o]);
    // a day without stock shows no demand: forecasts skip it (censored demand) instead of
    // learning zero and never reordering
    if (openedWithStock[o]) models::recordDemand(w, m, requests[o]);
    w.flows.unitsRequested[idx(m)] += requests[o];
    sell(m, served[o]);
    m_unitsLastTick[o] = served[o];
    m_outletRequests[o] = requests[o];
  }
  obs.onlineNearStockedStore = nearStore;
  obs.reached = round1.reached;
  // the mechanisms see the day's sales and those the brand's stores lost to online outlets
  // (mediation of cannibalised sales)
  const std::vector<double>& cannibalized = m_sourceOfVolume ? m_metrics.tickSourceOfVolume().cannibalizedBy : m_noCannibalized;
  for (auto& mechanism : m_mechanisms) mechanism->afterDemand(w, served, cannibalized);
  lap(StageTimes::Sales);
}

void Engine::sell(int outlet, double units) {
  if (units <= 0) return;
  World& w = m_world;
  const auto m = idx(outlet);
  Members& mb = w.members;
  const double revenue = units * mb.price[m];
  const double cogs = mb.stock[m] > 0 ? mb.stockValue[m] * std::min(1.0, units / mb.stock[m]) : 0.0;
  const double commission = revenue * mb.commission[m];
  const double shipping = units * (mb.shippingCost[m] + mb.roleCost[m]);  // delivery, service and value-added
  mb.stock[m] -= units;
  mb.stockValue[m] -= cogs;
  w.ledger.soldToConsumers += units;
  w.ledger.transfer(w.ledger.account(External::Consumers), outlet, revenue);
  w.ledger.transfer(outlet, w.ledger.account(External::Platform), commission);
  w.ledger.transfer(outlet, w.ledger.account(External::Logistics), shipping);
  w.flows.unitsSold[m] += units;
  w.flows.orders[m] += units / w.spec->consumers.weight;  // each consumer buys `weight` units at once
  w.flows.revenue[m] += revenue;
  w.flows.cogs[m] += cogs;
  w.flows.commission[m] += commission;
  w.flows.shipping[m] += shipping;
  for (auto& mechanism : m_mechanisms) mechanism->afterSale(w, outlet, units);
}

void Engine::replenish(TickObservations& obs) {
  World& w = m_world;
  Members& mb = w.members;
  const bool shared = w.coordination.sharedSales;  // (visibility shares sales too)
  for (int t = w.tierCount() - 1; t >= 0; --t) {
    for (int m : w.byTier[idx(t)]) {
      // fill the orders received from the tier(s) below, rationing stock proportionally;
      // nothing ships from a member that left or is disrupted, or to a suspended buyer
      auto& orders = m_ordersTo[idx(m)];
      double asked = 0;
      for (const auto& [buyer, units] : orders) asked += units;
      w.flows.unitsRequested[idx(m)] += asked;
      if (!isOutlet(mb.kind[idx(m)])) {  // outlets recorded consumer demand
        // shared information: forecast from the consumer demand below, not from orders
        double seen = asked;
        if ((shared || w.coordination.visibility) && !feedBreached(m)) {
          seen = 0;
          for (int o : w.subtreeOutlets[idx(m)]) seen += m_outletRequests[idx(o)];
        }
        models::recordDemand(w, m, seen);
      }
      double available = 0;
      if (mb.active[idx(m)] && !models::disrupted(w, m)) {
        available = asked;
        if (mb.kind[idx(m)] == MemberKind::Manufacturer) {
          const double capacity = w.productOf(m).capacity;
          if (capacity > 0) available = std::min(asked, capacity);
        } else {
          available = std::min(asked, mb.stock[idx(m)]);
        }
      }
      const double share = asked > 0 ? available / asked : 0.0;
      for (const auto& [buyer, units] : orders)
        if (mb.suspendedUntil[idx(buyer)] <= w.tick) ship(m, buyer, units * share, obs);
      orders.clear();
      // then place this member's own order upstream
      if (mb.supplier[idx(m)] < 0 || !mb.active[idx(m)]) continue;
      const SupplyTerms terms = w.termsFor(mb.supplier[idx(m)], m);
      double units = models::orderQuantity(w, m, terms.leadTime);
      if (units > kTiny && units < terms.minOrder) units = terms.minOrder;
      if (units <= kTiny) continue;
      int source = mb.supplier[idx(m)];
      for (auto& mechanism : m_mechanisms) mechanism->chooseSource(w, m, units, source);
      if (source < 0) continue;  // nobody will sell to it
      for (auto& mechanism : m_mechanisms) mechanism->placeOrder(w, m, source, terms, units);
      m_ordersTo[idx(source)].emplace_back(m, units);
      obs.ordersByTier[idx(t)] += units;
      w.flows.unitsOrdered[idx(m)] += units;
    }
  }
}

bool Engine::feedBreached(int m) const {
  // a compromised outlet below: the shared point-of-sale data can no longer be trusted, so the
  // member forecasts from the orders it receives
  const World& w = m_world;
  for (int o : w.subtreeOutlets[idx(m)])
    if (w.tick < w.members.breachedUntil[idx(w.outlets[idx(o)])]) return true;
  return false;
}

double Engine::unitCostOf(int m) const {
  // the contract's buying price, unless a mechanism sources elsewhere (diversion)
  double cost = buyingPrice(m_world, m);
  for (const auto& mechanism : m_mechanisms) mechanism->unitCost(m_world, m, cost);
  return cost;
}

void Engine::ship(int supplier, int buyer, double units, TickObservations& obs) {
  if (units <= kTiny) return;
  World& w = m_world;
  Members& mb = w.members;
  const auto s = idx(supplier), b = idx(buyer);
  if (mb.kind[s] == MemberKind::Manufacturer) {  // produce to order at the product's unit cost
    const double cost = units * w.productOf(supplier).unitCost;
    w.ledger.produced += units;
    w.ledger.transfer(supplier, w.ledger.account(External::Production), cost);
    w.flows.unitsBought[s] += units;
    w.flows.purchases[s] += cost;
    mb.stock[s] += units;
    mb.stockValue[s] += cost;
  }
  const SupplyTerms terms = w.termsFor(supplier, buyer);
  // invoiced at the list price after the contract's discount, less what mechanisms take off
  double value = units * mb.price[s] * (1.0 - terms.discount);
  for (auto& mechanism : m_mechanisms) mechanism->priceShipment(w, supplier, buyer, units, value);
  const double cogs = mb.stockValue[s] * std::min(1.0, units / mb.stock[s]);
  mb.stock[s] -= units;
  mb.stockValue[s] -= cogs;
  w.flows.unitsSold[s] += units;
  w.flows.orders[s] += 1;
  w.flows.revenue[s] += value;
  w.flows.cogs[s] += cogs;
  w.ledger.transfer(buyer, supplier, value);
  w.flows.unitsBought[b] += units;
  w.flows.purchases[b] += value;
  // emergency supply after a reassignment costs extra logistics
  w.payOther(buyer, w.ledger.account(External::Logistics), units * terms.emergencyCost);
  // mechanisms: transport of off-contract goods, sales to unauthorised resellers and shipments
  // into another's exclusive territory (queued for monitoring to trace)
  double crossTerritory = 0;
  for (auto& mechanism : m_mechanisms)
    mechanism->afterShipment(w, supplier, buyer, units, m_diversions, crossTerritory);
  // the conflict index: distributor shipments to authorised outlets, and those across territories
  if (mb.kind[s] == MemberKind::Distributor && isOutlet(mb.kind[b]) && mb.authorised[b]) {
    obs.distributorUnits += units;
    obs.crossTerritory += crossTerritory;
  }
  // carriage: mechanisms may delay the goods beyond the contract's lead time (carriers' delays)
  int delay = 0;
  for (auto& mechanism : m_mechanisms) mechanism->carry(w, supplier, buyer, units, terms, delay);
  const bool late = delay > 0;
  const int lead = terms.leadTime + delay;
  obs.shipments += 1;
  obs.lateShipments += late;
  if (late) w.flows.unitsLate[s] += units;
  w.flows.leadUnitDays[s] += units * lead;
  if (lead <= 0) {
    mb.stock[b] += units;
    mb.stockValue[b] += value;
  } else {
    mb.onOrder[b] += units;
    w.inTransit.push_back({w.tick + lead, buyer, units, value});
  }
}

void Engine::settle() {
  World& w = m_world;
  Members& mb = w.members;
  const int operations = w.ledger.account(External::Operations);
  // fixed fees of two-part tariffs, buyer to supplier (a national network has a million
  // contracts to scan, usually none with a fee)
  if (m_anyFixedFee) {
    for (auto e : boost::make_iterator_range(boost::edges(w.graph))) {
      const double fee = w.graph[e].fixedFee;
      const auto s = boost::source(e, w.graph), b = boost::target(e, w.graph);
      if (fee <= 0 || !mb.active[b] || !mb.authorised[b]) continue;  // an unauthorised reseller has no contract
      w.ledger.transfer(static_cast<int>(b), static_cast<int>(s), fee);
      w.flows.feeExpense[b] += fee;
      w.flows.feeIncome[s] += fee;
    }
  }
  for (std::size_t m = 0; m < mb.size(); ++m) {
    if (!mb.active[m]) continue;
    const double holding = mb.holdingCost[m] * mb.stock[m];
    w.ledger.transfer(static_cast<int>(m), operations, holding + mb.fixedCost[m]);
    w.flows.holding[m] += holding;
    w.flows.fixed[m] += mb.fixedCost[m];
  }
}

void Engine::warn(TickObservations& obs) const {
  // early warnings: days of supply above the overstock bound, or stock and pipeline short of
  // the demand expected over the lead time
  const World& w = m_world;
  const Members& mb = w.members;
  for (std::size_t m = 0; m < mb.size(); ++m) {
    if (!mb.active[m] || mb.kind[m] == MemberKind::Manufacturer) continue;
    const double daily = models::forecast(w, static_cast<int>(m));
    if (daily <= kTiny) continue;
    if (mb.stock[m] / daily > w.coordination.overstockDays * (1 + kWarningMargin)) obs.overstockWarnings += 1;
    const int lead = mb.supplier[m] >= 0 ? w.termsFor(mb.supplier[m], static_cast<int>(m)).leadTime : 0;
    if (mb.stock[m] + mb.onOrder[m] < daily * (lead + 1) * (1 - kWarningMargin)) obs.stockoutWarnings += 1;
  }
}

void Engine::verifyConservation() const {
  const World& w = m_world;
  const Members& mb = w.members;
  std::ostringstream problems;
  const double moneyTol = 1e-9 * std::max(1.0, w.ledger.volume());
  if (std::fabs(w.ledger.total()) > moneyTol)
    problems << "money: accounts sum to " << w.ledger.total() << " instead of 0; ";
  std::vector<double> transitUnits(mb.size(), 0.0), transitValue(mb.size(), 0.0);
  double inTransit = 0;
  for (const Shipment& s : w.inTransit) {
    transitUnits[idx(s.buyer)] += s.units;
    transitValue[idx(s.buyer)] += s.value;
    inTransit += s.units;
  }
  double onHand = 0;
  for (std::size_t m = 0; m < mb.size(); ++m) {
    onHand += mb.stock[m];
    const double scale = std::max(1.0, w.flows.purchases[m] + w.flows.revenue[m] + w.flows.openingValue[m]);
    const double cash = w.flows.openingCash[m] + w.flows.revenue[m] + w.flows.feeIncome[m] -
                        w.flows.feeExpense[m] + w.flows.otherCash[m] - w.flows.purchases[m] - w.flows.commission[m] -
                        w.flows.shipping[m] - w.flows.holding[m] - w.flows.fixed[m];
    if (std::fabs(cash - w.ledger.balance(static_cast<int>(m))) > 1e-9 * scale)
      problems << "member " << m << ": cash " << w.ledger.balance(static_cast<int>(m)) << " but flows give " << cash << "; ";
    const double books = w.flows.openingValue[m] + w.flows.purchases[m] - w.flows.cogs[m] - w.flows.writeOff[m] -
                         mb.stockValue[m] - transitValue[m];
    if (std::fabs(books) > 1e-9 * scale) problems << "member " << m << ": stock value off by " << books << "; ";
    if (mb.stock[m] < -kTiny) problems << "member " << m << ": negative stock " << mb.stock[m] << "; ";
    if (std::fabs(mb.onOrder[m] - transitUnits[m]) > 1e-9 * std::max(1.0, transitUnits[m]))
      problems << "member " << m << ": on order " << mb.onOrder[m] << " but in transit " << transitUnits[m] << "; ";
  }
  const double source = w.ledger.produced + w.ledger.opening;
  const double goods = source - w.ledger.soldToConsumers - onHand - inTransit - w.ledger.writtenOff;
  if (std::fabs(goods) > 1e-9 * std::max(1.0, source))
    problems << "goods: produced + opening - sold - on hand - in transit - written off = " << goods << "; ";
  const std::string text = problems.str();
  if (!text.empty()) throw ConservationError("conservation check failed at tick " + std::to_string(w.tick) + ": " + text);
}

Summary Engine::summary() const {
  const World& w = m_world;
  if (w.spec->warmup > 0 && !m_warmupClosed)
    throw std::logic_error("with a warm-up the summary is available once the run is over (tick " +
                           std::to_string(w.tick) + " of " + std::to_string(w.spec->ticks) + ")");
  const int measured = w.tick - w.spec->warmup;  // ticks after the warm-up
  // integrated-channel optimum: one owner pricing every outlet alike at production cost
  double efficiency = -1;
  if (w.products.size() == 1 && !w.outlets.empty() && measured > 0) {
    const double cost = w.products[0].unitCost;
    std::vector<int> all(w.outlets.size());
    for (std::size_t o = 0; o < all.size(); ++o) all[o] = static_cast<int>(o);
    // each outlet's contribution per unit at price p, channelUnitRevenue less the production
    // cost, as p x slope - intercept (delivery and commission are outlet-specific)
    std::vector<double> slope(all.size()), intercept(all.size());
    for (int o : all) {
      const models::UnitRevenueLine line = models::channelUnitRevenueLine(w, w.outlets[idx(o)]);
      slope[idx(o)] = line.slope;
      intercept[idx(o)] = line.intercept + cost;
    }
    const models::UniformPriceDemand uniform(w, slope, intercept);
    auto contributionAt = [&](double p) {
      if (uniform.applies()) {  // one pass, closed form in p
        const models::UniformPriceDemand::Totals t = uniform.at(p);
        return t.units > 0 ? t.revenue : 0.0;
      }
      std::vector<double> price(all.size(), p);
      const std::vector<double> sales = models::expectedSalesByOutlet(w, price);  // one pass for all outlets
      double perUnit = 0;
      double units = 0;
      for (int o : all) {
        const double q = sales[idx(o)];
        units += q;
        perUnit += q * (models::channelUnitRevenue(w, w.outlets[idx(o)], p) - cost);
      }
      return units > 0 ? perUnit : 0.0;
    };
    // each evaluation is a pass over every consumer; the optimiser asks again for prices it
    // has already tried (Brent's best point is Newton's first, the polished point is evaluated
    // once more): those answers come from this list, exactly as first computed
    std::vector<std::pair<double, double>> tried;
    auto contribution = [&](double p) {
      for (const auto& [q, value] : tried)
        if (q == p) return value;
      const double value = contributionAt(p);
      tried.emplace_back(p, value);
      return value;
    };
    double hi = 1;
    for (int m : w.outlets) hi = std::max(hi, kIntegratedPriceCeiling * w.members.price[idx(m)]);
    if (uniform.applies()) {  // the search's scan, in one pass over the consumers
      std::vector<double> grid(kIntegratedGrid);
      for (int k = 0; k < kIntegratedGrid; ++k) grid[idx(k)] = models::scanPoint(cost, hi, kIntegratedGrid, k);
      const std::vector<models::UniformPriceDemand::Totals> totals = uniform.at(grid);
      for (int k = 0; k < kIntegratedGrid; ++k)
        if (std::none_of(tried.begin(), tried.end(), [&](const auto& t) { return t.first == grid[idx(k)]; }))
          tried.emplace_back(grid[idx(k)], totals[idx(k)].units > 0 ? totals[idx(k)].revenue : 0.0);
    }
    const double best = models::maximizeScanned(contribution, cost, hi, kIntegratedGrid, kIntegratedTolerance).second;
    // the channel's contribution: consumer revenue less outlet variable costs and the
    // production cost of the units consumers bought
    double actual = -w.ledger.soldToConsumers * cost;
    for (int m : w.outlets) actual += w.flows.revenue[idx(m)] - w.flows.commission[idx(m)] - w.flows.shipping[idx(m)];
    if (best > 0) efficiency = actual / (best * measured);
  }
  return m_metrics.summarize(w, efficiency, m_mechanisms);
}

}  // namespace chan
