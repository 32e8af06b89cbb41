// Case 2: a manufacturer adding a direct online channel next to its retailer (consumer model of
// Chiang, Chhajed & Hess 2003, "Direct marketing, indirect profits", Management Science 49(1)).
// Consumers value the good v ~ U[0,1] in the store and theta v online. The manufacturer owns its
// e-store and sets the wholesale price and the direct price jointly, anticipating the
// retailer, who best-responds with its store price; all in the engine. Consumers choose
// exactly (noise 0), so the quantile population has the continuous model's kinked demand:
// with logit noise mu the threat regime's kink is smoothed and its prices miss by O(mu).
#include "sim/validation/cases.hpp"
#include "sim/validation/steady_state.hpp"

namespace chan::validation {
namespace {

/// retail only: the e-store reaches nobody; integrated: the manufacturer owns the store too.
enum class Variant { RetailOnly, Dual, Integrated };

std::string dualChannelYaml(double theta, double directCost, int consumers, Variant variant) {
  const double n = consumers;
  // lead time 0 and order-up-to one day: outlets buy each day what they sold, so every member's
  // profit on the last tick is its steady-state profit per tick
  const std::string common = ", fixed_cost: 0, holding_cost: 0, service_level: 0, delivery_days: 0,"
                             " commission: 0, replenishment: {rule: order_up_to, cover_days: 1, window: 1, initial_stock: 1}";
  std::string y = "name: dual_channel\nticks: 6\nbrands: [{name: x, unit_cost: 0}]\nmembers:\n";
  y += "  - {group: maker, kind: manufacturer, pricing: {rule: best_response, grid: 16, max_price: 1, review_period: 1000}}\n";
  y += "  - {group: retailer, kind: offline_store, supplier: maker, terms: {lead_time: 0}, placement: centre, shipping_cost: 0" +
       std::string(variant == Variant::Integrated ? ", owner: maker" : "") +
       ", pricing: {rule: best_response, grid: 16, max_price: 1, review_period: 1000}" + common + "}\n";
  // the e-store buys at a transfer price of 0 (discount 1): its margin is the maker's own
  y += "  - {group: direct, kind: e_store, supplier: maker, owner: maker, terms: {lead_time: 0, discount: 1}, valuation_factor: " + num(theta) +
       ", reach: " + (variant == Variant::Dual ? "1" : "0") + ", shipping_cost: " + num(directCost) +
       ", pricing: {rule: best_response, grid: 16, max_price: 1, review_period: 1000}" + common +
       "}\n";
  y += "consumers: {count: " + std::to_string(consumers) + ", weight: " + num(1 / n) +
       ", placement: uniform, mode: expected, segments: [{name: all, valuation: {dist: uniform_quantiles, low: 0, high: 1},"
       " price_sensitivity: 1, travel_cost: 0, delivery_cost: 0, service_weight: 0, noise: 0}]}\n";
  return y;
}

}  // namespace

void dualChannel(io::Reader& r, std::vector<Row>& rows) {
  const double theta = r.number("theta", 1e-3, 1 - 1e-3);
  const std::vector<double> costs = r.numbers("direct_costs", 0, 1);
  const int consumers = static_cast<int>(r.integer("consumers", 200, 100, 1'000'000));
  r.finish();
  // members: 0 maker, 1 retailer, 2 e-store
  {
    const SteadyTick t = runSteady(scenarioFromText(dualChannelYaml(theta, 0, consumers, Variant::RetailOnly), "retail only"));
    rows.push_back({"retail only", "wholesale price", 0.5, t.price[0], kIterativeTol});
    rows.push_back({"retail only", "retail price", 0.75, t.price[1], kIterativeTol});
    rows.push_back({"retail only", "manufacturer profit", 1.0 / 8, t.profit[0] + t.profit[2], kIterativeTol});
    rows.push_back({"retail only", "retailer profit", 1.0 / 16, t.profit[1], kIterativeTol});
  }
  {
    const SteadyTick t = runSteady(scenarioFromText(dualChannelYaml(theta, 0, consumers, Variant::Integrated), "integrated"));
    rows.push_back({"integrated", "retail price", 0.5, t.price[1], kIterativeTol});
    rows.push_back({"integrated", "channel profit", 0.25, t.profit[0] + t.profit[1] + t.profit[2], kIterativeTol});
  }
  const double threshold = theta * (1 - theta) / (2 - theta);
  for (double cd : costs) {
    const std::string variant = std::string(cd < threshold ? "interior" : "threat") + " c_d=" + num(cd);
    const SteadyTick t = runSteady(scenarioFromText(dualChannelYaml(theta, cd, consumers, Variant::Dual), variant));
    double pr, pd, piM, piR;
    if (cd < threshold) {
      pd = (theta + cd) / 2, pr = (3 - theta + cd) / 4;
      piR = (1 - theta + cd) * (1 - theta + cd) / (16 * (1 - theta));
      piM = (1 + theta) / 8 - cd / 4 + cd * cd * (2 - theta) / (8 * theta * (1 - theta));
    } else {
      pr = (3 - 2 * theta) / (2 * (2 - theta)), pd = theta * pr;
      piM = 1 / (4 * (2 - theta)), piR = (1 - theta) / (4 * (2 - theta) * (2 - theta));
    }
    // demands from the valuation model: buy in store if v - p_r >= max(0, theta v - p_d), ...
    const double dr = pd >= theta * pr ? 1 - pr : 1 - (pr - pd) / (1 - theta);
    const double dd = pd >= theta * pr ? 0 : (theta * pr - pd) / (theta * (1 - theta));
    rows.push_back({variant, "wholesale price", 0.5, t.price[0], kIterativeTol});
    rows.push_back({variant, "retail price", pr, t.price[1], kIterativeTol});
    rows.push_back({variant, "direct price", pd, t.price[2], kIterativeTol});
    rows.push_back({variant, "store demand", dr, t.unitsSold[1], kIterativeTol});
    rows.push_back({variant, "direct demand", dd, t.unitsSold[2], kIterativeTol});
    rows.push_back({variant, "manufacturer profit", piM, t.profit[0] + t.profit[2], kIterativeTol});
    rows.push_back({variant, "retailer profit", piR, t.profit[1], kIterativeTol});
  }
}

}  // namespace chan::validation
