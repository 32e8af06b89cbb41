#include "sim/sweep/validate.hpp"

#include <algorithm>
#include <set>

#include <tbb/parallel_for.h>

#include "sim/engine/engine.hpp"
#include "sim/io/scenario_loader.hpp"

namespace chan::sweep {
namespace {

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : separator) + s;
  return out;
}

}  // namespace

void validateAxes(const Plan& plan) {
  const SweepSpec& spec = plan.spec();
  if (!spec.scenario.empty()) {  // the base scenario alone first, so its own errors are named as such
    try {
      io::loadScenario(resolvePath(spec, spec.scenario));
    } catch (const io::InputError& e) {
      throw io::InputError(spec.scenarioWhere + ": scenario: " + e.what());
    }
  }
  const std::vector<std::string> values = plan.values(0);
  for (std::size_t d = 0; d < spec.axes.size(); ++d) {
    const Axis& axis = spec.axes[d];
    try {
      if (axis.key == kScenarioKey) {
        for (const std::string& file : axis.values) io::loadScenario(resolvePath(spec, file));
      } else {
        io::loadScenario(plan.scenarioFile(0), {axis.key + "=" + values[d]});
      }
    } catch (const io::InputError& e) {
      throw io::InputError(axis.where + ": axes." + axis.key + ": " + e.what());
    }
  }
}

std::vector<std::string> summaryNames(const std::string& file, std::vector<std::string> sets) {
  sets.push_back("warmup=0");  // (a warm-up must be shorter than the run)
  sets.push_back("ticks=1");
  const ScenarioSpec one = io::loadScenario(file, sets);  // the engine keeps a pointer to it
  Engine engine(one);
  engine.run();
  std::vector<std::string> names;
  for (const auto& entry : engine.summary()) names.push_back(entry.first);
  return names;
}

void validateMetrics(const Plan& plan) {
  const SweepSpec& spec = plan.spec();
  std::set<std::string> checked;  // scenario files
  for (std::size_t point = 0; point < plan.points(); ++point) {
    const std::string file = plan.scenarioFile(point);
    if (!checked.insert(file).second) continue;
    const std::vector<std::string> names =
        summaryNames(file, plan.overrides(point * static_cast<std::size_t>(spec.replications)));
    for (std::size_t i = 0; i < spec.metrics.size(); ++i) {
      if (std::find(names.begin(), names.end(), spec.metrics[i]) != names.end()) continue;
      const std::string near = io::closestMatch(spec.metrics[i], names);
      throw io::InputError(
          spec.metricWhere[i] + ": metrics[" + std::to_string(i) + "]: " + file + " has no summary metric '" +
          spec.metrics[i] + "'" +
          (near.empty() ? " (it has: " + joined(names, ", ") + ")" : " (did you mean '" + near + "'?)"));
    }
  }
}

void validatePoints(const Plan& plan, const std::vector<std::size_t>& runs) {
  std::vector<std::size_t> points;  // runs of a point are adjacent: load each point once
  for (std::size_t run : runs)
    if (points.empty() || points.back() != plan.pointOf(run)) points.push_back(plan.pointOf(run));
  // loaded on all threads (serial, this start-up would cost a 2-thread sweep ~5% efficiency);
  // the first failing point in id order is reported, as a serial pass would
  std::vector<std::string> problems(points.size());
  tbb::parallel_for(std::size_t{0}, points.size(), [&](std::size_t k) {
    try {
      io::loadScenario(plan.scenarioFile(points[k]), plan.pointOverrides(points[k]));
    } catch (const io::InputError& e) {
      problems[k] = e.what();
    }
  });
  for (std::size_t k = 0; k < points.size(); ++k)
    if (!problems[k].empty())
      throw io::InputError(plan.spec().file + ": point " + std::to_string(points[k]) + " (" +
                           joined(plan.pointOverrides(points[k]), " ") + "): " + problems[k]);
}

}  // namespace chan::sweep
