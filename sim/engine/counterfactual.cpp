#include "sim/engine/counterfactual.hpp"

#include <map>
#include <utility>

namespace chan {
namespace {

/// Per-key totals of one run, in key order.
struct Totals {
  std::map<std::string, double> units, revenue, profit;
  void add(const std::string& key, const World& w, std::size_t m) {
    units[key] += w.flows.unitsSold[m];
    revenue[key] += w.flows.revenue[m];
    profit[key] += w.flows.profit(m);
  }
};

/// Totals of run w by group name, tier and kind.
void collect(const World& w, Totals& groups, Totals& tiers, Totals& kinds) {
  for (std::size_t m = 0; m < w.members.size(); ++m) {
    groups.add(w.groupOf(static_cast<int>(m)).name, w, m);
    if (w.members.tier[m] >= 0) tiers.add("tier" + std::to_string(w.members.tier[m]), w, m);
    kinds.add(kindName(w.members.kind[m]), w, m);
  }
}

/// Rows of `level` for the keys both runs have (a group the change removed has no row).
void addLevel(const std::string& level, const Totals& a, const Totals& b, std::vector<TwinDifference>& out) {
  for (const auto& [key, units] : a.units) {
    if (!b.units.count(key)) continue;
    out.push_back({level, key, "units_sold", units, b.units.at(key)});
    out.push_back({level, key, "revenue", a.revenue.at(key), b.revenue.at(key)});
    out.push_back({level, key, "profit", a.profit.at(key), b.profit.at(key)});
  }
}

}  // namespace

std::vector<TwinDifference> compareRuns(const Engine& base, const Summary& baseSummary, const Engine& variant,
                                        const Summary& variantSummary) {
  std::vector<TwinDifference> out;
  const std::map<std::string, double> other(variantSummary.begin(), variantSummary.end());
  for (const auto& [key, value] : baseSummary)
    if (other.count(key)) out.push_back({"summary", key, key, value, other.at(key)});
  const World &a = base.world(), &b = variant.world();
  Totals groupsA, tiersA, kindsA, groupsB, tiersB, kindsB;
  collect(a, groupsA, tiersA, kindsA);
  collect(b, groupsB, tiersB, kindsB);
  addLevel("group", groupsA, groupsB, out);
  addLevel("tier", tiersA, tiersB, out);
  addLevel("kind", kindsA, kindsB, out);
  // members compare one to one only when the change left the member list as it was
  if (a.members.size() != b.members.size() || a.members.group != b.members.group) return out;
  for (std::size_t m = 0; m < a.members.size(); ++m) {
    const std::string id = std::to_string(m);
    out.push_back({"member", id, "units_sold", a.flows.unitsSold[m], b.flows.unitsSold[m]});
    out.push_back({"member", id, "profit", a.flows.profit(m), b.flows.profit(m)});
  }
  return out;
}

}  // namespace chan
