#include "sim/report/dot_export.hpp"

#include <map>
#include <set>
#include <sstream>
#include <tuple>

// GCC 12 warns that Boost's edge iterator (a boost::optional inside) "may be used
// uninitialized" when write_graphviz is instantiated: a known false positive.
#if defined(__GNUC__) && !defined(__clang__)  // clang has no such warning
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <boost/graph/graphviz.hpp>

#include "sim/report/svg.hpp"

namespace chan::report {
namespace {

struct NodeInfo {
  std::string label;
  MemberKind kind = MemberKind::OfflineStore;
  int tier = 0;
  int territory = -1;
  int count = 1;  // members behind the node
};

struct EdgeInfo {
  SupplyTerms terms;
  int count = 0;  // supply links behind the edge
};

using DotGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, NodeInfo, EdgeInfo>;

/// Text for a double-quoted DOT string ("\n" line breaks are added by callers).
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

const char* shapeOf(MemberKind k) {
  switch (k) {
    case MemberKind::Manufacturer: return "house";
    case MemberKind::Distributor: return "box";
    case MemberKind::OfflineStore: return "ellipse";
    case MemberKind::SpecialtyStore: return "octagon";
    case MemberKind::EStore: return "component";
    case MemberKind::Marketplace: return "folder";
    case MemberKind::SocialSeller: return "note";
    case MemberKind::Logistics: return "cds";
  }
  return "ellipse";
}

// the report's colours by kind, and light fills of them
const char* colorOf(MemberKind k) {
  static const char* const colors[] = {"#000000", "#0072B2", "#E69F00", "#CC79A7", "#009E73", "#D55E00", "#56B4E9", "#999999"};
  return colors[static_cast<std::size_t>(k)];
}
const char* fillOf(MemberKind k) {
  static const char* const fills[] = {"#e8e8e8", "#d6e8f5", "#fbefd6", "#f5e4ee", "#d6f0e8", "#f7e0d6", "#e2f2fb", "#f0f0f0"};
  return fills[static_cast<std::size_t>(k)];
}

std::string termsLabel(const SupplyTerms& t, int count) {
  std::string s;
  if (count > 1) s += "\u00d7" + std::to_string(count) + "\\n";
  s += "lead " + std::to_string(t.leadTime) + " d";
  if (t.discount != 0) s += "\\ndiscount " + num(t.discount * 100, 1) + "%";
  if (t.minOrder > 0) s += "\\nmin order " + num(t.minOrder, 2);
  if (t.fixedFee > 0) s += "\\nfee " + num(t.fixedFee, 2) + "/tick";
  return s;
}

class NodeWriter {
 public:
  explicit NodeWriter(const DotGraph& g) : m_g(g) {}
  template <class Vertex>
  void operator()(std::ostream& out, const Vertex& v) const {
    const NodeInfo& n = m_g[v];
    std::string label;
    for (char c : n.label) {
      if (c == '"' || c == '\\') label += '\\';
      label += c;
    }
    out << "[label=\"" << label << "\", shape=" << shapeOf(n.kind) << ", style=filled, fillcolor=\"" << fillOf(n.kind)
        << "\", color=\"" << colorOf(n.kind) << "\"";
    if (n.count > 1) out << ", peripheries=2";
    out << "]";
  }

 private:
  const DotGraph& m_g;
};

class EdgeWriter {
 public:
  explicit EdgeWriter(const DotGraph& g) : m_g(g) {}
  template <class Edge>
  void operator()(std::ostream& out, const Edge& e) const {
    const EdgeInfo& info = m_g[e];
    out << "[label=\"" << termsLabel(info.terms, info.count) << "\"";
    if (info.count > 1) out << ", penwidth=2";
    out << "]";
  }

