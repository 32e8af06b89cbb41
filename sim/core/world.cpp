#include "sim/core/world.hpp"

#include <algorithm>

#include "sim/core/supply_edge.hpp"

namespace chan {

bool isOutlet(MemberKind kind) {
  return kind != MemberKind::Manufacturer && kind != MemberKind::Distributor && kind != MemberKind::Logistics;
}

bool isOnline(MemberKind kind) {
  return kind == MemberKind::EStore || kind == MemberKind::Marketplace || kind == MemberKind::SocialSeller;
}

const char* kindName(MemberKind kind) {
  switch (kind) {
    case MemberKind::Manufacturer: return "manufacturer";
    case MemberKind::Distributor: return "distributor";
    case MemberKind::OfflineStore: return "offline_store";
    case MemberKind::SpecialtyStore: return "specialty_store";
    case MemberKind::EStore: return "e_store";
    case MemberKind::Marketplace: return "marketplace";
    case MemberKind::SocialSeller: return "social_seller";
    case MemberKind::Logistics: return "logistics";
  }
  return "?";
}

const char* eventTypeName(Event::Type t) {
  switch (t) {
    case Event::Type::PriceUndercut: return "price_undercut";
    case Event::Type::TerritoryDiversion: return "territory_diversion";
    case Event::Type::Cannibalization: return "cannibalization";
    case Event::Type::VerticalDispute: return "vertical_dispute";
    case Event::Type::Default: return "default";
    case Event::Type::Disruption: return "disruption";
    case Event::Type::LicenceLapse: return "licence_lapse";
    case Event::Type::DataBreach: return "data_breach";
    case Event::Type::Termination: return "termination";
    case Event::Type::Recruitment: return "recruitment";
    case Event::Type::GrayMarket: return "gray_market";
    case Event::Type::TermAdjustment: return "term_adjustment";
    case Event::Type::Retier: return "retier";
  }
  return "?";
}

bool hasVolumeDiscounts(const ScenarioSpec& spec) {
  return std::any_of(spec.groups.begin(), spec.groups.end(), [](const auto& g) { return !g.volumeDiscounts.empty(); });
}

bool hasGrayResellers(const ScenarioSpec& spec) {
  return std::any_of(spec.groups.begin(), spec.groups.end(), [](const auto& g) { return g.unauthorised; });
}

bool hasLogisticsProviders(const ScenarioSpec& spec) {
  return std::any_of(spec.groups.begin(), spec.groups.end(), [](const auto& g) { return g.kind == MemberKind::Logistics; });
}

void World::rebuildSubtrees() {
  subtreeOutlets.assign(members.size(), {});
  for (std::size_t o = 0; o < outlets.size(); ++o) {
    // an unauthorised reseller buys off-contract: it is in nobody's supply subtree but its own
    const bool gray = groupOf(outlets[o]).unauthorised;
    for (int m = outlets[o]; m >= 0; m = gray ? -1 : members.supplier[static_cast<std::size_t>(m)])
      subtreeOutlets[static_cast<std::size_t>(m)].push_back(static_cast<int>(o));
  }
}

double World::discountOf(int m) const {
  const int s = members.supplier[static_cast<std::size_t>(m)];
  if (s < 0) return 0.0;
  const auto [e, found] = supplyEdge(graph, static_cast<std::size_t>(s), static_cast<std::size_t>(m));
  return found ? graph[e].discount : 0.0;
}

void MemberFlows::resize(std::size_t n) {
  for (auto* v :
       {&unitsSold,   &revenue,        &cogs,         &commission,  &shipping,      &holding,     &fixed,
        &unitsBought, &purchases,      &openingValue, &feeIncome,   &feeExpense,    &otherIncome, &otherExpense,
        &otherCash,   &writeOff,       &divertedIn,   &lostUnits,   &stockoutTicks, &pricedTicks, &undercutTicks,
        &orders,      &unitsRequested, &unitsLate,    &leadUnitDays, &volumeDiscount, &carriedUnits,
        &carriedShipments, &lateShipments})
    v->assign(n, 0.0);
}

}  // namespace chan
