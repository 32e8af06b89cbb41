#include "tests/property/random_scenario.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace chan::property {
namespace {

// a number printed so that the YAML reads it back exactly enough for these purposes
std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

struct Draw {
  Stream& rng;
  bool chance(double p) { return rng.uniform() < p; }
  int between(int lo, int hi) { return lo + static_cast<int>(rng.below(static_cast<std::uint64_t>(hi - lo + 1))); }
  double range(double lo, double hi) { return rng.uniform(lo, hi); }
  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[rng.below(items.size())];
  }
};

std::string pricing(Draw& d, double unitCost, bool outlet) {
  std::vector<std::string> rules = {"fixed", "cost_plus"};
  if (outlet) rules.insert(rules.end(), {"best_response", "share_adjust", "map_compliant", "opportunistic"});
  const std::string rule = d.pick(rules);
  std::string p = "{rule: " + rule;
  if (rule == "fixed") p += ", price: " + num(unitCost * d.range(1.5, 4));
  if (rule != "fixed" && rule != "best_response") p += ", markup: " + num(d.range(0, 1.5));
  if (rule == "best_response") {
    p += ", grid: " + std::to_string(d.between(0, 12)) + ", review_period: " + std::to_string(d.between(1, 5));
    if (d.chance(0.5)) p += ", max_price: " + num(unitCost * d.range(3, 8));
  }
  if (rule == "share_adjust") {
    p += ", step: " + num(d.range(0, 0.1));
    if (d.chance(0.5)) p += ", initial_low: " + num(unitCost) + ", initial_high: " + num(unitCost * 3);
  }
  if (rule == "opportunistic")
    p += ", undercut: " + num(d.range(0, 0.5)) + ", believed_detection: " + num(d.range(0, 1));
  return p + "}";
}

std::string replenishment(Draw& d) {
  const std::string rule = d.pick(std::vector<std::string>{"none", "order_up_to", "order_up_to", "min_max"});
  std::string r = "{rule: " + rule + ", initial_stock: " + num(d.range(0, 200));
  if (rule == "order_up_to") r += ", cover_days: " + num(d.range(0, 15)) + ", window: " + std::to_string(d.between(1, 10));
  if (rule == "min_max") {
    const double low = d.range(0, 50);
    r += ", reorder_point: " + num(low) + ", order_up_to: " + num(low + d.range(1, 100));
  }
  return r + "}";
}

}  // namespace