 private:
  const DotGraph& m_g;
};

class GraphWriter {
 public:
  GraphWriter(const DotGraph& g, const World& w) : m_g(g), m_w(w) {}
  void operator()(std::ostream& out) const {
    const ScenarioSpec& spec = *m_w.spec;
    std::set<MemberKind> kinds;
    bool collapsed = false;
    int tiers = 0;
    for (std::size_t v = 0; v < boost::num_vertices(m_g); ++v) {
      kinds.insert(m_g[v].kind);
      collapsed = collapsed || m_g[v].count > 1;
      tiers = std::max(tiers, m_g[v].tier + 1);
    }
    std::string legend = quoted(spec.name).substr(1, quoted(spec.name).size() - 2) +
                         ": supply network (edges: supplier -> buyer, labelled with the terms)\\nshapes: ";
    bool first = true;
    for (MemberKind k : kinds) {
      legend += std::string(first ? "" : ", ") + shapeOf(k) + " = " + kindName(k);
      first = false;
    }
    if (collapsed)
      legend +=
          "\\ndouble outline: a group's members in one territory with one supplier, collapsed (chansim graph --members "
          "expands them)";
    // the legend goes in as a raw label: its \n are DOT line breaks
    out << "graph [rankdir=TB, newrank=true, nodesep=0.3, ranksep=0.7, fontname=\"Helvetica\", fontsize=11, "
           "labelloc=b, label=\""
        << legend << "\"];\n";
    out << "node [fontname=\"Helvetica\", fontsize=11];\n";
    out << "edge [fontname=\"Helvetica\", fontsize=9, color=\"#666666\", fontcolor=\"#444444\"];\n";
    // territories as clusters
    for (std::size_t t = 0; t < spec.territories.size(); ++t) {
      std::string members;
      for (std::size_t v = 0; v < boost::num_vertices(m_g); ++v)
        if (m_g[v].territory == static_cast<int>(t)) members += " " + std::to_string(v) + ";";
      if (members.empty()) continue;
      out << "subgraph cluster_territory" << t << " {\n  label=" << quoted(spec.territories[t].name)
          << "; style=\"rounded,dashed\"; color=\"#888888\"; fontcolor=\"#333333\";\n ";
      out << members << "\n}\n";
    }
    // online outlets have no territory: a cluster of their own keeps them clear of the others
    std::string online;
    for (std::size_t v = 0; v < boost::num_vertices(m_g); ++v)
      if (m_g[v].territory < 0 && isOnline(m_g[v].kind)) online += " " + std::to_string(v) + ";";
    if (!online.empty())
      out << "subgraph cluster_online {\n  label=\"online (no territory)\"; style=\"rounded,dotted\"; "
             "color=\"#888888\"; "
             "fontcolor=\"#333333\";\n "
          << online << "\n}\n";
    // tiers as ranks, with a ladder of tier labels on the side
    for (int tier = 0; tier < tiers; ++tier) {
      out << "tier" << tier << " [shape=plaintext, fontcolor=\"#777777\", label=\"tier " << tier << "\"];\n";
      if (tier > 0) out << "tier" << tier - 1 << " -> tier" << tier << " [style=invis];\n";
      out << "{rank=same; tier" << tier << ";";
      for (std::size_t v = 0; v < boost::num_vertices(m_g); ++v)
        if (m_g[v].tier == tier) out << " " << v << ";";
      out << "}\n";
    }
  }

 private:
  const DotGraph& m_g;
  const World& m_w;
};

}  // namespace

std::string channelDot(const World& w, const DotOptions& options) {
  const ScenarioSpec& spec = *w.spec;
  const Members& mb = w.members;
  std::vector<int> groupSize(spec.groups.size(), 0), indexInGroup(mb.size(), 0);
  for (std::size_t m = 0; m < mb.size(); ++m) indexInGroup[m] = groupSize[static_cast<std::size_t>(mb.group[m])]++;

  DotGraph g;
  std::vector<std::size_t> nodeOf(mb.size());
  std::map<std::tuple<int, int, long>, std::size_t> collapsedNode;  // (group, territory, supplier node)
  for (std::size_t m = 0; m < mb.size(); ++m) {
    const auto group = static_cast<std::size_t>(mb.group[m]);
    const bool collapse = !options.expandMembers && groupSize[group] > options.collapseAbove;
    const long supplierNode =
        mb.supplier[m] >= 0 ? static_cast<long>(nodeOf[static_cast<std::size_t>(mb.supplier[m])]) : -1;
    if (collapse) {
      const auto key = std::make_tuple(mb.group[m], mb.territory[m], supplierNode);
      const auto it = collapsedNode.find(key);
      if (it != collapsedNode.end()) {
        nodeOf[m] = it->second;
        ++g[it->second].count;
        continue;
      }
    }
    NodeInfo n;
    n.kind = mb.kind[m];
    n.tier = mb.tier[m];
    n.territory = mb.territory[m];
    n.label = spec.groups[group].name;
    if (!collapse && groupSize[group] > 1) n.label += " #" + std::to_string(indexInGroup[m]);
    nodeOf[m] = boost::add_vertex(n, g);
    if (collapse) collapsedNode[std::make_tuple(mb.group[m], mb.territory[m], supplierNode)] = nodeOf[m];
  }
  for (auto& [key, v] : collapsedNode) {
    NodeInfo& n = g[v];
    n.label += " \u00d7" + std::to_string(n.count);
    const int total = groupSize[static_cast<std::size_t>(std::get<0>(key))];
    if (total != n.count) n.label += " (of " + std::to_string(total) + ")";
  }
  // supply links, merged where both ends are the same nodes
  std::map<std::pair<std::size_t, std::size_t>, DotGraph::edge_descriptor> edgeOf;
  auto [e, eEnd] = boost::edges(w.graph);
  for (; e != eEnd; ++e) {
    const std::size_t from = nodeOf[boost::source(*e, w.graph)], to = nodeOf[boost::target(*e, w.graph)];
    const auto key = std::make_pair(from, to);
    auto it = edgeOf.find(key);
    if (it == edgeOf.end())
      it = edgeOf.emplace(key, boost::add_edge(from, to, EdgeInfo{w.graph[*e], 0}, g).first).first;
    ++g[it->second].count;
  }
  std::ostringstream out;
  boost::write_graphviz(out, g, NodeWriter(g), EdgeWriter(g), GraphWriter(g, w));
  return out.str();
}

}  // namespace chan::report
