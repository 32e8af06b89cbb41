#pragma once
// An optimisation file (chansim optimize), read strictly like scenarios and sweeps: unknown
// keys, wrong types and bad values are one io::InputError with file:line:col and key path.
//
//   description: free text
//   scenario: ../map_enforcement.yaml          # base scenario, relative to this file
//   variables:                                 # --set key paths -> bounds
//     brands[0].min_advertised_price: {from: 20, to: 30}            # continuous
//     members[2].count: {from: 5, to: 40, integer: true, start: 30} # integer; start point
//     consumers.segments[0].noise: {from: 0.1, to: 10, scale: log}
//   objective: {maximize: margin.manufacturer_profit}   # one summary key, or two for a front:
//   # objectives: [{maximize: margin.channel_profit}, {minimize: conflict.index}]
//   constraints:                               # on the replication mean of summary keys
//     - {metric: coverage.fill_rate, min: 0.95}
//     - {metric: conflict.index, max: 0.2}
//   algorithm: cmaes             # cmaes | cobyla | bobyqa | nsga2 (default: cmaes, nsga2 for two)
//   population: 8                # candidates per generation (cmaes lambda, nsga2 size)
//   sigma: 0.25                  # cmaes first step, as a share of each variable's range
//   tolerance: 1e-4              # stop when steps shrink below this share of the ranges
//   binding_tolerance: 0.01      # a met bound "binds" when its slack is below this share of it
//   replications: 4              # runs per candidate, with common random numbers
//   seed: 1                      # the replications' seeds and the algorithm's draws
//   budget: {evaluations: 200, seconds: 3600}   # stop at whichever comes first
#include <cstdint>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/sweep/axis.hpp"

namespace chan::optimize {

enum class Algorithm { Cmaes, Cobyla, Bobyqa, Nsga2 };

/// One objective: a summary key, maximised or minimised (mean over replications).
struct Objective {
  std::string metric;
  bool maximize = true;
  std::string where;  // "file:line:col", for messages
};

/// One constraint on the replication mean of a summary key: min <= mean <= max.
struct Constraint {
  std::string metric;
  bool hasMin = false, hasMax = false;
  double min = 0, max = 0;  // in the metric's units
  std::string where;
};

struct OptSpec {
  std::string file;           // the optimisation file (messages, relative scenario path)
  std::string scenario;       // base scenario as written
  std::string scenarioWhere;  // "file:line:col" of the scenario key
  /// Decision variables as sweep range axes (from, to, integer, log); the optimiser works in
  /// their unit cube and Axis::valueAt turns a coordinate into the override's text.
  std::vector<sweep::Axis> variables;
  std::vector<double> start;            // unit coordinate of each variable's first mean (default 0.5)
  std::vector<Objective> objectives;    // one or two
  std::vector<Constraint> constraints;  // may be empty
  Algorithm algorithm = Algorithm::Cmaes;
  int population = 0;              // candidates per generation, 2..100000; 0: cmaes 4 + floor(3 ln n), nsga2 4n + 4
  double sigma = 0.25;             // cmaes initial step size in unit coordinates, (0, 1]
  double tolerance = 1e-4;         // stop when the step size falls below this (unit coordinates)
  double bindingTolerance = 0.01;  // a met bound binds when its slack is below this share of max(1, |bound|)
  int replications = 1;
  std::uint64_t seed = 1;
  long maxEvaluations = 0;  // candidates proposed; 0: no limit (then seconds must be set)
  double maxSeconds = 0;    // wall time of this process; 0: no limit
  YAML::Node source;        // the document as read, copied into the output directory
};

/// Loads and validates an optimisation file. Does not open the scenario (see optimizer.hpp).
OptSpec loadOptSpec(const std::string& file);

const char* algorithmName(Algorithm a);

/// Every summary key the optimisation reads: the objectives, then the constraints' keys not
/// already listed.
std::vector<std::string> metricNames(const OptSpec& spec);

}  // namespace chan::optimize
