#include "models/channel_control.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "models/pricing.hpp"
#include "models/scorecard.hpp"
#include "sim/core/rng.hpp"
#include "sim/core/supply_edge.hpp"

namespace chan::models {
namespace {

void record(World& w, Event::Type type, int member, int counterparty, double units, double severity, bool detected,
            const std::string& action) {
  w.events.push_back({w.tick, type, member, counterparty, units, severity, detected, action});
}

}  // namespace

int makerOf(const World& w, int m) { return w.brandMaker[idx(w.members.brand[idx(m)])]; }

double memberChance(const World& w, StreamPurpose purpose, int member, std::uint64_t salt) {
  return Stream(w.spec->seed, static_cast<std::uint64_t>(w.spec->run), static_cast<std::uint64_t>(w.tick), purpose,
                (idx(member) << 20) ^ salt)
      .uniform();
}

void returnDeposit(World& w, int m) {
  const double d = w.members.depositPosted[idx(m)];
  const int maker = makerOf(w, m);
  if (d <= 0 || maker < 0) return;
  w.ledger.transfer(maker, m, d);
  w.flows.otherCash[idx(maker)] -= d;
  w.flows.otherCash[idx(m)] += d;
  w.members.depositHeld[idx(maker)] -= d;
  w.members.depositPosted[idx(m)] = 0;
}

bool authorisedReseller(const World& w, int m) {
  const MemberKind k = w.members.kind[idx(m)];
  return k != MemberKind::Manufacturer && k != MemberKind::Logistics && w.members.authorised[idx(m)];
}

void moveBuyer(World& w, int buyer, int to, SupplyTerms terms) {
  Members& mb = w.members;
  boost::remove_edge(idx(mb.supplier[idx(buyer)]), idx(buyer), w.graph);
  boost::add_edge(idx(to), idx(buyer), terms, w.graph);
  mb.supplier[idx(buyer)] = to;
  const int tier = mb.tier[idx(to)] + 1;
  if (tier == mb.tier[idx(buyer)]) return;
  // only outlets change tier (partner reviews re-tier outlets), so nothing below moves with it
  auto& from = w.byTier[idx(mb.tier[idx(buyer)])];
  from.erase(std::find(from.begin(), from.end(), buyer));
  auto& into = w.byTier[idx(tier)];
  into.insert(std::lower_bound(into.begin(), into.end(), buyer), buyer);
  mb.tier[idx(buyer)] = tier;
}

void terminate(World& w, int m, const std::string& why) {
  Members& mb = w.members;
  if (!mb.active[idx(m)]) return;
  mb.active[idx(m)] = 0;
  // unsold stock leaves the channel
  w.ledger.writtenOff += mb.stock[idx(m)];
  w.flows.writeOff[idx(m)] += mb.stockValue[idx(m)];
  mb.stock[idx(m)] = mb.stockValue[idx(m)] = 0;
  returnDeposit(w, m);
  record(w, Event::Type::Termination, m, mb.supplier[idx(m)], 0, 0, true, why);
  if (w.riskResponse.reassign) reassignBuyers(w, m);
}

void reassignBuyers(World& w, int failed) {
  Members& mb = w.members;
  const auto& peers = w.groupMembers[idx(mb.group[idx(failed)])];
  std::vector<int> buyers;
  for (auto e : boost::make_iterator_range(boost::out_edges(idx(failed), w.graph)))
    buyers.push_back(static_cast<int>(boost::target(e, w.graph)));
  for (int b : buyers) {
    int best = -1;
    double bestDistance = std::numeric_limits<double>::infinity();
    for (int p : peers) {
      if (p == failed || !mb.active[idx(p)] || disrupted(w, p)) continue;
      const double d = std::hypot(mb.x[idx(p)] - mb.x[idx(b)], mb.y[idx(p)] - mb.y[idx(b)]);
      if (d < bestDistance) best = p, bestDistance = d;
    }
    if (best < 0) continue;  // nobody left to take them over
    SupplyTerms terms = contractTerms(w, b);
    terms.emergencyCost = w.riskResponse.emergencyCost;
    moveBuyer(w, b, best, terms);
  }
  // the outlets below each member changed: rebuild the supply subtrees used by pricing probes
  w.rebuildSubtrees();
}

bool disrupted(const World& w, int m) { return w.members.disrupted[idx(m)] != 0; }

SupplyTerms& contractTerms(World& w, int buyer) {
  return w.graph[supplyEdge(w.graph, idx(w.members.supplier[idx(buyer)]), idx(buyer)).first];
}

double dailyMargin(const World& w, int m) {
  const Members& mb = w.members;
  const auto i = idx(m);
  const int supplier = mb.supplier[i];
  double unitCost = 0;
  if (mb.stock[i] > 0) unitCost = mb.stockValue[i] / mb.stock[i];
  else if (supplier >= 0) unitCost = mb.price[idx(supplier)] * (1.0 - w.discountOf(m));
  else unitCost = w.productOf(m).unitCost;
  const double days = std::max(1, std::min(mb.recorded[i], mb.window[i]));
  return std::max(0.0, (netUnitRevenue(w, m, mb.price[i]) - unitCost) * mb.forecastSum[i] / days);
}

double ladderCost(const World& w, int m, double margin) {
  const Policing& p = w.policing;
  if (p.ladder.empty()) return 0.0;
  const int last = static_cast<int>(p.ladder.size()) - 1;
  const int next = std::min(w.members.strikes[idx(m)], last);
  double sum = 0;
  for (int k = next; k <= last; ++k) switch (p.ladder[idx(k)]) {
      case 1: sum += p.fine; break;
      case 2: sum += w.members.depositPosted[idx(m)]; break;
      case 3: sum += p.suspensionTicks * margin; break;
      case 4: sum += p.terminationDays * margin; break;
      default: break;  // a warning costs nothing
    }
  return sum / static_cast<double>(last - next + 1);
}

}  // namespace chan::models
