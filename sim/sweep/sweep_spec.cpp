#include "sim/sweep/sweep_spec.hpp"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>
#include <utility>

#include "sim/io/yaml_reader.hpp"

namespace chan::sweep {
namespace {

using io::Reader;

constexpr double kHuge = 1e12;
constexpr std::int64_t kMaxSamples = 10'000'000;
const std::vector<std::string> kDesigns = {"grid", "random", "lhs", "sobol", "morris"};

std::string location(const std::string& file, const YAML::Node& node) {
  return file + ":" + std::to_string(node.Mark().line + 1) + ":" + std::to_string(node.Mark().column + 1);
}

Axis readRange(Reader range, Axis axis) {
  axis.from = range.number("from", -kHuge, kHuge);
  axis.to = range.number("to", -kHuge, kHuge);
  axis.steps = static_cast<int>(range.integer("steps", 0, 1, 1'000'000));
  axis.log = range.choice("scale", "linear", {"linear", "log"}) == "log";
  axis.integer = range.boolean("integer", false);
  if (axis.log && !(axis.from > 0 && axis.to > 0)) range.fail("scale", "a log range needs from and to above 0");
  range.finish();
  return axis;
}

std::vector<Axis> readAxes(Reader axes) {
  std::vector<Axis> out;
  for (const auto& kv : axes.node()) {
    if (!kv.first.IsScalar()) axes.fail("expected key paths as keys");
    Axis axis;
    axis.key = kv.first.Scalar();
    axis.where = location(axes.file(), kv.first);
    // the sweep sets these two per run; sweeping them would break the seed derivation
    if (axis.key == "seed" || axis.key == "run")
      axes.fail(axis.key, "is set per run from base_seed and the run id; change base_seed instead");
    if (kv.second.IsSequence()) {
      axis.values = axes.texts(axis.key);
      if (axis.values.empty()) axes.fail(axis.key, "needs at least one value");
    } else if (kv.second.IsMap() && axis.key != kScenarioKey) {
      axis = readRange(axes.map(axis.key), axis);
    } else {
      axes.fail(axis.key, axis.key == kScenarioKey ? "expected a list of scenario files"
                                                   : "expected a list of values or a range {from, to, steps}");
    }
    out.push_back(std::move(axis));
  }
  if (out.empty()) axes.fail("needs at least one axis");
  axes.finish();
  return out;
}

DesignSpec readDesign(Reader& r, const std::vector<Axis>& axes) {
  DesignSpec d;
  if (!r.has("design") || !std::as_const(r.node())["design"].IsMap()) {  // the short form `design: grid`
    d.type = static_cast<DesignType>(std::find(kDesigns.begin(), kDesigns.end(), r.choice("design", "grid", kDesigns)) -
                                     kDesigns.begin());
    if (d.type != DesignType::Grid)
      r.fail("design",
             "write {type: " + kDesigns[static_cast<std::size_t>(d.type)] + ", samples: N} (this design needs a size)");
  } else {
    Reader m = r.map("design");
    d.type = static_cast<DesignType>(std::find(kDesigns.begin(), kDesigns.end(), m.choice("type", kDesigns)) -
                                     kDesigns.begin());
    // each design reads only the keys that apply to it, so finish() names the others
    switch (d.type) {
      case DesignType::Grid: break;
      case DesignType::Random:
      case DesignType::Lhs: d.samples = static_cast<int>(m.integer("samples", 1, kMaxSamples)); break;
      case DesignType::Sobol: d.samples = static_cast<int>(m.integer("samples", 2, kMaxSamples)); break;
      case DesignType::Morris:
        d.trajectories = static_cast<int>(m.integer("trajectories", 2, kMaxSamples));
        d.levels = static_cast<int>(m.integer("levels", d.levels, 2, 1000));
        if (d.levels % 2 != 0) m.fail("levels", "must be even (the Morris step is levels/(2(levels-1)))");
        break;
    }
    m.finish();
  }
  // steps place grid levels; other designs choose their own points, and a silently ignored
  // steps would mislead
  const bool grid = d.type == DesignType::Grid;
  for (const Axis& a : axes)
    if (!a.isList() && (a.steps == 0) == grid)
      throw io::InputError(a.where + ": axes." + a.key + ": " +
                           (grid ? "a grid needs steps for every range"
                                 : "steps applies to grid designs only (a " + std::string(designName(d.type)) +
                                       " design places its own points)"));
  if (d.type == DesignType::Sobol && axes.size() > static_cast<std::size_t>(kMaxSobolAxes))
    r.fail("design", "a sobol design supports at most " + std::to_string(kMaxSobolAxes) + " axes");
  return d;
}

}  // namespace

const char* designName(DesignType type) { return kDesigns[static_cast<std::size_t>(type)].c_str(); }

std::string resolvePath(const SweepSpec& spec, const std::string& path) {
  const std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  return (std::filesystem::path(spec.file).parent_path() / p).lexically_normal().string();
}

SweepSpec loadSweep(const std::string& file) { return parseSweep(io::loadYamlFile(file), file); }

SweepSpec parseSweep(const YAML::Node& source, const std::string& file) {
  SweepSpec spec;
  spec.file = file;
  spec.source = source;
  Reader r(spec.source, file, "");
  spec.axes = readAxes(r.map("axes"));
  const bool scenarioAxis =
      std::any_of(spec.axes.begin(), spec.axes.end(), [](const Axis& a) { return a.key == kScenarioKey; });
  if (scenarioAxis && r.has("scenario")) r.fail("scenario", "the scenario axis already names the scenario files");
  spec.scenario = scenarioAxis ? "" : r.text("scenario");
  if (!scenarioAxis) spec.scenarioWhere = location(file, std::as_const(r.node())["scenario"]);
  r.text("description", "");  // free text for people reading the file
  spec.design = readDesign(r, spec.axes);
  spec.replications = static_cast<int>(r.integer("replications", 1, 1, 1'000'000));
  spec.baseSeed = static_cast<std::uint64_t>(r.integer("base_seed", 1, 0, std::numeric_limits<std::int64_t>::max()));
  spec.metrics = r.texts("metrics");
  if (spec.metrics.empty()) r.fail("metrics", "list at least one summary metric (e.g. conflict.index)");
  const YAML::Node list = std::as_const(r.node())["metrics"];
  std::set<std::string> seen;
  for (std::size_t i = 0; i < spec.metrics.size(); ++i) {
    spec.metricWhere.push_back(location(file, list[i]));
    if (!seen.insert(spec.metrics[i]).second)
      throw io::InputError(spec.metricWhere.back() + ": metrics[" + std::to_string(i) + "]: duplicate metric '" +
                           spec.metrics[i] + "'");
  }
  spec.summaryOnly = r.boolean("summary_only", false);
  r.finish();
  return spec;
}

}  // namespace chan::sweep
