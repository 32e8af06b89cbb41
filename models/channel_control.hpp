#pragma once
// Channel-control mechanisms of the seed deck (../shared/seed/OUTLINE.md, ch. 2, 4, 5):
// price and diversion monitoring, the enforcement ladder with security deposits, member exit
// and replacement, risk events with emergency responses, and the closed-loop partner policy.
// Each is off unless the scenario turns it on; every money movement goes through the ledger.
#include <vector>

#include "sim/core/world.hpp"

namespace chan::models {

/// The terms on member `buyer`'s supply contract (the edge from its supplier); a partner
/// policy or a concession may change them.
SupplyTerms& contractTerms(World& world, int buyer);

/// Set-up: every reseller posts the security deposit with its brand's manufacturer.
void postDeposits(World& world);

/// Removes member m from the channel: its stock is written off, its deposit returned, and
/// (risk response `reassign`) its buyers move to the nearest active member of its group.
void terminate(World& world, int member, const std::string& why);

/// Moves `buyer` to supply contract `terms` with `to`, and into the tier below it. Callers
/// rebuild the supply subtrees once they are done moving. `terms` is a copy: callers pass the
/// terms of the edge this removes.
void moveBuyer(World& world, int buyer, int to, SupplyTerms terms);

/// Moves the buyers of `failed` to the nearest active, undisrupted member of its group.
void reassignBuyers(World& world, int failed);

/// True while a scenario disruption stops member m shipping.
bool disrupted(const World& world, int member);

/// Applies the next rung of the escalation ladder to member m; returns the action's name.
std::string enforce(World& world, int member);

/// True for the members a brand contracts with and polices: distributors and outlets, not
/// manufacturers, logistics providers or unauthorised resellers (Members::authorised).
bool authorisedReseller(const World& world, int member);

/// Chance that monitoring traces one off-contract shipment (cross-territory or gray market):
/// the traceability probability with serial codes, else the diversion detection; 0 unmonitored.
double traceProbability(const World& world);

/// Daily monitoring: MAP violations of active outlets (actual and detected, by channel) and the
/// off-contract shipments of the day (`diversions`: cross-territory and gray market, traced
/// with traceProbability). Detected ones climb the seller's enforcement ladder.
/// Appends events; charges the manufacturer the monitoring cost.
void monitor(World& world, std::vector<Event>& diversions);

/// Risk events of the day: disruptions starting (with the response), licence audits, and
/// defaults of members whose cash fell below their credit line.
void reviewRisk(World& world);

}  // namespace chan::models
