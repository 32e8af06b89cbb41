#include "sim/optimize/optimizer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <stdexcept>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "sim/io/atomic_file.hpp"
#include "sim/io/run_output.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/io/yaml_reader.hpp"
#include "sim/optimize/nsga2.hpp"
#include "sim/sweep/csv_writer.hpp"
#include "sim/sweep/output_dir.hpp"
#include "sim/sweep/runner.hpp"
#include "sim/sweep/stats.hpp"
#include "sim/sweep/validate.hpp"

namespace chan::optimize {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

constexpr const char* kCopy = "optimize.yaml";

std::string emitted(const YAML::Node& node) {
  YAML::Emitter out;
  out << node;
  return std::string(out.c_str()) + "\n";
}

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : separator) + s;
  return out;
}

/// A candidate simulated once: its values and, per metric, the replications' interval.
struct Candidate {
  std::vector<double> unit;              // repaired unit coordinates
  std::vector<std::string> values;       // override values, in variable order
  std::vector<sweep::Interval> metrics;  // per SweepSpec metric (names, then headline)
  Score score;
};

/// One row of history.csv: a proposal (a repeated proposal reuses its candidate).
struct Proposal {
  long generation = 0;
  std::size_t candidate = 0;
};

Json intervalJson(const sweep::Interval& i) {
  Json j = Json::object();
  const auto num = [](double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); };  // JSON has no NaN
  j["mean"] = num(i.mean);
  j["ci_low"] = num(i.low);
  j["ci_high"] = num(i.high);
  return j;
}

class SimProblem final : public Problem {
 public:
  SimProblem(const OptSpec& spec, const OptimizeOptions& options, const sweep::MpiSession& mpi,
             sweep::SweepSpec sweepSpec)
      : m_spec(spec), m_options(options), m_mpi(mpi), m_sweep(std::move(sweepSpec)), m_names(metricNames(spec)) {}

  bool budgetLeft() const override {
    if (m_spec.maxEvaluations > 0 && static_cast<long>(m_proposals.size()) >= m_spec.maxEvaluations) return false;
    if (m_spec.maxSeconds <= 0) return true;
    // the leader's clock decides for every rank, so that all ranks run the same generations
    const bool late = m_mpi.rank() == 0 && seconds() >= m_spec.maxSeconds;
    return m_mpi.sum(late ? 1 : 0) == 0;
  }

  std::vector<Score> evaluate(const std::vector<std::vector<double>>& points) override {
    const long generation = m_generation++;
    std::vector<std::size_t> ids, fresh;
    for (const auto& p : points) {
      Candidate c;
      c.unit = p;
      for (std::size_t d = 0; d < p.size(); ++d) c.values.push_back(m_spec.variables[d].valueAt(p[d]));
      const std::string key = joined(c.values, "\x1f");
      auto [it, added] = m_index.emplace(key, m_candidates.size());
      if (added) {
        fresh.push_back(m_candidates.size());
        m_candidates.push_back(std::move(c));
      }
      ids.push_back(it->second);
      m_proposals.push_back({generation, it->second});
    }
    if (!fresh.empty()) simulate(fresh);
    std::vector<Score> scores;
    for (std::size_t id : ids) scores.push_back(m_candidates[id].score);
    if (m_mpi.rank() == 0) {
      writeHistory();
      if (!m_options.quiet) progress(generation);
    }
    return scores;
  }

  /// The base scenario's replications (same seeds as every candidate's).
  std::vector<sweep::Interval> simulateBase() {
    sweep::SweepSpec base = m_sweep;
    base.axes.clear();
    const sweep::Plan plan(base, sweep::UnitPoints{std::vector<double>{}}, true);
    std::vector<std::size_t> runs;
    for (std::size_t run = static_cast<std::size_t>(m_mpi.rank()); run < plan.runs();
         run += static_cast<std::size_t>(m_mpi.size()))
      if (!sweep::isComplete(sweep::runDir(m_options.out / "base", run))) runs.push_back(run);
    m_mpi.together([&] { sweep::executeRuns(plan, m_options.out / "base", runs, m_options.threads, [] {}); });
    return intervals(m_options.out / "base", 0);
  }

