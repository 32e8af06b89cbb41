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



int makerOf(const World& w, int m) { return w.brandMaker[idx(w.members.brand[idx(m)])]; }

// salts of the monitoring draws, so that each check of a member on a tick has its own number
// (a shipment's trace adds its counterparty to kTraceDraw: with counterparty 1 it shares the
// audit's number, which only matters when the same member is audited that tick)
constexpr std::uint64_t kPriceCheckDraw = 1, kTraceDraw = 2, kAuditDraw = 3, kBreachDraw = 0;

/// Chance in [0,1) for a (purpose, member, salt) on this tick: detections and audits.
double chance(const World& w, StreamPurpose purpose, int member, std::uint64_t salt) {
  return Stream(w.spec->seed, static_cast<std::uint64_t>(w.spec->run), static_cast<std::uint64_t>(w.tick), purpose,
                (idx(member) << 20) ^ salt)
      .uniform();
}

void record(World& w, Event::Type type, int member, int counterparty, double units, double severity, bool detected,
            const std::string& action) {
  w.events.push_back({w.tick, type, member, counterparty, units, severity, detected, action});
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

}  // namespace

bool authorisedReseller(const World& w, int m) {
  const MemberKind k = w.members.kind[idx(m)];
  return k != MemberKind::Manufacturer && k != MemberKind::Logistics && w.members.authorised[idx(m)];
}

double traceProbability(const World& w) {
  const MonitoringSpec& mon = w.spec->monitoring;
  if (!mon.enabled) return 0.0;
  return mon.traceability ? mon.traceabilityDetection : mon.diversionDetection;
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

void postDeposits(World& w) {
  const double d = w.spec->enforcement.deposit;
  if (!w.spec->enforcement.enabled || d <= 0) return;
  for (std::size_t m = 0; m < w.members.size(); ++m) {
    const int maker = makerOf(w, static_cast<int>(m));
    if (!authorisedReseller(w, static_cast<int>(m)) || !w.members.active[m] || maker < 0) continue;
    // a deposit is an asset of the reseller and a liability of the maker: cash moves, profit does not
    w.ledger.transfer(static_cast<int>(m), maker, d);
    w.flows.otherCash[m] -= d;
    w.flows.otherCash[idx(maker)] += d;
    w.members.depositPosted[m] = d;
    w.members.depositHeld[idx(maker)] += d;
  }
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
  if (w.spec->risk.reassign) reassignBuyers(w, m);
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
    terms.emergencyCost = w.spec->risk.emergencyCost;
    moveBuyer(w, b, best, terms);
  }
  // the outlets below each member changed: rebuild the supply subtrees used by pricing probes
  w.rebuildSubtrees();
}

bool disrupted(const World& w, int m) {
  for (const DisruptionSpec& d : w.spec->risk.disruptions) {
    const auto& group = w.groupMembers[idx(d.group)];
    if (group[idx(d.member)] == m && w.tick >= d.start && w.tick < d.start + d.duration) return true;
  }
  return false;
}

std::string enforce(World& w, int m) {
  const EnforcementSpec& e = w.spec->enforcement;
  if (!e.enabled) return "";
  Members& mb = w.members;
  const int step = std::min<int>(mb.strikes[idx(m)]++, static_cast<int>(e.ladder.size()) - 1);
  const int maker = makerOf(w, m);
  switch (e.ladder[idx(step)]) {
    case EnforcementAction::Warning: return "warning";
    case EnforcementAction::Fine:
      w.payOther(m, maker, e.fine);
      return "fine";
    case EnforcementAction::ForfeitDeposit: {
      const double d = mb.depositPosted[idx(m)];
      if (d <= 0) return "forfeit_none_posted";  // the step is taken, but there is nothing to forfeit
      // the deposit changes hands on the books only: the maker already holds the cash
      mb.depositPosted[idx(m)] = 0;
      mb.depositHeld[idx(maker)] -= d;
      w.flows.otherExpense[idx(m)] += d;
      w.flows.otherIncome[idx(maker)] += d;
      return "forfeit_deposit";
    }
    case EnforcementAction::Suspend:
      mb.suspendedUntil[idx(m)] = w.tick + e.suspensionTicks;
      return "suspend";
    case EnforcementAction::Terminate:
      terminate(w, m, "enforcement");
      return "terminate";
  }
  return "";
}

