// Case 5: Bertrand competition with multinomial-logit demand (Anderson, de Palma & Thisse
// 1992, "Discrete Choice Theory of Product Differentiation", ch. 7). Outlets are products of
// quality v_i sold at cost c; consumers choose by logit with scale mu and a no-purchase
// option. Each firm prices by best response in the engine, tick after tick, until the
// prices settle; a firm owning two products prices them jointly.
#include <cmath>
#include <numeric>

#include "sim/validation/cases.hpp"
#include "sim/validation/steady_state.hpp"

namespace chan::validation {
namespace {

/// Engine scenario: maker at cost -> one e-store per product, best-responding each tick.
std::string logitMarketYaml(const std::vector<double>& quality, double cost, double mu, bool firstTwoJoint) {
  std::string y = "name: logit_bertrand\nticks: 80\nbrands: [{name: x, unit_cost: " + num(cost) +
                  "}]\nmembers:\n  - {group: maker, kind: manufacturer, pricing: {rule: cost_plus, markup: 0}}\n";
  for (std::size_t i = 0; i < quality.size(); ++i) {
    const std::string owner = firstTwoJoint && i == 1 ? ", owner: product1" : "";
    y += "  - {group: product" + std::to_string(i + 1) + ", kind: e_store, supplier: maker" + owner +
         ", valuation_factor: " + num(quality[i]) +
         ", terms: {lead_time: 0}, fixed_cost: 0, holding_cost: 0, shipping_cost: 0, service_level: 0, delivery_days: 0," +
         " pricing: {rule: best_response, grid: 24, max_price: " + num(cost + 20 * mu + 10) + "}," +
         " replenishment: {rule: none, initial_stock: 1e9}}\n";
  }
  // one consumer of valuation 1 in expected mode: utility of product i is v_i - p_i exactly
  y += "consumers: {count: 1, mode: expected, segments: [{name: all, valuation: {dist: constant, value: 1},"
       " price_sensitivity: 1, travel_cost: 0, delivery_cost: 0, service_weight: 0, noise: " + num(mu) + "}]}\n";
  return y;
}

std::vector<double> shares(const std::vector<double>& v, const std::vector<double>& p, double mu) {
  std::vector<double> e(v.size());
  double total = 1.0;  // the outside option, utility 0
  for (std::size_t i = 0; i < v.size(); ++i) total += e[i] = std::exp((v[i] - p[i]) / mu);
  for (double& x : e) x /= total;
  return e;
}

/// Published side: the first-order conditions p_i - c = mu / (1 - sum of the owner's shares),
/// solved by damped fixed-point iteration.
std::vector<double> focPrices(const std::vector<double>& v, double c, double mu, bool firstTwoJoint) {
  std::vector<double> p(v.size(), c + mu);
  for (int it = 0; it < 100000; ++it) {
    const auto s = shares(v, p, mu);
    double moved = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      const double own = firstTwoJoint && i < 2 ? s[0] + s[1] : s[i];
      const double target = c + mu / (1 - own);
      moved = std::max(moved, std::fabs(target - p[i]));
      p[i] = 0.5 * p[i] + 0.5 * target;
    }
    if (moved < 1e-14) break;
  }
  return p;
}

/// Lambert W (principal branch, x > 0) by Newton's method.
double lambertW(double x) {
  double w = std::log1p(x);
  for (int it = 0; it < 100; ++it) w -= (w * std::exp(w) - x) / (std::exp(w) * (w + 1));
  return w;
}

void marketRows(const std::string& variant, const std::vector<double>& v, double c, double mu, bool joint,
                std::vector<Row>& rows) {
  const SteadyTick t = runSteady(scenarioFromText(logitMarketYaml(v, c, mu, joint), variant));
  const std::vector<double> pub = focPrices(v, c, mu, joint);
  const std::vector<double> pubShares = shares(v, pub, mu);
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string k = std::to_string(i + 1);
    rows.push_back({variant, "price " + k, pub[i], t.price[i + 1], kIterativeTol});
    rows.push_back({variant, "share " + k, pubShares[i], t.unitsSold[i + 1], kIterativeTol});
  }
  const double inside = std::accumulate(pubShares.begin(), pubShares.end(), 0.0);
  rows.push_back({variant, "no-purchase share", 1 - inside, 1 - t.consumerUnits, kIterativeTol});
}

}  // namespace

void logitBertrand(io::Reader& r, std::vector<Row>& rows) {
  const double mu = r.number("mu", 1, 1e-3, 1e3), c = r.number("c", 5, 0, 1e6);
  const std::vector<double> equal = r.numbers("v_equal", -1e6, 1e6);
  const std::vector<double> differ = r.numbers("v", -1e6, 1e6);
  const double monopoly = r.number("v_monopoly", 10, -1e6, 1e6);
  r.finish();
  if (differ.size() < 2) r.fail("v", "needs at least two products (the first two form the joint owner)");
  marketRows("equal, separate", equal, c, mu, false, rows);
  marketRows("separate owners", differ, c, mu, false, rows);
  marketRows("1 and 2 one owner", differ, c, mu, true, rows);
  // single-product monopoly: p - c = mu (1 + W(exp((v - c)/mu - 1)))
  const SteadyTick t = runSteady(scenarioFromText(logitMarketYaml({monopoly}, c, mu, false), "monopoly"));
  const double markup = mu * (1 + lambertW(std::exp((monopoly - c) / mu - 1)));
  rows.push_back({"monopoly", "markup", markup, t.price[1] - c, kIterativeTol});
  rows.push_back({"monopoly", "share", shares({monopoly}, {c + markup}, mu)[0], t.unitsSold[1], kIterativeTol});
}

}  // namespace chan::validation
