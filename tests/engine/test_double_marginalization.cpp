// Validation case 1 (../shared/VALIDATION.md): double marginalisation in a serial chain
// (Spengler 1950). Every reseller prices by numerical best response against the demand it
// probes (the tiers below re-optimising), consumers have reservation prices at the quantiles
// of U[0, a/b], and the closed form below is only the expected value beside the simulation.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "sim/engine/engine.hpp"
#include "sim/io/scenario_loader.hpp"

namespace {

/// YAML for a chain: maker (sells at cost) -> n-1 distributors -> one outlet, all best-responding.
/// N consumers with valuations at the quantiles of U[0, a/b], weight a/N each, logit noise
/// 2 (a/b)/N so that expected demand is linear (the sum of logistic steps on a uniform grid).
std::string chainYaml(int n, double a, double b, double c, int consumers, const std::string& coordination) {
  const double top = a / b;
  std::string y = "name: chain\nticks: 30\ncheck: true\nbrands: [{name: x, unit_cost: " + std::to_string(c) + "}]\n";
  y += "members:\n  - {group: maker, kind: manufacturer, pricing: {rule: cost_plus, markup: 0}}\n";
  std::string supplier = "maker";
  for (int k = 1; k <= n; ++k) {
    const bool outlet = k == n;
    const std::string name = "tier" + std::to_string(k);
    std::string pricing = "{rule: best_response, grid: 0, review_period: 1000, max_price: " + std::to_string(top) + "}";
    if (outlet && coordination == "rpm") pricing = "{rule: fixed, price: " + std::to_string((top + c) / 2) + "}";
    y += "  - {group: " + name + ", kind: " + (outlet ? "e_store" : "distributor") + ", supplier: " + supplier +
         ", terms: {lead_time: 0}, fixed_cost: 0, holding_cost: 0, shipping_cost: 0, service_level: 0," +
         " delivery_days: 0, pricing: " + pricing +
         ", replenishment: {rule: order_up_to, cover_days: 1, window: 1, initial_stock: " +
         (outlet ? std::to_string(a) : "0") + "}}\n";
    supplier = name;
  }
  y += "consumers:\n  count: " + std::to_string(consumers) + "\n  weight: " + std::to_string(a / consumers) +
       "\n  mode: expected\n  segments:\n    - {name: all, valuation: {dist: uniform_quantiles, low: 0, high: " +
       std::to_string(top) + "}, price_sensitivity: 1, travel_cost: 0, delivery_cost: 0, service_weight: 0, noise: " +
       std::to_string(2 * top / consumers) + "}\n";
  return y;
}

struct TickProfits {
  std::vector<double> profit, price;
  double quantity = 0;
};

/// Runs the chain and returns the last tick's per-member profit (steady state), prices and sales.
TickProfits runChain(const chan::ScenarioSpec& spec) {
  chan::Engine engine(spec);
  while (engine.world().tick < spec.ticks - 1) engine.step();
  const auto& w = engine.world();
  std::vector<double> before(w.members.size());
  for (std::size_t m = 0; m < before.size(); ++m) before[m] = w.flows.profit(m);
  const double soldBefore = w.ledger.soldToConsumers;
  engine.step();
  TickProfits out;
  for (std::size_t m = 0; m < before.size(); ++m) {
    out.profit.push_back(w.flows.profit(m) - before[m]);
    out.price.push_back(w.members.price[m]);
  }
  out.quantity = w.ledger.soldToConsumers - soldBefore;
  return out;
}

}  // namespace

TEST_CASE("double marginalisation: best-response tiers reproduce Spengler's chain", "[validation]") {
  const double a = 100, b = 2, c = 10;
  for (int n = 1; n <= 4; ++n) {
    DYNAMIC_SECTION("n = " << n) {
      const chan::ScenarioSpec spec = chan::io::parseScenario(YAML::Load(chainYaml(n, a, b, c, 1000, "")), "chain");
      const TickProfits r = runChain(spec);
      // closed form: margin of tier k is (a/b - c) / 2^k, q = (a - b c) / 2^n,
      // profit of tier k is (a - b c)^2 / (b 2^(n+k))
      double price = c;
      for (int k = 1; k <= n; ++k) {
        price += (a / b - c) / std::pow(2.0, k);
        CHECK(r.price[static_cast<std::size_t>(k)] == Approx(price).epsilon(1e-4));
        CHECK(r.profit[static_cast<std::size_t>(k)] ==
              Approx((a - b * c) * (a - b * c) / (b * std::pow(2.0, n + k))).epsilon(1e-4));
      }
      CHECK(r.quantity == Approx((a - b * c) / std::pow(2.0, n)).epsilon(1e-4));
      double channel = 0;
      for (double p : r.profit) channel += p;
      const double integrated = (a - b * c) * (a - b * c) / (4 * b);  // one owner: p = (a/b + c) / 2
      CHECK(channel / integrated == Approx(4.0 * (std::pow(2.0, n) - 1) / std::pow(4.0, n)).epsilon(1e-4));
    }
  }
}

TEST_CASE("double marginalisation: other parameters follow the same closed form", "[validation]") {
  const double a = 60, b = 0.5, c = 20;  // a/b = 120
  const chan::ScenarioSpec spec = chan::io::parseScenario(YAML::Load(chainYaml(3, a, b, c, 1000, "")), "chain");
  const TickProfits r = runChain(spec);
  CHECK(r.price[3] == Approx(c + (a / b - c) * (0.5 + 0.25 + 0.125)).epsilon(1e-4));
  CHECK(r.quantity == Approx((a - b * c) / 8).epsilon(1e-4));
}

TEST_CASE("double marginalisation: resale price maintenance at the integrated price restores q", "[validation]") {
  // the outlet must sell at (a/b + c)/2 = 30; the distributor above best-responds to that
  const double a = 100, b = 2, c = 10;
  const chan::ScenarioSpec spec = chan::io::parseScenario(YAML::Load(chainYaml(2, a, b, c, 1000, "rpm")), "chain");
  const TickProfits r = runChain(spec);
  CHECK(r.quantity == Approx(40).epsilon(1e-4));
  double channel = 0;
  for (double p : r.profit) channel += p;
  CHECK(channel == Approx(800).epsilon(1e-4));
}
