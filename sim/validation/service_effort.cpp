// Case 9: price and service effort (VALIDATION.md section 9): one manufacturer (unit cost c,
// wholesale price w) sells to one retailer who sets its price p and its service effort s
// (mechanisms/service_effort.cpp); demand q = a - b p + k s, effort costs eta s^2/2 per tick.
// Spengler's double marginalisation then also starves service; a two-part tariff (w = c plus a
// fixed fee) restores the integrated price, service and quantity.
#include "sim/validation/cases.hpp"

#include "sim/validation/steady_state.hpp"

namespace chan::validation {
namespace {

struct ServiceParams {
  double a = 100, b = 2, c = 10, k = 2, eta = 4;
  int consumers = 1000;
};

/// Maker at the fixed wholesale price w -> one retailer choosing price and effort every tick
/// (each answering the other's latest choice: the best responses converge at rate k^2/(2 b eta)).
/// Consumers as in case 1, with service in their utility: v + (k/b) s - p, v ~ U[0, a/b].
std::string serviceChainYaml(const ServiceParams& p, double wholesale, double fee, double maxEffort) {
  const double top = p.a / p.b;  // highest reservation price without service
  const double n = static_cast<double>(p.consumers);
  std::string y = "name: service_chain\nticks: 40\nbrands: [{name: x, unit_cost: " + num(p.c) + "}]\nmembers:\n";
  y += "  - {group: maker, kind: manufacturer, pricing: {rule: fixed, price: " + num(wholesale) + "}}\n";
  y += "  - {group: retailer, kind: e_store, supplier: maker, terms: {lead_time: 0, fixed_fee: " + num(fee) +
       "}, fixed_cost: 0, holding_cost: 0, shipping_cost: 0, service_level: 0, delivery_days: 0," +
       " service_effort: {cost: " + num(p.eta) + ", max: " + num(maxEffort) + ", review_period: 1}," +
       " pricing: {rule: best_response, grid: 0, review_period: 1, max_price: " +
       num(top + p.k / p.b * maxEffort) + "}, replenishment: {rule: order_up_to, cover_days: 1, window: 1," +
       " initial_stock: " + num(2 * p.a) + "}}\n";
  y += "consumers:\n  count: " + std::to_string(p.consumers) + "\n  weight: " + num(p.a / n) +
       "\n  mode: expected\n  segments:\n    - {name: all, valuation: {dist: uniform_quantiles, low: 0, high: " +
       num(top) + "}, price_sensitivity: 1, travel_cost: 0, delivery_cost: 0, service_weight: " + num(p.k / p.b) +
       ", noise: " + num(2 * top / n) + "}\n";
  return y;
}

}  // namespace

void serviceEffort(io::Reader& r, std::vector<Row>& rows) {
  ServiceParams p;
  p.a = r.number("a", p.a, 1e-6, 1e9);
  p.b = r.number("b", p.b, 1e-9, 1e9);
  p.c = r.number("c", p.c, 0, 1e9);
  p.k = r.number("k", p.k, 1e-9, 1e9);
  p.eta = r.number("eta", p.eta, 1e-9, 1e12);
  p.consumers = static_cast<int>(r.integer("consumers", p.consumers, 100, 1'000'000));
  r.finish();
  if (p.c >= p.a / p.b) r.fail("c", "unit cost must lie below the highest reservation price a/b");
  if (!(2 * p.b * p.eta > p.k * p.k)) r.fail("eta", "the retailer's problem is concave only when 2 b eta > k^2");
  const double slope = 2 * p.b - p.k * p.k / p.eta;         // 2b - k^2/eta
  const double keep = p.b - p.k * p.k / (2 * p.eta);        // b - k^2/(2 eta): profit per squared margin
  auto margin = [&](double w) { return (p.a - p.b * w) / slope; };  // the retailer's best response
  // integrated channel: margin over cost (a - b c)/slope, its service and quantity
  const double mI = margin(p.c), sI = p.k * mI / p.eta, qI = p.b * mI, profitI = mI * mI * keep;
  // effort up to twice the integrated level: the decentralised one is below it
  const double maxEffort = 2 * sI + 1;
  const double wStar = (p.a + p.b * p.c) / (2 * p.b);  // the maker anticipating the retailer

  // decentralised at w*, and the maker's profit on either side of w*: the closed form
  // (w - c) b margin(w) that it maximises at w*
  const double step = (wStar - p.c) / 4;
  for (double w : {wStar, wStar - step, wStar + step}) {
    const std::string variant = w == wStar ? "decentralised, w = w*" : "w = " + num(w);
    const SteadyTick t = runSteady(scenarioFromText(serviceChainYaml(p, w, 0, maxEffort), "service w=" + num(w)));
    const double m = margin(w), s = p.k * m / p.eta, q = p.b * m;
    rows.push_back({variant, "maker profit (w - c) q", (w - p.c) * q, t.profit[0], kIterativeTol});
    if (w != wStar) continue;
    rows.push_back({variant, "retail margin p - w", m, t.price[1] - w, kIterativeTol});
    rows.push_back({variant, "service effort s = k m / eta", s, t.service[1], kIterativeTol});
    rows.push_back({variant, "quantity q = b m", q, t.consumerUnits, kIterativeTol});
    rows.push_back({variant, "retailer profit m^2 (b - k^2/(2 eta))", m * m * keep, t.profit[1], kIterativeTol});
    rows.push_back({variant, "channel / integrated profit", ((w - p.c) * q + m * m * keep) / profitI,
                    (t.profit[0] + t.profit[1]) / profitI, kIterativeTol});
  }
  // two-part tariff: wholesale at cost, the fixed fee takes half the integrated profit
  const SteadyTick t = runSteady(scenarioFromText(serviceChainYaml(p, p.c, profitI / 2, maxEffort), "service tariff"));
  rows.push_back({"two-part tariff", "retail price = integrated", p.c + mI, t.price[1], kIterativeTol});
  rows.push_back({"two-part tariff", "service effort = integrated", sI, t.service[1], kIterativeTol});
  rows.push_back({"two-part tariff", "quantity = integrated", qI, t.consumerUnits, kIterativeTol});
  rows.push_back({"two-part tariff", "channel profit = integrated", profitI, t.profit[0] + t.profit[1], kIterativeTol});
}

}  // namespace chan::validation
