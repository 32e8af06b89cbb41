#pragma once
// Channel control shared by the mechanisms of the seed deck (../shared/seed/OUTLINE.md, ch. 2,
// 4, 5): supply contracts, member exit and replacement (with the risk response's reassignment),
// deposits returned, daily per-member draws. The mechanisms themselves (monitoring and
// enforcement, risk, the partner policy, ...) live in mechanisms/. Every money movement goes through the ledger.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/rng.hpp"
#include "sim/core/world.hpp"

namespace chan::models {

/// The terms on member `buyer`'s supply contract (the edge from its supplier); a partner
/// policy or a concession may change them.
SupplyTerms& contractTerms(World& world, int buyer);

/// The manufacturer of member m's brand (-1: the brand has none).
int makerOf(const World& world, int member);

/// Salts of the daily per-member draws (memberChance), so that each check of a member on a tick
/// has its own number. A shipment's trace adds its counterparty to kTrace: with counterparty 1
/// it shares the audit's number, which only matters when the same member is audited that tick.
namespace draw {
inline constexpr std::uint64_t kBreach = 0, kPriceCheck = 1, kTrace = 2, kAudit = 3;
}

/// Chance in [0,1) for a (purpose, member, salt) on this tick: detections, audits, breaches.
double memberChance(const World& world, StreamPurpose purpose, int member, std::uint64_t salt);

/// Gives member m back the security deposit it posted with its brand's manufacturer (if any).
void returnDeposit(World& world, int member);

/// Removes member m from the channel: its stock is written off, its deposit returned, and
/// (risk response `reassign`) its buyers move to the nearest active member of its group.
void terminate(World& world, int member, const std::string& why);

/// Moves `buyer` to supply contract `terms` with `to`, and into the tier below it. Callers
/// rebuild the supply subtrees once they are done moving. `terms` is a copy: callers pass the
/// terms of the edge this removes.
void moveBuyer(World& world, int buyer, int to, SupplyTerms terms);

/// Moves the buyers of `failed` to the nearest active, undisrupted member of its group.
void reassignBuyers(World& world, int failed);

/// True while a scheduled disruption stops member m shipping (mechanisms/risk sets it each tick).
bool disrupted(const World& world, int member);

/// True for the members a brand contracts with and polices: distributors and outlets, not
/// manufacturers, logistics providers or unauthorised resellers (Members::authorised).
bool authorisedReseller(const World& world, int member);

/// What member m makes a day at today's price: (net unit revenue − what a unit costs it, its
/// stock's average cost or, with none, its supplier's price) × its forecast daily demand; >= 0.
double dailyMargin(const World& world, int member);

/// What member m expects one detected violation to cost (currency), weighing the whole ladder
/// (World::policing): the mean, over the rungs still ahead of it (from the one its next
/// detection triggers to the last, which repeats), of their costs to it: a warning 0, a fine
/// the fine, a forfeit its posted deposit, a suspension suspensionTicks x `margin`, termination
/// terminationDays x `margin` (`margin`: what it makes a day, e.g. dailyMargin). A member that
/// keeps violating climbs one rung per detection, so this is what a detection costs it on average
/// until it leaves. 0 without enforcement.
double ladderCost(const World& world, int member, double margin);

}  // namespace chan::models
