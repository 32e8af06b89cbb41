#include "sim/core/world.hpp"

namespace chan {

bool isOutlet(MemberKind kind) { return kind != MemberKind::Manufacturer && kind != MemberKind::Distributor; }

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
  }
  return "?";
}

void MemberFlows::resize(std::size_t n) {
  for (auto* v : {&unitsSold, &revenue, &cogs, &commission, &shipping, &holding, &fixed, &unitsBought,
                  &purchases, &openingValue, &feeIncome, &feeExpense, &lostUnits, &stockoutTicks, &pricedTicks, &undercutTicks})
    v->assign(n, 0.0);
}

}  // namespace chan