  std::size_t bestCandidate() const {
    std::size_t best = 0;
    for (std::size_t c = 1; c < m_candidates.size(); ++c)
      if (better(m_candidates[c].score, m_candidates[best].score)) best = c;
    return best;
  }

  /// Feasible candidates on the first front of the two objectives, by the first objective.
  std::vector<std::size_t> front() const {
    std::vector<std::size_t> feasible;
    std::vector<Score> scores;
    for (std::size_t c = 0; c < m_candidates.size(); ++c)
      if (m_candidates[c].score.violation == 0) {
        feasible.push_back(c);
        scores.push_back(m_candidates[c].score);
      }
    const std::vector<int> level = frontOf(scores);
    std::vector<std::size_t> out;
    for (std::size_t k = 0; k < feasible.size(); ++k)
      if (level[k] == 0) out.push_back(feasible[k]);
    std::stable_sort(out.begin(), out.end(), [&](std::size_t a, std::size_t b) {
      return m_candidates[a].score.f[0] < m_candidates[b].score.f[0];
    });
    return out;
  }

  const std::vector<Candidate>& candidates() const { return m_candidates; }
  std::size_t proposals() const { return m_proposals.size(); }
  double seconds() const { return std::chrono::duration<double>(Clock::now() - m_start).count(); }

 private:
  void simulate(const std::vector<std::size_t>& fresh) {
    sweep::UnitPoints design;
    for (const Candidate& c : m_candidates) design.push_back(c.unit);
    const sweep::Plan plan(m_sweep, std::move(design), true);
    const auto reps = static_cast<std::size_t>(m_spec.replications);
    std::vector<std::size_t> runs;
    for (std::size_t c : fresh)
      for (std::size_t run = c * reps; run < (c + 1) * reps; ++run)
        if (run % static_cast<std::size_t>(m_mpi.size()) == static_cast<std::size_t>(m_mpi.rank()) &&
            !sweep::isComplete(sweep::runDir(m_options.out, run)))
          runs.push_back(run);
    m_mpi.together([&] {
      sweep::validatePoints(plan, runs);
      sweep::executeRuns(plan, m_options.out, runs, m_options.threads, [] {});
    });
    for (std::size_t c : fresh) {
      Candidate& cand = m_candidates[c];
      cand.metrics = intervals(m_options.out, c);
      std::vector<double> means;
      for (std::size_t m = 0; m < m_names.size(); ++m) means.push_back(cand.metrics[m].mean);
      cand.score = scoreOf(m_spec, means);
    }
  }

  /// Per metric, the interval over the replications of point `point` in directory `out`.
  std::vector<sweep::Interval> intervals(const fs::path& out, std::size_t point) const {
    const auto reps = static_cast<std::size_t>(m_spec.replications);
    std::vector<std::vector<double>> values(m_sweep.metrics.size());
    for (std::size_t run = point * reps; run < (point + 1) * reps; ++run) {
      const fs::path file = sweep::runDir(out, run) / "run.json";
      std::ifstream in(file);
      const Json record = Json::parse(in, nullptr, false);
      if (record.is_discarded() || !record.contains("metrics"))
        throw std::runtime_error(file.string() + ": not a run record");
      for (std::size_t m = 0; m < m_sweep.metrics.size(); ++m) {
        const auto it = record["metrics"].find(m_sweep.metrics[m]);
        if (it == record["metrics"].end())
          throw std::runtime_error(file.string() + ": no metric " + m_sweep.metrics[m]);
        values[m].push_back(it->is_null() ? std::numeric_limits<double>::quiet_NaN() : it->get<double>());
      }
    }
    std::vector<sweep::Interval> result;
    for (const auto& v : values) result.push_back(sweep::meanInterval(v));
    return result;
  }

