#pragma once
// The one table of names per enum, in enum order: YAML values, CSV and JSON labels. The loader,
// the resolved-YAML writer, the schema docs and the outputs all read these.
#include <cstddef>
#include <string>
#include <vector>

namespace chan::names {

inline const std::vector<std::string> kMemberKinds = {"manufacturer", "distributor", "offline_store", "specialty_store",
                                                      "e_store",      "marketplace", "social_seller", "logistics"};
inline const std::vector<std::string> kPricingRules = {"fixed",        "cost_plus",    "best_response",
                                                       "share_adjust", "map_compliant", "opportunistic"};
inline const std::vector<std::string> kReplenishRules = {"none", "order_up_to", "min_max"};
inline const std::vector<std::string> kForecastMethods = {"moving_average", "exponential", "holt_winters"};
inline const std::vector<std::string> kSeasonalities = {"additive", "multiplicative"};
inline const std::vector<std::string> kSupplierRules = {"territory", "nearest", "round_robin"};
inline const std::vector<std::string> kDistributions = {"constant", "uniform", "uniform_quantiles", "normal",
                                                        "lognormal"};
inline const std::vector<std::string> kPlacements = {"cities", "uniform", "centre"};
inline const std::vector<std::string> kPartnerKpis = {"profit", "revenue", "units", "aov", "satisfaction",
                                                      "cost_effectiveness", "brand_share"};
inline const std::vector<std::string> kEventTypes = {
    "price_undercut", "territory_diversion", "cannibalization", "vertical_dispute", "default",
    "disruption",     "licence_lapse",       "termination",     "recruitment",      "gray_market",
    "term_adjustment", "retier",             "data_breach"};

/// The name of enum value `e` in `table` (a table above, in the enum's order).
template <class E>
const std::string& of(const std::vector<std::string>& table, E e) {
  return table[static_cast<std::size_t>(e)];
}

}  // namespace chan::names
