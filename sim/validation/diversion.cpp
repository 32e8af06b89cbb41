// Case 7: cross-territory diversion (gray market). Derivations, not quoted from a paper; the
// setting follows Ahmadi & Yang (2000, "Parallel imports: challenges from unauthorized
// distribution channels", Marketing Science 19(3)).
//  A. Two territories with linear demand q_i = a_i - b_i p_i. Arbitrageurs buy where the brand
//     is cheap, pay T per unit to move goods, and sell in the other territory at cost whenever
//     the price gap exceeds T. A manufacturer aware of them picks both prices numerically
//     against the market with arbitrage; a naive one best-responds territory by territory, and
//     the market with arbitrage then decides what it earns.
//  B. A gray importer facing consumers with valuation v ~ U[0,1] for the authorised good and
//     beta v for the gray one prices by best response in the engine.
#include <algorithm>
#include <cmath>

#include "models/optimize.hpp"
#include "sim/validation/cases.hpp"
#include "sim/validation/steady_state.hpp"

namespace chan::validation {
namespace {

struct TwoTerritories {
  double a[2], b[2], c, T;
  double demand(int i, double p) const { return std::max(0.0, a[i] - b[i] * p); }

  struct Outcome {
    double price[2];       // what consumers pay in each territory
    double authorised[2];  // units sold by the brand's own channel in each territory
    double diverted = 0;   // units moved across by arbitrageurs
    double profit = 0;
  };
  /// The market's answer to list prices p: arbitrage undercuts the dearer territory when the
  /// gap exceeds T, selling there at the cheap price plus T; the brand sells the diverted
  /// units too, at the cheap territory's price.
  Outcome market(const double p[2]) const {
    Outcome o{{p[0], p[1]}, {demand(0, p[0]), demand(1, p[1])}};
    const int dear = p[0] >= p[1] ? 0 : 1, cheap = 1 - dear;
    if (p[dear] > p[cheap] + T) {
      o.price[dear] = p[cheap] + T;
      o.diverted = demand(dear, o.price[dear]);
      o.authorised[dear] = 0;
    }
    o.profit = (p[cheap] - c) * (o.authorised[cheap] + o.diverted) + (p[dear] - c) * o.authorised[dear];
    return o;
  }
  double top() const { return std::max(a[0] / b[0], a[1] / b[1]); }
};

/// The aware manufacturer: for each price in territory 2, its best price in territory 1
/// (a kinked problem: scanned before refining), and the best of those.
std::pair<double, double> awarePrices(const TwoTerritories& m) {
  auto bestFirst = [&](double p2) {
    auto profit = [&](double p1) {
      const double p[2] = {p1, p2};
      return m.market(p).profit;
    };
    return models::maximizeScanned(profit, m.c, m.top(), 64, 1e-13);
  };
  const double p2 = models::maximizeScanned([&](double x) { return bestFirst(x).second; }, m.c, m.top(), 64, 1e-13).first;
  return {bestFirst(p2).first, p2};
}

/// Published: maximise sum (p_i - c) q_i subject to p_dear <= p_cheap + T. The candidates are
/// the unconstrained prices, the binding constraint with both territories served (closed form
/// from the first-order condition along p_dear = p_cheap + T), and serving one territory alone
/// at its monopoly price with the other priced out of reach of arbitrage; the best wins.
std::pair<double, double> awarePublished(const TwoTerritories& m) {
  const double mono[2] = {(m.a[0] / m.b[0] + m.c) / 2, (m.a[1] / m.b[1] + m.c) / 2};
  std::vector<std::pair<double, double>> candidates;
  const int dear = mono[0] >= mono[1] ? 0 : 1, cheap = 1 - dear;
  if (mono[dear] <= mono[cheap] + m.T) {
    candidates.emplace_back(mono[0], mono[1]);
  } else {
    const double bd = m.b[dear], bc = m.b[cheap];
    double p[2];
    p[cheap] = (m.a[dear] + m.a[cheap] - 2 * bd * m.T + bd * m.c + bc * m.c) / (2 * (bd + bc));
    p[dear] = p[cheap] + m.T;
    candidates.emplace_back(p[0], p[1]);
  }
  for (int only = 0; only < 2; ++only) {
    double p[2];
    p[only] = mono[only];
    p[1 - only] = std::max(m.a[1 - only] / m.b[1 - only], mono[only] + m.T);  // no sales, no arbitrage
    candidates.emplace_back(p[0], p[1]);
  }
  auto profit = [&](const std::pair<double, double>& c) {
    const double p[2] = {c.first, c.second};
    return m.market(p).profit;
  };
  return *std::max_element(candidates.begin(), candidates.end(),
                           [&](const auto& x, const auto& y) { return profit(x) < profit(y); });
}

/// Rows comparing two market outcomes: what consumers pay and buy in each territory, the
/// profit, and (when diversion is costly, so that who sells is determined) the diverted units.
void outcomeRows(const std::string& variant, const TwoTerritories& m, const TwoTerritories::Outcome& pub,
                 const TwoTerritories::Outcome& sim, bool whoSells, std::vector<Row>& rows) {
  for (int i = 0; i < 2; ++i) {
    const std::string k = std::to_string(i + 1);
    const double bought = m.demand(i, pub.price[i]);
    if (bought > 0) rows.push_back({variant, "price paid " + k, pub.price[i], sim.price[i], kIterativeTol});
    rows.push_back({variant, "units bought " + k, bought, m.demand(i, sim.price[i]), kIterativeTol});
  }
  if (whoSells) rows.push_back({variant, "diverted units", pub.diverted, sim.diverted, kIterativeTol});
  rows.push_back({variant, "profit", pub.profit, sim.profit, kIterativeTol});
}

std::string importerYaml(double beta, double authorisedPrice, double foreignPrice, double transport, int consumers,
                         bool importer) {
  const double n = consumers;
  std::string y = "name: gray_importer\nticks: 10\nbrands: [{name: brand, unit_cost: 0}, {name: abroad, unit_cost: " +
                  num(foreignPrice) + "}]\nmembers:\n";
  y += "  - {group: maker, kind: manufacturer, brand: brand, pricing: {rule: cost_plus, markup: 0}}\n";
  y += "  - {group: foreign_maker, kind: manufacturer, brand: abroad, pricing: {rule: cost_plus, markup: 0}}\n";
  const std::string common = ", terms: {lead_time: 0}, fixed_cost: 0, holding_cost: 0, service_level: 0, delivery_days: 0,"
                             " replenishment: {rule: none, initial_stock: 1e9}";
  y += "  - {group: authorised, kind: offline_store, supplier: maker, placement: centre, shipping_cost: 0,"
       " pricing: {rule: fixed, price: " + num(authorisedPrice) + "}" + common + "}\n";
  y += "  - {group: importer, kind: social_seller, supplier: foreign_maker, commission: 0, valuation_factor: " + num(beta) +
       ", reach: " + (importer ? "1" : "0") + ", shipping_cost: " + num(transport) +
       ", pricing: {rule: best_response, grid: 32, max_price: 1}" + common + "}\n";
  y += "consumers: {count: " + std::to_string(consumers) + ", weight: " + num(1 / n) +
       ", placement: uniform, mode: expected, segments: [{name: all, valuation: {dist: uniform_quantiles, low: 0, high: 1},"
       " price_sensitivity: 1, travel_cost: 0, delivery_cost: 0, service_weight: 0, noise: " + num(2 / n) + "}]}\n";
  return y;
}

}  // namespace

void diversion(io::Reader& r, std::vector<Row>& rows) {
  const std::vector<double> a = r.numbers("a", 1e-9, 1e9), b = r.numbers("b", 1e-9, 1e9);
  const double c = r.number("c", 10, 0, 1e9), T = r.number("T", 10, 0, 1e9);
  io::Reader g = r.map("gray_importer");
  const double beta = g.number("beta", 1e-6, 1 - 1e-6), pA = g.number("authorised_price", 1e-6, 1);
  const double pL = g.number("foreign_price", 0, 1), t = g.number("transport", 0, 1);
  const int consumers = static_cast<int>(g.integer("consumers", 2000, 100, 1'000'000));
  g.finish();
  r.finish();
  if (a.size() != 2 || b.size() != 2) r.fail("a", "two territories: a and b need two values each");
  const TwoTerritories m{{a[0], a[1]}, {b[0], b[1]}, c, T};
  if (c >= std::min(a[0] / b[0], a[1] / b[1])) r.fail("c", "must lie below both demand intercepts a_i/b_i");

  // aware of arbitrage
  const auto [p1, p2] = awarePrices(m);
  const auto [q1, q2] = awarePublished(m);
  const double sim[2] = {p1, p2}, pub[2] = {q1, q2};
  outcomeRows("aware", m, m.market(pub), m.market(sim), T > 0, rows);

  // naive: each territory priced on its own, then the market with arbitrage decides
  double naive[2];
  for (int i = 0; i < 2; ++i)
    naive[i] = models::maximizeScanned([&](double p) { return (p - c) * m.demand(i, p); }, c, a[i] / b[i], 0, 1e-13).first;
  const double naivePub[2] = {(a[0] / b[0] + c) / 2, (a[1] / b[1] + c) / 2};
  outcomeRows("ignores arbitrage", m, m.market(naivePub), m.market(naive), T > 0, rows);

  // free arbitrage (T = 0): consumers everywhere pay one price
  const TwoTerritories free{{a[0], a[1]}, {b[0], b[1]}, c, 0};
  const auto [f1, f2] = awarePrices(free);
  const auto [g1, g2] = awarePublished(free);
  const double fs[2] = {f1, f2}, gs[2] = {g1, g2};
  outcomeRows("T=0", free, free.market(gs), free.market(fs), false, rows);

  // B. the gray importer, in the engine
  const SteadyTick with = runSteady(scenarioFromText(importerYaml(beta, pA, pL, t, consumers, true), "gray importer"));
  const SteadyTick without = runSteady(scenarioFromText(importerYaml(beta, pA, pL, t, consumers, false), "no importer"));
  const bool enters = beta * pA > pL + t;
  const double pG = enters ? (beta * pA + pL + t) / 2 : beta * pA;
  const double dA = enters ? 1 - (pA - pG) / (1 - beta) : 1 - pA;
  const double dG = enters ? (pA - pG) / (1 - beta) - pG / beta : 0;
  if (enters) rows.push_back({"gray importer", "gray price", pG, with.price[3], kIterativeTol});
  rows.push_back({"gray importer", "gray demand", dG, with.unitsSold[3], kIterativeTol});
  rows.push_back({"gray importer", "authorised demand", dA, with.unitsSold[2], kIterativeTol});
  rows.push_back({"gray importer", "authorised demand, no importer", 1 - pA, without.unitsSold[2], kIterativeTol});
}

}  // namespace chan::validation