void monitor(World& w, std::vector<Event>& diversions) {
  const MonitoringSpec& mon = w.spec->monitoring;
  Members& mb = w.members;
  // price: a day below MAP is a violation; monitoring sees it with the channel's probability
  for (int m : w.outlets) {
    if (!mb.active[idx(m)] || !authorisedReseller(w, m)) continue;  // the brand cannot police a gray seller
    const double map = w.spec->brands[idx(mb.brand[idx(m)])].minAdvertised;
    const double price = mb.price[idx(m)];
    if (!undercuts(price, map)) continue;
    ++mb.violationDays[idx(m)];
    const double p = isOnline(mb.kind[idx(m)]) ? mon.onlineDetection : mon.offlineDetection;
    const bool seen = mon.enabled && chance(w, StreamPurpose::Monitoring, m, kPriceCheckDraw) < p;
    std::string action;
    if (seen) ++mb.detections[idx(m)], action = enforce(w, m);
    record(w, Event::Type::PriceUndercut, m, makerOf(w, m), 0, (map - price) / map, seen, action);
  }
  // off-contract shipments of the day (territory and gray market), traced more often with serial codes
  const double trace = traceProbability(w);
  for (Event& e : diversions) {
    e.detected = mon.enabled && chance(w, StreamPurpose::Monitoring, e.member, kTraceDraw + static_cast<std::uint64_t>(e.counterparty)) < trace;
    if (e.detected) e.action = enforce(w, e.member);
    w.events.push_back(e);
  }
  diversions.clear();
  // the manufacturer pays for watching every active outlet of its network (not gray sellers)
  if (mon.enabled && mon.costPerOutletDay > 0)
    for (int m : w.outlets)
      if (mb.active[idx(m)] && authorisedReseller(w, m) && makerOf(w, m) >= 0)
        w.payOther(makerOf(w, m), w.ledger.account(External::Operations), mon.costPerOutletDay);
}

void reviewRisk(World& w) {
  Members& mb = w.members;
  const RiskSpec& r = w.spec->risk;
  for (const DisruptionSpec& d : r.disruptions) {
    if (d.start != w.tick) continue;
    const int m = w.groupMembers[idx(d.group)][idx(d.member)];
    record(w, Event::Type::Disruption, m, -1, 0, d.duration, true, r.reassign ? "reassign" : "");
    if (r.reassign) reassignBuyers(w, m);
  }
  const double audit = w.spec->monitoring.enabled ? w.spec->monitoring.auditProbability : 0.0;
  for (std::size_t m = 0; m < mb.size(); ++m) {
    if (!mb.active[m] || mb.kind[m] == MemberKind::Manufacturer) continue;
    const int expiry = w.spec->groups[idx(mb.group[m])].licenceExpiry;
    if (expiry > 0 && w.tick > expiry && chance(w, StreamPurpose::Monitoring, static_cast<int>(m), kAuditDraw) < audit) {
      record(w, Event::Type::LicenceLapse, static_cast<int>(m), -1, 0, w.tick - expiry, true, "terminate");
      terminate(w, static_cast<int>(m), "licence lapsed");
      continue;
    }
    // information security: an outlet's point-of-sale feed compromised (see Engine::replenish)
    if (r.breachProbability > 0 && isOutlet(mb.kind[m]) && w.tick >= mb.breachedUntil[m] &&
        chance(w, StreamPurpose::Breach, static_cast<int>(m), kBreachDraw) < r.breachProbability) {
      mb.breachedUntil[m] = w.tick + r.breachDays;
      w.payOther(static_cast<int>(m), w.ledger.account(External::Operations), r.breachCost);
      record(w, Event::Type::DataBreach, static_cast<int>(m), -1, 0, r.breachDays, true, "");
    }
    if (r.creditLine >= 0 && w.ledger.balance(static_cast<int>(m)) < -r.creditLine) {
      record(w, Event::Type::Default, static_cast<int>(m), mb.supplier[m], 0, -w.ledger.balance(static_cast<int>(m)), true,
             "bankruptcy");
      terminate(w, static_cast<int>(m), "bankruptcy");
    }
  }
}

SupplyTerms& contractTerms(World& w, int buyer) {
  return w.graph[supplyEdge(w.graph, idx(w.members.supplier[idx(buyer)]), idx(buyer)).first];
}

}  // namespace chan::models