  void writeHistory() const {
    sweep::CsvWriter csv(m_options.out / "history.csv");
    std::vector<std::string> header = {"evaluation", "generation", "candidate"};
    for (const sweep::Axis& v : m_spec.variables) header.push_back(v.key);
    for (const std::string& name : m_names)
      for (const char* s : {".mean", ".ci_low", ".ci_high"}) header.push_back(name + s);
    header.insert(header.end(), {"feasible", "violation"});
    const bool single = m_spec.objectives.size() == 1;
    if (single) header.push_back("best");  // the best objective so far, feasibility first (convergence curve)
    csv.row(header);
    std::size_t best = 0;
    for (std::size_t e = 0; e < m_proposals.size(); ++e) {
      const Candidate& c = m_candidates[m_proposals[e].candidate];
      if (e == 0 || better(c.score, m_candidates[best].score)) best = m_proposals[e].candidate;
      std::vector<std::string> row = {std::to_string(e), std::to_string(m_proposals[e].generation),
                                      std::to_string(m_proposals[e].candidate)};
      row.insert(row.end(), c.values.begin(), c.values.end());
      for (std::size_t m = 0; m < m_names.size(); ++m)
        for (double v : {c.metrics[m].mean, c.metrics[m].low, c.metrics[m].high}) row.push_back(io::formatNumber(v));
      row.push_back(c.score.violation == 0 ? "1" : "0");
      row.push_back(io::formatNumber(c.score.violation));
      if (single) row.push_back(io::formatNumber(m_candidates[best].metrics[0].mean));
      csv.row(row);
    }
    csv.commit();
  }

  void progress(long generation) const {
    std::size_t feasible = 0;
    for (const Proposal& p : m_proposals) feasible += m_candidates[p.candidate].score.violation == 0 ? 1 : 0;
    const Candidate& best = m_candidates[bestCandidate()];
    char line[512];
    std::snprintf(
        line, sizeof line,
        "optimize: generation %ld, %zu evaluations (%zu simulated), best %s = %s%s, feasible %.0f%%, %.1f s\n",
        generation, m_proposals.size(), m_candidates.size(), m_names[0].c_str(),
        io::formatNumber(best.metrics[0].mean).c_str(), best.score.violation == 0 ? "" : " (infeasible)",
        100.0 * static_cast<double>(feasible) / static_cast<double>(m_proposals.size()), seconds());
    std::cerr << line << std::flush;
  }

  const OptSpec& m_spec;
  const OptimizeOptions& m_options;
  const sweep::MpiSession& m_mpi;
  sweep::SweepSpec m_sweep;
  std::vector<std::string> m_names;  // objectives and constraints (the first m_names.size() metrics)
  std::vector<Candidate> m_candidates;
  std::map<std::string, std::size_t> m_index;  // values -> candidate
  std::vector<Proposal> m_proposals;
  long m_generation = 0;
  const Clock::time_point m_start = Clock::now();
};

/// Scenario and variables load, and every objective and constraint names a summary key.
std::vector<std::string> validate(const OptSpec& spec, const sweep::SweepSpec& sw) {
  const std::string file = sweep::resolvePath(sw, spec.scenario);
  try {
    io::loadScenario(file);
  } catch (const io::InputError& e) {
    throw io::InputError(spec.scenarioWhere + ": scenario: " + e.what());
  }
  std::vector<std::string> sets;
  for (std::size_t d = 0; d < spec.variables.size(); ++d) {
    const sweep::Axis& v = spec.variables[d];
    const std::string set = v.key + "=" + v.valueAt(spec.start[d]);
    try {
      io::loadScenario(file, {set});
    } catch (const io::InputError& e) {
      throw io::InputError(v.where + ": variables." + v.key + ": " + e.what());
    }
    sets.push_back(set);
  }
  const std::vector<std::string> names = sweep::summaryNames(file, sets);
  const auto check = [&](const std::string& metric, const std::string& where, const std::string& path) {
    if (std::find(names.begin(), names.end(), metric) != names.end()) return;
    const std::string near = io::closestMatch(metric, names);
    throw io::InputError(
        where + ": " + path + ": " + file + " has no summary key '" + metric + "'" +
        (near.empty() ? " (see chansim run's summary.json for the keys)" : " (did you mean '" + near + "'?)"));
  };
  for (std::size_t k = 0; k < spec.objectives.size(); ++k)
    check(spec.objectives[k].metric, spec.objectives[k].where,
          spec.objectives.size() == 1 ? "objective" : "objectives[" + std::to_string(k) + "]");
  for (std::size_t k = 0; k < spec.constraints.size(); ++k)
    check(spec.constraints[k].metric, spec.constraints[k].where, "constraints[" + std::to_string(k) + "].metric");
  return names;
}