std::string randomScenarioYaml(Stream& rng, int index) {
  Draw d{rng};
  const double width = d.range(10, 100), height = d.range(10, 100);
  // one draw per statement: the operands of + are unsequenced
  const int seed = d.between(0, 1'000'000);
  const int ticks = d.between(1, 12);
  const int warmup = d.between(0, ticks - 1);
  std::string y = "name: random_" + std::to_string(index) + "\nseed: " + std::to_string(seed) +
                  "\nticks: " + std::to_string(ticks) + "\nwarmup: " + std::to_string(warmup) +
                  "\nblock_size: 64\ncheck: true\n";
  y += "map: {width: " + num(width) + ", height: " + num(height) + ", cities: " + std::to_string(d.between(0, 5)) +
       ", city_spread: " + num(d.range(0, 10)) + "}\n";

  // brands, with optional MSRP, MAP and capacity
  const int brands = d.between(1, 2);
  std::vector<double> cost;
  y += "brands:\n";
  for (int b = 0; b < brands; ++b) {
    cost.push_back(d.range(1, 20));
    y += "  - {name: b" + std::to_string(b) + ", unit_cost: " + num(cost.back());
    const double msrp = cost.back() * d.range(2, 4);
    if (d.chance(0.5)) y += ", suggested_retail_price: " + num(msrp);
    if (d.chance(0.5)) y += ", min_advertised_price: " + num(msrp * d.range(0.5, 1));
    if (d.chance(0.2)) y += ", capacity: " + num(d.range(10, 1000));
    y += "}\n";
  }
  const bool territories = d.chance(0.4);
  if (territories) {
    y += "territories:\n  - {name: west, rect: [0, 0, " + num(width / 2) + ", " + num(height) + "]}\n";
    y += "  - {name: east, rect: [" + num(width / 2) + ", 0, " + num(width) + ", " + num(height) + "]}\n";
  }

  // members: per brand a manufacturer, 0-2 distributor tiers, 1-3 outlet groups
  y += "members:\n";
  const bool carrier = d.chance(0.3);
  if (carrier)
    y += "  - {group: carrier, kind: logistics, logistics: {lead_time: " + std::to_string(d.between(0, 3)) +
         ", delay_probability: " + num(d.range(0, 0.5)) + ", delay_ticks: " + std::to_string(d.between(0, 3)) +
         ", fee_per_unit: " + num(d.range(0, 1)) + "}}\n";
  std::vector<std::string> outletGroups;
  for (int b = 0; b < brands; ++b) {
    const std::string brand = "b" + std::to_string(b);
    std::string supplier = "maker" + std::to_string(b);
    y += "  - {group: " + supplier + ", kind: manufacturer, brand: " + brand + ", pricing: " +
         pricing(d, cost[static_cast<std::size_t>(b)], false) + "}\n";
    std::vector<std::string> suppliers{supplier};
    const int tiers = d.between(0, 2);
    for (int t = 0; t < tiers; ++t) {
      const std::string name = "dist" + std::to_string(b) + "_" + std::to_string(t);
      y += "  - group: " + name + "\n    kind: distributor\n    count: " + std::to_string(d.between(1, 3)) +
           "\n    supplier: " + suppliers.back() + "\n    supplier_rule: " +
           d.pick(std::vector<std::string>{"nearest", "round_robin"}) +
           "\n    terms: {lead_time: " + std::to_string(d.between(0, 3)) + ", discount: " + num(d.range(0, 0.3)) +
           "}\n    pricing: " + pricing(d, cost[static_cast<std::size_t>(b)], false) +
           "\n    replenishment: " + replenishment(d) + "\n";
      suppliers.push_back(name);
    }
    const int outlets = d.between(1, 3);
    for (int o = 0; o < outlets; ++o) {
      const std::string kind = d.pick(
          std::vector<std::string>{"offline_store", "specialty_store", "e_store", "marketplace", "social_seller"});
      const std::string name = "shop" + std::to_string(b) + "_" + std::to_string(o);
      outletGroups.push_back(name);
      y += "  - group: " + name + "\n    kind: " + kind + "\n    count: " + std::to_string(d.between(1, 6)) +
           "\n    supplier: " + d.pick(suppliers) + "\n";
      if (territories && d.chance(0.6)) {
        y += "    supplier_rule: territory\n    territories: [" +
             d.pick(std::vector<std::string>{"west", "east", "west, east"}) + "]\n";
        if (d.chance(0.3)) y += "    exclusive: false\n";
      } else {
        y += "    supplier_rule: " + d.pick(std::vector<std::string>{"nearest", "round_robin"}) + "\n";
      }
      y += "    placement: " + d.pick(std::vector<std::string>{"cities", "uniform", "centre"}) + "\n";
      // terms: discount, lead time or carrier, minimum order, fee, volume discounts
      y += "    terms: {discount: " + num(d.range(0, 0.3));
      if (carrier && d.chance(0.5)) y += ", logistics: carrier";
      else y += ", lead_time: " + std::to_string(d.between(0, 3));
      if (d.chance(0.3)) y += ", min_order: " + num(d.range(0, 20));
      if (d.chance(0.2)) y += ", fixed_fee: " + num(d.range(0, 5));
      if (d.chance(0.3)) {
        const double first = d.range(1, 30);
        y += ", volume_discounts: [{min_units: " + num(first) + ", discount: 0.05}, {min_units: " +
             num(first + d.range(1, 50)) + ", discount: " + num(d.range(0.05, 0.3)) + "}]";
      }
      y += "}\n";
      if (d.chance(0.3)) y += "    fixed_cost: " + num(d.range(0, 20)) + "\n";
      if (d.chance(0.3)) y += "    holding_cost: " + num(d.range(0, 0.2)) + "\n";
      if (d.chance(0.3)) y += "    service_level: " + num(d.range(0, 1)) + "\n";
      if (d.chance(0.2)) y += "    reach: " + num(d.range(0, 1)) + "\n";
      if (d.chance(0.2)) y += "    initial_cash: " + num(d.range(-100, 1000)) + "\n";
      if (d.chance(0.2)) y += "    price_factors: [" + num(d.range(0.8, 1.2)) + ", " + num(d.range(0.8, 1.2)) + "]\n";
      if (kind == "social_seller" && d.chance(0.6)) y += "    referral_commission: " + num(d.range(0, 0.3)) + "\n";
      if (d.chance(0.15))
        y += "    exit_entry: {review_period: " + std::to_string(d.between(1, 5)) + ", exit_after: " +
             std::to_string(d.between(0, 2)) + "}\n";
      if (d.chance(0.2))
        y += "    service_effort: {cost: " + num(d.range(0.01, 5)) + ", max: " + num(d.range(0, 3)) +
             ", review_period: " + std::to_string(d.between(1, 5)) + "}\n";
      if (d.chance(0.25)) {
        const bool gray = d.chance(0.4);
        y += "    diversion: {enabled: true, transport_cost: " + num(d.range(0, 3)) +
             (gray ? ", unauthorised: true" : "") + "}\n";
      }
      if (d.chance(0.2))
        y += "    role: {service_lift: " + num(d.range(0, 0.5)) + ", value_lift: " + num(d.range(0, 0.5)) +
             ", cost_per_unit: " + num(d.range(0, 1)) + "}\n";
      if (d.chance(0.2)) y += "    reserve: " + std::to_string(d.between(1, 3)) + "\n";
      if (d.chance(0.1)) y += "    licence_expiry: " + std::to_string(d.between(1, 12)) + "\n";
      y += "    pricing: " + pricing(d, cost[static_cast<std::size_t>(b)], true) + "\n";
      y += "    replenishment: " + replenishment(d) + "\n";
    }
  }

  // consumers and segments
  y += "consumers:\n  count: " + std::to_string(d.between(1, 400)) + "\n  weight: " + num(d.range(0.1, 5)) +
       "\n  placement: " + d.pick(std::vector<std::string>{"cities", "uniform"}) + "\n  urban_share: " +
       num(d.range(0, 1)) + "\n  choice_set: {nearest: " + std::to_string(d.between(0, 8)) +
       ", radius: " + num(d.chance(0.5) ? 0 : d.range(1, 100)) + "}\n  mode: " +
       d.pick(std::vector<std::string>{"sampled", "expected"}) + "\n  substitution: " +
       (d.chance(0.5) ? "true" : "false") + "\n  segments:\n";
  const int segments = d.between(1, 3);
  for (int s = 0; s < segments; ++s) {
    const double c = cost[0];
    const std::string valuation =
        d.pick(std::vector<std::string>{"{dist: constant, value: " + num(c * d.range(1, 5)) + "}",
                                        "{dist: uniform, low: " + num(c) + ", high: " + num(c * 5) + "}",
                                        "{dist: uniform_quantiles, low: 0, high: " + num(c * 5) + "}",
                                        "{dist: normal, mean: " + num(c * 3) + ", sd: " + num(c) + "}",
                                        "{dist: lognormal, log_mean: " + num(d.range(0, 3)) + ", log_sd: 0.5}"});
    y += "    - {name: s" + std::to_string(s) + ", share: " + num(d.range(0.1, 1)) + ", valuation: " + valuation +
         ", price_sensitivity: " + num(d.range(0, 2)) + ", travel_cost: " + num(d.range(0, 0.5)) +
         ", delivery_cost: " + num(d.range(0, 0.5)) + ", online_preference: " + num(d.range(-1, 1)) +
         ", service_weight: " + num(d.range(-1, 2)) + ", purchase_probability: " + num(d.range(0, 1)) +
         ", noise: " + num(d.chance(0.1) ? 0 : d.range(0.01, 5)) + ", outside_option: " +
         (d.chance(0.8) ? "true" : "false") + "}\n";
  }

  // the optional mechanisms, each on or off
  if (d.chance(0.4))
    y += "monitoring: {online_detection: " + num(d.range(0, 1)) + ", offline_detection: " + num(d.range(0, 1)) +
         ", cost_per_outlet_day: " + num(d.range(0, 1)) + ", diversion_detection: " + num(d.range(0, 1)) +
         ", traceability: " + (d.chance(0.5) ? "true" : "false") + ", audit_probability: " + num(d.range(0, 0.5)) +
         "}\n";
  if (d.chance(0.4))
    y += "enforcement: {ladder: [" +
         d.pick(std::vector<std::string>{"warning, fine, suspend, terminate", "fine, forfeit_deposit", "terminate",
                                         "warning, suspend"}) +
         "], fine: " + num(d.range(0, 100)) + ", deposit: " + num(d.range(0, 100)) +
         ", suspension_ticks: " + std::to_string(d.between(1, 5)) + ", compensation_per_unit: " +
         num(d.range(0, 1)) + "}\n";
  if (d.chance(0.4)) {
    y += "risk:\n  credit_line: " + num(d.chance(0.5) ? -1 : d.range(0, 500)) + "\n";
    if (d.chance(0.5))
      y += "  disruptions: [{group: maker0, member: 0, start: " + std::to_string(d.between(1, 6)) +
           ", duration: " + std::to_string(d.between(1, 6)) + "}]\n";
    y += "  response: {reassign: " + std::string(d.chance(0.5) ? "true" : "false") + ", emergency_cost: " +
         num(d.range(0, 2)) + ", price_cap: " + num(d.chance(0.5) ? 0 : cost[0] * 3) + "}\n";
    if (d.chance(0.5))
      y += "  breach_probability: " + num(d.range(0, 0.3)) + "\n  breach_days: " + std::to_string(d.between(1, 5)) +
           "\n  breach_cost: " + num(d.range(0, 50)) + "\n";
  }
  if (d.chance(0.4))
    y += "partner_policy: {review_period: " + std::to_string(d.between(1, 5)) + ", kpi: " +
         d.pick(std::vector<std::string>{"profit", "revenue", "units", "aov", "satisfaction", "cost_effectiveness",
                                         "brand_share"}) +
         ", terminate_share: " + num(d.range(0, 0.5)) + ", recruit: " + (d.chance(0.5) ? "true" : "false") +
         ", rebate_share: " + num(d.range(0, 0.5)) + ", rebate_rate: " + num(d.range(0, 0.1)) +
         ", term_share: " + num(d.range(0, 0.5)) + ", term_step: " + num(d.range(0, 0.05)) +
         ", retier_share: " + num(d.range(0, 0.5)) + "}\n";
  if (d.chance(0.4)) {
    const std::string resolution = d.pick(std::vector<std::string>{"none", "concession", "mediation", "arbitration"});
    y += "disputes: {review_period: " + std::to_string(d.between(1, 5)) + ", margin_floor: " +
         num(d.range(-0.5, 0.8)) + ", resolution: " + resolution + ", max_discount: " + num(d.range(0, 0.6));
    if (resolution == "arbitration")
      y += ", award_share: " + num(d.range(0, 1)) + ", arbitration_fee: " + num(d.range(0, 20));
    y += "}\n";
  }
  if (d.chance(0.4))
    y += "coordination: {shared_sales: " + std::string(d.chance(0.5) ? "true" : "false") + ", visibility: " +
         (d.chance(0.3) ? "true" : "false") + ", overstock_days: " + num(d.range(0, 60)) +
         ", delay_probability: " + num(d.range(0, 0.5)) + ", delay_ticks: " + std::to_string(d.between(0, 3)) + "}\n";
  if (d.chance(0.4)) {
    // one promotion per chosen outlet group, so that none overlaps another of its group
    y += "promotions:\n";
    const std::string& group = d.pick(outletGroups);
    y += "  - {group: " + group + ", start: " + std::to_string(d.between(1, 8)) + ", days: " +
         std::to_string(d.between(1, 6)) + ", discount: " + num(d.range(0, 0.5)) + ", maker_share: " +
         num(d.range(0, 1)) + "}\n";
  }
  if (d.chance(0.3)) {
    y += "calendar:\n  start: 2026-" + std::string(d.chance(0.5) ? "11-05" : "06-14") +
         "\n  weekdays: {saturday: " + num(d.range(0.5, 2)) + "}\n  months: {june: " + num(d.range(0.5, 2)) +
         ", november: " + num(d.range(0.5, 2)) + "}\n  trend: " + num(d.range(-0.5, 1)) +
         "\n  events:\n    - {name: festival, date: " + (d.chance(0.5) ? "11-11" : "06-18") +
         ", days: " + std::to_string(d.between(1, 3)) + ", uplift: " + num(d.range(0, 5)) +
         ", pre_days: " + std::to_string(d.between(0, 4)) + ", pre_dip: " + num(d.range(0, 1)) +
         ", post_days: " + std::to_string(d.between(0, 4)) + ", post_dip: " + num(d.range(0, 1)) +
         ", price_sensitivity: " + num(d.range(0.5, 2)) +
         ", channels: [{kind: " + d.pick(std::vector<std::string>{"e_store", "marketplace", "offline_store"}) +
         ", uplift: " + num(d.range(0, 2)) + "}]}\n";
    if (d.chance(0.5)) y += "  forecast_groups: [" + d.pick(outletGroups) + "]\n";
  }
  if (d.chance(0.3))
    y += "showrooming: {share: " + num(d.range(0, 1)) + ", spillover: " + num(d.range(0, 1)) +
         ", webrooming: " + num(d.range(0, 1)) + ", webrooming_spillover: " + num(d.range(0, 1)) + "}\n";
  return y;
}

}  // namespace chan::property
