#include "sim/calibrate/simulator.hpp"

#include <charconv>
#include <cmath>

#include "sim/engine/engine.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/io/yaml_reader.hpp"

namespace chan::calib {
namespace {

/// The node at a --set path ("a.b[2].c"), or a null node when it is not in the document.
YAML::Node nodeAt(const YAML::Node& root, const std::string& path) {
  YAML::Node at = YAML::Clone(root);
  std::size_t i = 0;
  while (i < path.size()) {
    const std::size_t j = std::min(path.find_first_of(".[", i), path.size());
    const std::string name = path.substr(i, j - i);
    if (!at.IsMap() || !at[name]) return YAML::Node(YAML::NodeType::Null);
    at = at[name];
    i = j;
    while (i < path.size() && path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string::npos) return YAML::Node(YAML::NodeType::Null);
      const std::size_t index = std::stoul(path.substr(i + 1, close - i - 1));
      if (!at.IsSequence() || index >= at.size()) return YAML::Node(YAML::NodeType::Null);
      at = at[index];
      i = close + 1;
    }
    if (i < path.size() && path[i] == '.') ++i;
  }
  return at;
}

}  // namespace

std::string exactNumber(double v) {
  if (v == 0) return "0";
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

Simulator::Simulator(const CalibrationSpec& spec, const std::vector<std::string>& extraSets) : m_spec(spec) {
  m_base = io::loadYamlFile(spec.scenario);
  // as chansim run: `set: [seed=...]` and the replications' seeds redraw demand on the map of
  // the scenario's own seed (map_seed moves the map)
  io::pinMapSeed(m_base);
  for (const std::string& s : spec.sets) io::applyOverride(m_base, s);
  for (const std::string& s : extraSets) io::applyOverride(m_base, s);
  io::parseScenario(m_base, spec.scenario);  // the base must be valid on its own
  m_replications = spec.method == Method::Smm ? spec.replications : 1;
}

YAML::Node Simulator::yamlAt(const Eigen::VectorXd& theta) const {
  YAML::Node root = YAML::Clone(m_base);
  for (std::size_t k = 0; k < m_spec.parameters.size(); ++k)
    io::applyOverride(root, m_spec.parameters[k].path + "=" + exactNumber(theta[static_cast<Eigen::Index>(k)]));
  return root;
}

ScenarioSpec Simulator::scenarioAt(const Eigen::VectorXd& theta) const {
  return io::parseScenario(yamlAt(theta), m_spec.scenario);
}

Eigen::VectorXd Simulator::startValues() const {
  Eigen::VectorXd theta(static_cast<Eigen::Index>(m_spec.parameters.size()));
  for (std::size_t k = 0; k < m_spec.parameters.size(); ++k) {
    const ParameterSpec& p = m_spec.parameters[k];
    double v = p.start;
    if (!p.hasStart) {
      const YAML::Node n = nodeAt(m_base, p.path);
      if (!n.IsScalar())
        throw io::InputError(m_spec.file + ": parameters: " + p.name + ": the base scenario does not set " + p.path +
                             "; give a start value");
      v = n.as<double>();
      if (v < p.low || v > p.high)
        throw io::InputError(m_spec.file + ": parameters: " + p.name + ": the base value " + exactNumber(v) +
                             " lies outside [low, high]; give a start value");
    }
    theta[static_cast<Eigen::Index>(k)] = v;
  }
  return theta;
}

Panel Simulator::runPanel(const Eigen::VectorXd& theta, int replication) const {
  ScenarioSpec spec = scenarioAt(theta);
  spec.seed += static_cast<std::uint64_t>(replication);
  ++m_evaluations;
  Engine engine(spec, EngineOptions{.sourceOfVolume = false});  // a panel is sales only
  const World& w = engine.world();
  Panel p;
  p.ticks = spec.ticks;
  const std::size_t n = w.outlets.size();
  for (int m : w.outlets) {
    const auto i = static_cast<std::size_t>(m);
    p.member.push_back(std::to_string(m));
    p.group.push_back(w.groupOf(m).name);
    p.kind.push_back(kindName(w.members.kind[i]));
    const int t = w.members.territory[i];
    p.territory.push_back(t >= 0 ? spec.territories[static_cast<std::size_t>(t)].name : "");
    p.online.push_back(isOnline(w.members.kind[i]) ? 1 : 0);
  }
  p.units.assign((static_cast<std::size_t>(spec.ticks) + 1) * n, 0.0);
  p.revenue.assign(p.units.size(), 0.0);
  for (int t = 1; t <= spec.ticks; ++t) {
    engine.step();
    for (std::size_t o = 0; o < n; ++o) {
      const auto m = static_cast<std::size_t>(w.outlets[o]);
      p.units[static_cast<std::size_t>(t) * n + o] = w.flows.unitsSold[m];
      p.revenue[static_cast<std::size_t>(t) * n + o] = w.flows.revenue[m];
    }
  }
  return p;
}

Eigen::VectorXd Simulator::evaluate(const Panel& p, const std::vector<Moment>& moments) {
  Eigen::VectorXd out(static_cast<Eigen::Index>(moments.size()));
  const std::size_t n = p.outlets();
  for (std::size_t k = 0; k < moments.size(); ++k) {
    const Moment& m = moments[k];
    const int last = m.lastTick == 0 ? p.ticks : m.lastTick;
    if (last > p.ticks || m.firstTick > last)
      throw io::InputError(m.where + ": period ticks " + std::to_string(m.firstTick) + ".." + std::to_string(last) +
                           " lie beyond the scenario's " + std::to_string(p.ticks) + " ticks");
    const std::vector<std::string>* keys = m.keyType == KeyType::Member  ? &p.member
                                           : m.keyType == KeyType::Group ? &p.group
                                           : m.keyType == KeyType::Kind  ? &p.kind
                                           : m.keyType == KeyType::Territory ? &p.territory
                                                                             : nullptr;
    double units = 0, revenue = 0, online = 0;
    bool any = false;
    const std::size_t a = static_cast<std::size_t>(m.firstTick - 1) * n, b = static_cast<std::size_t>(last) * n;
    for (std::size_t o = 0; o < n; ++o) {
      if (keys && (*keys)[o] != m.key) continue;
      any = true;
      const double u = p.units[b + o] - p.units[a + o];
      units += u;
      revenue += p.revenue[b + o] - p.revenue[a + o];
      if (p.online[o]) online += u;
    }
    if (!any)
      throw io::InputError(m.where + ": " + keyTypeName(m.keyType) + ": '" + m.key + "' matches no outlet of the scenario");
    double v = 0;
    switch (m.quantity) {
      case Quantity::Units: v = units; break;
      case Quantity::Revenue: v = revenue; break;
      case Quantity::Price: v = units > 0 ? revenue / units : 0.0; break;
      case Quantity::OnlineShare: v = units > 0 ? online / units : 0.0; break;
    }
    out[static_cast<Eigen::Index>(k)] = v;
  }
  return out;
}

Eigen::VectorXd Simulator::simulate(const Eigen::VectorXd& theta, const std::vector<Moment>& moments) const {
  Eigen::VectorXd sum = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(moments.size()));
  for (int r = 0; r < m_replications; ++r) sum += evaluate(runPanel(theta, r), moments);
  return sum / m_replications;
}

}  // namespace chan::calib
