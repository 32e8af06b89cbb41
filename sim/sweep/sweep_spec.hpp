#pragma once
// A sweep file, read strictly (unknown keys, wrong types and bad values are rejected with
// file:line:col and the key path, like scenarios):
//
//   description: free text
//   scenario: small_channel.yaml          # base scenario, relative to this file
//   axes:                                 # --set key paths -> values; an axis `scenario`
//                                         # (a list of files) replaces the key above
//     members[3].pricing.markup: [0.3, 0.5, 0.7]                # list (any YAML scalars)
//     members[0].pricing.price: {from: 12, to: 20, steps: 5}    # range; steps: grid only
//     consumers.segments[0].noise: {from: 0.1, to: 10, steps: 5, scale: log}
//     members[3].terms.lead_time: {from: 1, to: 5, steps: 5, integer: true}
//   design: grid                          # or {type: random|lhs|sobol, samples: N}
//                                         # or {type: morris, trajectories: r, levels: p}
//   replications: 5                       # runs per design point (default 1)
//   base_seed: 7                          # run seeds are hashed from it (default 1)
//   metrics: [conflict.index, margin.channel_profit]   # summary.json names, checked
//   summary_only: false                   # true: run directories keep summary.json only
#include <cstdint>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/sweep/axis.hpp"

namespace chan::sweep {

enum class DesignType { Grid, Random, Lhs, Sobol, Morris };

struct DesignSpec {
  DesignType type = DesignType::Grid;
  int samples = 0;       // random, lhs: points; sobol: base samples N, giving N(k+2) points
  int trajectories = 0;  // morris: r trajectories of k+1 points each
  int levels = 4;        // morris: p, the grid levels of each axis (even)
};

/// Largest Sobol design: Saltelli's scheme needs 2k sequence dimensions (see sobol_sequence).
inline constexpr int kMaxSobolAxes = 10;

struct SweepSpec {
  std::string file;           // the sweep file (messages, relative scenario paths)
  std::string scenario;       // base scenario as written (empty with a scenario axis)
  std::string scenarioWhere;  // "file:line:col" of the scenario key, for messages
  std::vector<Axis> axes;
  DesignSpec design;
  int replications = 1;
  std::uint64_t baseSeed = 1;
  std::vector<std::string> metrics;      // dotted summary names
  std::vector<std::string> metricWhere;  // "file:line:col" of each metric, for messages
  bool summaryOnly = false;              // run directories keep summary.json only
  YAML::Node source;                     // the document as read, copied into the output directory
};

/// Loads and validates a sweep file. Does not open the scenario (see validate.hpp).
SweepSpec loadSweep(const std::string& file);

/// Validates an already parsed sweep document (file names the source in messages and is the
/// directory that relative scenario paths are resolved against).
SweepSpec parseSweep(const YAML::Node& source, const std::string& file);

const char* designName(DesignType type);

/// A scenario path as written in the sweep, resolved against the sweep file's directory.
std::string resolvePath(const SweepSpec& spec, const std::string& path);

}  // namespace chan::sweep
