#pragma once
// The channel network as Graphviz DOT (chansim graph). Nodes and edges are written by
// boost::write_graphviz with property writers: member kinds as shapes and colours, edge labels
// with the supply terms (discount, lead time, minimum order, fixed fee). The graph writer adds
// what write_graphviz has no hook for: territories as clusters and tiers as ranks
// (rank=same per tier, inside each cluster and among the members outside any territory).
// Large groups are collapsed: the members of one group that sit in the same territory and buy
// from the same (drawn) supplier become one node, "stores ×52".
#include <string>

#include "sim/core/world.hpp"

namespace chan::report {

struct DotOptions {
  bool expandMembers = false;  // one node per member, whatever the group sizes
  int collapseAbove = 8;       // groups with more members than this are collapsed
};

/// DOT text of the world's supply network (the world of buildWorld(spec)).
std::string channelDot(const World& world, const DotOptions& options = {});

}  // namespace chan::report
