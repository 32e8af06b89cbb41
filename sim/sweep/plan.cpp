#include "sim/sweep/plan.hpp"

#include <utility>

#include "sim/core/rng.hpp"

namespace chan::sweep {

std::uint64_t runSeed(std::uint64_t baseSeed, std::uint64_t point, std::uint64_t replication) {
  std::uint64_t h = mix64(baseSeed + 0x9e3779b97f4a7c15ULL);
  h = mix64(h ^ (point + 0x632be59bd9b4e019ULL));
  h = mix64(h ^ (replication + 0x85157af5ULL));
  return h >> 1;
}

Plan::Plan(SweepSpec spec) : m_spec(std::move(spec)), m_design(makeDesign(m_spec)) {}

Plan::Plan(SweepSpec spec, UnitPoints design, bool commonRandomNumbers)
    : m_spec(std::move(spec)), m_design(std::move(design)), m_common(commonRandomNumbers) {}

std::vector<std::string> Plan::values(std::size_t point) const {
  std::vector<std::string> out;
  for (std::size_t d = 0; d < m_spec.axes.size(); ++d) out.push_back(m_spec.axes[d].valueAt(m_design[point][d]));
  return out;
}

std::string Plan::scenarioFile(std::size_t point) const {
  for (std::size_t d = 0; d < m_spec.axes.size(); ++d)
    if (m_spec.axes[d].key == kScenarioKey) return resolvePath(m_spec, m_spec.axes[d].valueAt(m_design[point][d]));
  return resolvePath(m_spec, m_spec.scenario);
}

std::vector<std::string> Plan::pointOverrides(std::size_t point) const {
  std::vector<std::string> out;
  for (std::size_t d = 0; d < m_spec.axes.size(); ++d)
    if (m_spec.axes[d].key != kScenarioKey)
      out.push_back(m_spec.axes[d].key + "=" + m_spec.axes[d].valueAt(m_design[point][d]));
  return out;
}

std::vector<std::string> Plan::overrides(std::size_t run) const {
  std::vector<std::string> out = pointOverrides(pointOf(run));
  out.push_back("seed=" + std::to_string(seed(run)));
  out.push_back("run=" + std::to_string(streamRun(run)));
  return out;
}

}  // namespace chan::sweep
