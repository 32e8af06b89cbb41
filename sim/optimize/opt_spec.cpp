#include "sim/optimize/opt_spec.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "sim/io/yaml_reader.hpp"

namespace chan::optimize {
namespace {

using io::Reader;

constexpr double kHuge = 1e12;
const std::vector<std::string> kAlgorithms = {"cmaes", "cobyla", "bobyqa", "nsga2"};

std::string location(const std::string& file, const YAML::Node& node) {
  return file + ":" + std::to_string(node.Mark().line + 1) + ":" + std::to_string(node.Mark().column + 1);
}

void readVariables(Reader vars, OptSpec& spec) {
  for (const auto& kv : vars.node()) {
    if (!kv.first.IsScalar()) vars.fail("expected key paths as keys");
    sweep::Axis axis;
    axis.key = kv.first.Scalar();
    axis.where = location(vars.file(), kv.first);
    // the runner sets these per replication (common random numbers); a scenario file is not a number
    if (axis.key == "seed" || axis.key == "run" || axis.key == sweep::kScenarioKey)
      vars.fail(axis.key, "is not a decision variable (seed and run are set per replication from seed:)");
    if (!kv.second.IsMap()) vars.fail(axis.key, "expected bounds {from, to} (optionally integer, scale, start)");
    Reader range = vars.map(axis.key);
    axis.from = range.number("from", -kHuge, kHuge);
    axis.to = range.number("to", -kHuge, kHuge);
    if (!(axis.from < axis.to)) range.fail("to", "must be above from");
    axis.integer = range.boolean("integer", false);
    axis.log = range.choice("scale", "linear", {"linear", "log"}) == "log";
    if (axis.log && !(axis.from > 0)) range.fail("scale", "a log range needs from above 0");
    if (axis.integer && axis.log) range.fail("scale", "integer variables are linear");
    if (axis.integer && (axis.from != std::round(axis.from) || axis.to != std::round(axis.to)))
      range.fail("from", "integer variables need whole-number bounds");
    double u = 0.5;
    if (range.has("start")) {
      const double x = range.number("start", axis.from, axis.to);
      u = axis.log ? std::log(x / axis.from) / std::log(axis.to / axis.from) : (x - axis.from) / (axis.to - axis.from);
    }
    range.finish();
    spec.variables.push_back(std::move(axis));
    spec.start.push_back(u);
  }
  if (spec.variables.empty()) vars.fail("needs at least one variable");
  vars.finish();
}

Objective readObjective(Reader o) {
  Objective obj;
  const bool max = o.has("maximize"), min = o.has("minimize");
  if (max == min) o.fail("expected exactly one of maximize: KEY or minimize: KEY");
  obj.maximize = max;
  obj.metric = o.text(max ? "maximize" : "minimize");
  obj.where = location(o.file(), std::as_const(o.node())[max ? "maximize" : "minimize"]);
  o.finish();
  return obj;
}

}  // namespace

const char* algorithmName(Algorithm a) { return kAlgorithms[static_cast<std::size_t>(a)].c_str(); }

std::vector<std::string> metricNames(const OptSpec& spec) {
  std::vector<std::string> names;
  for (const Objective& o : spec.objectives) names.push_back(o.metric);
  for (const Constraint& c : spec.constraints)
    if (std::find(names.begin(), names.end(), c.metric) == names.end()) names.push_back(c.metric);
  return names;
}

OptSpec loadOptSpec(const std::string& file) {
  OptSpec spec;
  spec.file = file;
  spec.source = io::loadYamlFile(file);
  Reader r(spec.source, file, "");
  r.text("description", "");  // free text for people reading the file
  spec.scenario = r.text("scenario");
  spec.scenarioWhere = location(file, std::as_const(r.node())["scenario"]);
  readVariables(r.map("variables"), spec);

  if (r.has("objective") == r.has("objectives"))
    r.fail("expected objective: {maximize: KEY} or objectives: [two of them] (exactly one of the two keys)");
  if (r.has("objective")) {
    spec.objectives.push_back(readObjective(r.map("objective")));
  } else {
    for (Reader o : r.list("objectives")) spec.objectives.push_back(readObjective(o));
    if (spec.objectives.empty() || spec.objectives.size() > 2)
      r.fail("objectives", "expected one or two objectives (two give a Pareto front)");
    if (spec.objectives.size() == 2 && spec.objectives[0].metric == spec.objectives[1].metric)
      r.fail("objectives", "the two objectives are the same key");
  }
  for (Reader c : r.list("constraints")) {
    Constraint k;
    k.metric = c.text("metric");
    k.where = location(c.file(), std::as_const(c.node())["metric"]);
    k.hasMin = c.has("min");
    k.hasMax = c.has("max");
    if (!k.hasMin && !k.hasMax) c.fail("expected min: (mean >= min) and/or max: (mean <= max)");
    if (k.hasMin) k.min = c.number("min", -kHuge, kHuge);
    if (k.hasMax) k.max = c.number("max", -kHuge, kHuge);
    if (k.hasMin && k.hasMax && !(k.min <= k.max)) c.fail("max", "must not be below min");
    c.finish();
    spec.constraints.push_back(std::move(k));
  }

  const bool two = spec.objectives.size() == 2;
  const std::string algo = r.choice("algorithm", two ? "nsga2" : "cmaes", kAlgorithms);
  spec.algorithm =
      static_cast<Algorithm>(std::find(kAlgorithms.begin(), kAlgorithms.end(), algo) - kAlgorithms.begin());
  if (two != (spec.algorithm == Algorithm::Nsga2))
    r.fail("algorithm", two ? "two objectives need nsga2 (a Pareto front)" : "nsga2 needs two objectives");
  if (spec.algorithm == Algorithm::Bobyqa || spec.algorithm == Algorithm::Cobyla) {
    for (const sweep::Axis& v : spec.variables)
      if (v.integer)
        r.fail("algorithm",
               std::string(algo) + " is for continuous variables; " + v.key + " is an integer (use cmaes or nsga2)");
    if (spec.algorithm == Algorithm::Bobyqa && !spec.constraints.empty())
      r.fail("algorithm", "bobyqa handles bounds only; use cobyla or cmaes for constraints");
    if (spec.variables.size() < 2 && spec.algorithm == Algorithm::Bobyqa)
      r.fail("algorithm", "bobyqa needs at least two variables (use cobyla or cmaes)");
  }
  spec.population = static_cast<int>(r.integer("population", 0, 2, 100'000));
  if (spec.algorithm == Algorithm::Nsga2 && r.has("population") && (spec.population % 2 != 0 || spec.population < 4))
    r.fail("population", "nsga2 needs an even population of at least 4 (offspring come in pairs)");
  // NLopt's methods propose one candidate at a time: a population would be silently ignored
  if ((spec.algorithm == Algorithm::Cobyla || spec.algorithm == Algorithm::Bobyqa) && r.has("population"))
    r.fail("population", std::string(algo) + " evaluates one candidate at a time (population is for cmaes and nsga2)");
  spec.sigma = r.number("sigma", spec.sigma, 1e-6, 1);
  spec.tolerance = r.number("tolerance", spec.tolerance, 0, 1);
  spec.bindingTolerance = r.number("binding_tolerance", spec.bindingTolerance, 0, 1);
  spec.replications = static_cast<int>(r.integer("replications", 1, 1, 100'000));
  spec.seed = static_cast<std::uint64_t>(r.integer("seed", 1, 0, std::numeric_limits<std::int64_t>::max()));
  Reader budget = r.map("budget");
  spec.maxEvaluations = static_cast<long>(budget.integer("evaluations", 0, 1, 10'000'000));
  spec.maxSeconds = budget.number("seconds", 0, 1e-3, 1e9);
  if (spec.maxEvaluations == 0 && spec.maxSeconds == 0)
    budget.fail("expected evaluations: N and/or seconds: S (without a budget the search never ends)");
  budget.finish();
  r.finish();
  return spec;
}

}  // namespace chan::optimize
