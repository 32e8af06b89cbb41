#pragma once
// Names of the headline summary.json metrics, declared once: the metrics code writes them and
// the command line and the report read them through these constants, so a misspelt name is a
// compile error rather than a silent 0 (formulas: README "summary.json").
#include <string_view>

namespace chan::metric {

inline constexpr std::string_view kUndercutRate = "conflict.undercut_rate";
inline constexpr std::string_view kUndercutOutletDays = "conflict.undercut_outlet_days";
inline constexpr std::string_view kCrossTerritoryShare = "conflict.cross_territory_share";
inline constexpr std::string_view kCannibalization = "conflict.cannibalization";
inline constexpr std::string_view kOnlineNearStockedStore = "conflict.online_near_stocked_store";
inline constexpr std::string_view kConflictIndex = "conflict.index";
inline constexpr std::string_view kChannelProfit = "margin.channel_profit";
inline constexpr std::string_view kManufacturerProfit = "margin.manufacturer_profit";
inline constexpr std::string_view kManufacturerShare = "margin.manufacturer_share";
inline constexpr std::string_view kBrandProfit = "margin.brand_profit";
inline constexpr std::string_view kBrandShare = "margin.brand_share";
inline constexpr std::string_view kIntegratedEfficiency = "margin.integrated_efficiency";
inline constexpr std::string_view kConsumerReach = "coverage.consumer_reach";
inline constexpr std::string_view kNumericDistribution = "coverage.numeric_distribution";
inline constexpr std::string_view kFillRate = "coverage.fill_rate";
inline constexpr std::string_view kStockoutRate = "coverage.stockout_rate";
inline constexpr std::string_view kLostUnits = "coverage.lost_units";
inline constexpr std::string_view kSalesUnits = "sales.units";
inline constexpr std::string_view kSalesRevenue = "sales.revenue";
inline constexpr std::string_view kOnlineShare = "sales.online_share";
inline constexpr std::string_view kMeanPrice = "sales.mean_price";

}  // namespace chan::metric
