#pragma once
// Finding the supply contract (edge supplier -> buyer) of a buyer in O(1).
//
// boost::edge(u, v) on an adjacency_list with vecS out-edge lists searches u's out-edges: a
// distributor supplying a million stores pays a million steps per lookup, and the engine asks
// per member per tick (buying prices, terms, discounts), so a national network cost time
// quadratic in its outlets. A buyer has one contracted supplier (world_builder adds one edge
// per buyer; a partner review or risk response moves it, never adds a second), so the
// buyer's in-edge list (the graph is bidirectional) has one entry: scanning it is O(1).
#include <utility>

#include <boost/graph/adjacency_list.hpp>

#include "sim/core/world.hpp"

namespace chan {

/// The edge supplier -> buyer and whether it exists, found among the buyer's in-edges
/// (O(in-degree of buyer), 1 for every contracted buyer). Same edge as boost::edge returns
/// whenever the pair has at most one edge, which world_builder and moveBuyer guarantee.
inline std::pair<SupplyGraph::edge_descriptor, bool> supplyEdge(const SupplyGraph& graph, std::size_t supplier,
                                                                std::size_t buyer) {
  for (auto e : boost::make_iterator_range(boost::in_edges(buyer, graph)))
    if (boost::source(e, graph) == supplier) return {e, true};
  return {SupplyGraph::edge_descriptor(), false};
}

}  // namespace chan
