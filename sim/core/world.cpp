#include "sim/core/world.hpp"

#include <algorithm>
#include <utility>

#include "sim/core/names.hpp"
#include "sim/core/supply_edge.hpp"

namespace chan {

bool isOutlet(MemberKind kind) {
  return kind != MemberKind::Manufacturer && kind != MemberKind::Distributor && kind != MemberKind::Logistics;
}

bool isOnline(MemberKind kind) {
  return kind == MemberKind::EStore || kind == MemberKind::Marketplace || kind == MemberKind::SocialSeller;
}

const char* kindName(MemberKind kind) { return names::of(names::kMemberKinds, kind).c_str(); }

const char* eventTypeName(Event::Type t) { return names::of(names::kEventTypes, t).c_str(); }

bool hasLogisticsProviders(const ScenarioSpec& spec) {
  return std::any_of(spec.groups.begin(), spec.groups.end(), [](const auto& g) { return g.kind == MemberKind::Logistics; });
}

void World::rebuildSubtrees() {
  subtreeOutlets.assign(members.size(), {});
  for (std::size_t o = 0; o < outlets.size(); ++o) {
    // an unauthorised reseller buys off-contract: it is in nobody's supply subtree but its own
    const bool offContract = !members.authorised[static_cast<std::size_t>(outlets[o])];
    for (int m = outlets[o]; m >= 0; m = offContract ? -1 : members.supplier[static_cast<std::size_t>(m)])
      subtreeOutlets[static_cast<std::size_t>(m)].push_back(static_cast<int>(o));
  }
}

void World::payOther(int payer, int payee, double amount) {
  if (amount <= 0) return;
  ledger.transfer(payer, payee, amount);
  const auto isMember = [&](int account) { return account >= 0 && static_cast<std::size_t>(account) < members.size(); };
  if (isMember(payer)) flows.otherExpense[static_cast<std::size_t>(payer)] += amount, flows.otherCash[static_cast<std::size_t>(payer)] -= amount;
  if (isMember(payee)) flows.otherIncome[static_cast<std::size_t>(payee)] += amount, flows.otherCash[static_cast<std::size_t>(payee)] += amount;
}

double World::discountOf(int m) const {
  const int s = members.supplier[static_cast<std::size_t>(m)];
  if (s < 0) return 0.0;
  const auto [e, found] = supplyEdge(graph, static_cast<std::size_t>(s), static_cast<std::size_t>(m));
  return found ? graph[e].discount : 0.0;
}

SupplyTerms World::termsFor(int supplier, int buyer) const {
  const auto [e, found] = supplyEdge(graph, static_cast<std::size_t>(supplier), static_cast<std::size_t>(buyer));
  if (found) return graph[e];
  const MemberGroupSpec& g = groupOf(buyer);
  return {g.discount, g.leadTime, g.minOrder, 0.0, 0.0};
}

// a vector added to MemberFlows but not to columns() would escape resize and subtract
static_assert(sizeof(MemberFlows) ==
              std::tuple_size_v<decltype(MemberFlows::columns(std::declval<MemberFlows&>()))> * sizeof(std::vector<double>));

void MemberFlows::resize(std::size_t n) {
  for (std::vector<double>* v : columns(*this)) v->assign(n, 0.0);
}

void MemberFlows::subtract(const MemberFlows& earlier) {
  const auto mine = columns(*this);
  const auto theirs = columns(earlier);
  for (std::size_t c = 0; c < mine.size(); ++c)
    for (std::size_t m = 0; m < mine[c]->size(); ++m) (*mine[c])[m] -= (*theirs[c])[m];
}

}  // namespace chan