void claim(const OptSpec& spec, const fs::path& out) {
  const fs::path copy = out / kCopy;
  const std::string text = emitted(spec.source);
  if (fs::exists(copy)) {
    if (emitted(io::loadYamlFile(copy.string())) != text)
      throw io::InputError(out.string() + ": holds another optimisation (its " + kCopy + " differs from " + spec.file +
                           "); choose another --out or remove it");
    return;
  }
  fs::create_directories(out);
  io::writeFileAtomic(copy, "# chansim optimisation file, copied from " + spec.file + "\n" + text);
}

Json candidateJson(const OptSpec& spec, const sweep::SweepSpec& sw, const Candidate& c, std::size_t id) {
  Json j = Json::object();
  j["candidate"] = id;
  Json values = Json::object();
  for (std::size_t d = 0; d < spec.variables.size(); ++d) values[spec.variables[d].key] = c.values[d];
  j["values"] = values;
  j["feasible"] = c.score.violation == 0;
  Json metrics = Json::object();
  for (std::size_t m = 0; m < sw.metrics.size(); ++m) metrics[sw.metrics[m]] = intervalJson(c.metrics[m]);
  j["metrics"] = metrics;
  return j;
}

}  // namespace

const std::vector<std::string>& headlineMetrics() {
  static const std::vector<std::string> names = {"sales.units",           "sales.revenue",
                                                 "margin.channel_profit", "margin.manufacturer_profit",
                                                 "conflict.index",        "coverage.fill_rate"};
  return names;
}

