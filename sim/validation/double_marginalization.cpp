// Case 1: double marginalisation in a serial chain (Spengler 1950, J. Political Economy 58(4)),
// and its coordination by resale price maintenance and by a two-part tariff.
#include "sim/validation/cases.hpp"

#include <cmath>

#include "sim/validation/steady_state.hpp"

namespace chan::validation {

std::string serialChainYaml(const ChainParams& p, int tiers, Coordination coordination) {
  const double top = p.a / p.b;  // highest reservation price
  std::string y = "name: serial_chain\nticks: 30\nbrands: [{name: x, unit_cost: " + num(p.c) + "}]\nmembers:\n";
  y += "  - {group: maker, kind: manufacturer, pricing: {rule: cost_plus, markup: 0}}\n";
  std::string supplier = "maker";
  for (int k = 1; k <= tiers; ++k) {
    const bool outlet = k == tiers;
    const std::string name = "tier" + std::to_string(k);
    std::string pricing = "{rule: best_response, grid: 0, review_period: 1000, max_price: " + num(top) + "}";
    std::string terms = "{lead_time: 0}";
    if (outlet && coordination == Coordination::ResalePriceMaintenance)
      pricing = "{rule: fixed, price: " + num(p.rpmPrice) + "}";
    if (k == 1 && coordination == Coordination::TwoPartTariff) {
      pricing = "{rule: cost_plus, markup: 0}";  // wholesale at cost ...
      terms = "{lead_time: 0}";
    }
    if (k == 2 && coordination == Coordination::TwoPartTariff) terms = "{lead_time: 0, fixed_fee: " + num(p.fee) + "}";
    y += "  - {group: " + name + ", kind: " + (outlet ? "e_store" : "distributor") + ", supplier: " + supplier +
         ", terms: " + terms + ", fixed_cost: 0, holding_cost: 0, shipping_cost: 0, service_level: 0," +
         " delivery_days: 0, pricing: " + pricing +
         ", replenishment: {rule: order_up_to, cover_days: 1, window: 1, initial_stock: " +
         num(outlet ? p.a : 0.0) + "}}\n";
    supplier = name;
  }
  // reservation prices at the quantiles of U[0, a/b]; each consumer is worth a/N units; logit
  // noise 2 (a/b)/N makes the expected demand linear (a sum of logistic steps on a uniform grid)
  const double n = static_cast<double>(p.consumers);
  y += "consumers:\n  count: " + std::to_string(p.consumers) + "\n  weight: " + num(p.a / n) +
       "\n  mode: expected\n  segments:\n    - {name: all, valuation: {dist: uniform_quantiles, low: 0, high: " +
       num(top) + "}, price_sensitivity: 1, travel_cost: 0, delivery_cost: 0, service_weight: 0, noise: " +
       num(2 * top / n) + "}\n";
  return y;
}

void doubleMarginalization(io::Reader& r, std::vector<Row>& rows) {
  ChainParams p;
  p.a = r.number("a", 100, 1e-6, 1e9);
  p.b = r.number("b", 2, 1e-9, 1e9);
  p.c = r.number("c", 10, 0, 1e9);
  const auto tiers = r.numbers("tiers", 1, 6);
  p.consumers = static_cast<int>(r.integer("consumers", 1000, 100, 1'000'000));
  r.finish();
  if (p.c >= p.a / p.b) r.fail("c", "unit cost must lie below the highest reservation price a/b");
  const double gap = p.a - p.b * p.c;
  const double integrated = gap * gap / (4 * p.b);  // one owner prices at (a/b + c)/2
  for (double tiersValue : tiers) {
    const int n = static_cast<int>(tiersValue);
    const std::string variant = "n=" + std::to_string(n);
    const SteadyTick t = runSteady(scenarioFromText(serialChainYaml(p, n, Coordination::None), variant));
    double price = p.c, channel = 0;
    for (int k = 1; k <= n; ++k) {
      price += (p.a / p.b - p.c) / std::pow(2.0, k);
      const auto m = static_cast<std::size_t>(k);
      rows.push_back({variant, "price tier " + std::to_string(k), price, t.price[m], kIterativeTol});
      rows.push_back({variant, "profit tier " + std::to_string(k), gap * gap / (p.b * std::pow(2.0, n + k)),
                      t.profit[m], kIterativeTol});
      channel += t.profit[m];
    }
    rows.push_back({variant, "quantity", gap / std::pow(2.0, n), t.consumerUnits, kIterativeTol});
    rows.push_back({variant, "channel / integrated profit", 4 * (std::pow(2.0, n) - 1) / std::pow(4.0, n),
                    channel / integrated, kIterativeTol});
  }
  // coordination (n = 2): resale price maintenance at the integrated price ...
  p.rpmPrice = (p.a / p.b + p.c) / 2;
  SteadyTick t = runSteady(scenarioFromText(serialChainYaml(p, 2, Coordination::ResalePriceMaintenance), "rpm"));
  rows.push_back({"rpm", "quantity", gap / 2, t.consumerUnits, kIterativeTol});
  rows.push_back({"rpm", "channel profit", integrated, t.profit[1] + t.profit[2], kIterativeTol});
  // ... or a two-part tariff: wholesale at cost plus a fixed fee taking the retailer's profit
  p.fee = integrated;
  t = runSteady(scenarioFromText(serialChainYaml(p, 2, Coordination::TwoPartTariff), "two-part tariff"));
  rows.push_back({"two-part tariff", "quantity", gap / 2, t.consumerUnits, kIterativeTol});
  rows.push_back({"two-part tariff", "channel profit", integrated, t.profit[1] + t.profit[2], kIterativeTol});
  rows.push_back({"two-part tariff", "upstream profit (fee)", integrated, t.profit[1], kIterativeTol});
}

}  // namespace chan::validation