Outcome runOptimization(const OptSpec& spec, const OptimizeOptions& options, const sweep::MpiSession& mpi) {
  const auto start = Clock::now();
  sweep::SweepSpec sw;
  sw.file = spec.file;
  sw.scenario = spec.scenario;
  sw.scenarioWhere = spec.scenarioWhere;
  sw.axes = spec.variables;
  sw.replications = spec.replications;
  sw.baseSeed = spec.seed;
  sw.summaryOnly = true;
  sw.source = spec.source;
  sw.metrics = metricNames(spec);
  mpi.together([&] {
    const std::vector<std::string> available = validate(spec, sw);
    for (const std::string& h : headlineMetrics())
      if (std::find(sw.metrics.begin(), sw.metrics.end(), h) == sw.metrics.end() &&
          std::find(available.begin(), available.end(), h) != available.end())
        sw.metrics.push_back(h);
    if (mpi.rank() == 0) claim(spec, options.out);
  });

  SimProblem problem(spec, options, mpi, sw);
  const std::vector<sweep::Interval> base = problem.simulateBase();
  Outcome outcome;
  outcome.stop = search(spec, problem);
  outcome.evaluations = problem.proposals();
  outcome.simulated = problem.candidates().size();
  outcome.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (mpi.rank() != 0 || problem.candidates().empty()) return outcome;

  // ---- outputs (the leader): best.yaml, optimum.json, pareto.csv
  const auto& cands = problem.candidates();
  const std::size_t best = problem.bestCandidate();
  const Candidate& b = cands[best];
  Json j = Json::object();
  j["optimisation"] = spec.file;
  j["algorithm"] = algorithmName(spec.algorithm);
  j["evaluations"] = outcome.evaluations;
  j["simulated"] = outcome.simulated;
  j["replications"] = spec.replications;
  j["stop"] = outcome.stop == StopReason::Converged ? "converged" : "budget";
  Json objectives = Json::array();
  for (const Objective& o : spec.objectives) objectives.push_back({{o.maximize ? "maximize" : "minimize", o.metric}});
  j["objectives"] = objectives;
  j["best"] = candidateJson(spec, sw, b, best);
  Json constraints = Json::array();
  std::size_t g = 0;
  std::string bindingNote;
  for (const Constraint& c : spec.constraints) {
    const std::size_t m =
        static_cast<std::size_t>(std::find(sw.metrics.begin(), sw.metrics.end(), c.metric) - sw.metrics.begin());
    for (int side = 0; side < 2; ++side) {
      if ((side == 0 && !c.hasMin) || (side == 1 && !c.hasMax)) continue;
      const double slack = -b.score.g[g++];  // in shares of max(1, |bound|)
      const bool binding = slack >= 0 && slack <= spec.bindingTolerance;
      Json k = Json::object();
      k["metric"] = c.metric;
      k[side == 0 ? "min" : "max"] = side == 0 ? c.min : c.max;
      k["mean"] = b.metrics[m].mean;
      k["satisfied"] = slack >= 0;
      k["binding"] = binding;
      constraints.push_back(k);
      if (binding)
        bindingNote += "optimize: constraint " + c.metric + (side == 0 ? " >= " : " <= ") +
                       io::formatNumber(side == 0 ? c.min : c.max) + " binds at the best (mean " +
                       io::formatNumber(b.metrics[m].mean) + ")\n";
    }
  }
  j["best"]["constraints"] = constraints;
  Json baseMetrics = Json::object();
  for (std::size_t m = 0; m < sw.metrics.size(); ++m) baseMetrics[sw.metrics[m]] = intervalJson(base[m]);
  j["base"] = {{"metrics", baseMetrics}};

  if (spec.objectives.size() == 2) {
    sweep::CsvWriter csv(options.out / "pareto.csv");
    std::vector<std::string> header = {"candidate"};
    for (const sweep::Axis& v : spec.variables) header.push_back(v.key);
    for (const std::string& name : metricNames(spec))
      for (const char* s : {".mean", ".ci_low", ".ci_high"}) header.push_back(name + s);
    csv.row(header);
    Json front = Json::array();
    for (std::size_t c : problem.front()) {
      std::vector<std::string> row = {std::to_string(c)};
      row.insert(row.end(), cands[c].values.begin(), cands[c].values.end());
      for (std::size_t m = 0; m < metricNames(spec).size(); ++m)
        for (double v : {cands[c].metrics[m].mean, cands[c].metrics[m].low, cands[c].metrics[m].high})
          row.push_back(io::formatNumber(v));
      csv.row(row);
      front.push_back(candidateJson(spec, sw, cands[c], c));
    }
    csv.commit();
    j["front"] = front;
  }
  io::writeFileAtomic(options.out / "optimum.json", j.dump(2) + "\n");

  // best.yaml: the base scenario document with the best values written in
  YAML::Node doc = io::loadYamlFile(sweep::resolvePath(sw, spec.scenario));
  std::string header = "# " + spec.scenario + " with the best candidate of " + spec.file + " (" +
                       algorithmName(spec.algorithm) + ", " + std::to_string(outcome.evaluations) + " evaluations)\n";
  for (std::size_t d = 0; d < spec.variables.size(); ++d) {
    io::applyOverride(doc, spec.variables[d].key + "=" + b.values[d]);
    header += "#   " + spec.variables[d].key + " = " + b.values[d] + "\n";
  }
  io::writeFileAtomic(options.out / "best.yaml", header + emitted(doc));

  if (!options.quiet) {
    std::string line = "optimize: " + std::to_string(outcome.evaluations) + " evaluations (" +
                       std::to_string(outcome.simulated) + " simulated x " + std::to_string(spec.replications) +
                       " replications), stopped by " +
                       (outcome.stop == StopReason::Converged ? "convergence" : "budget") + ", " +
                       io::formatNumber(std::round(outcome.seconds * 10) / 10) + " s\noptimize: best";
    for (std::size_t d = 0; d < spec.variables.size(); ++d) line += " " + spec.variables[d].key + "=" + b.values[d];
    line += ": " + sw.metrics[0] + " = " + io::formatNumber(b.metrics[0].mean) +
            (b.score.violation == 0 ? "" : " (no feasible candidate found)") + "\n";
    std::cerr << line << bindingNote << std::flush;
  }
  return outcome;
}

}  // namespace chan::optimize
