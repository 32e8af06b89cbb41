#pragma once
// Designs: where in the unit cube of the swept axes the sweep's points lie.
//   grid    every combination of every axis's levels, the first axis varying slowest
//   random  independent uniform points
//   lhs     Latin hypercube: each axis cut into `samples` strata, each stratum used once
//   sobol   Saltelli (2010): A and B from a 2k-dimensional Sobol sequence; for each of the
//           N samples the block A_j, AB_j^(1..k) (A_j with column i from B_j), B_j
//   morris  r trajectories of k+1 points on a p-level grid, each step moving one axis by
//           delta = p / (2(p-1)) (Morris 1991)
// Random choices come from a stream keyed by the base seed, so a design is a pure function of
// the sweep file.
#include <cstddef>
#include <vector>

#include "sim/sweep/sweep_spec.hpp"

namespace chan::sweep {

/// Point coordinates in [0, 1], one row per point, one column per axis.
using UnitPoints = std::vector<std::vector<double>>;

/// Largest number of design points (and of runs: the run index keys the random streams).
inline constexpr std::size_t kMaxRuns = 50'000'000;

UnitPoints makeDesign(const SweepSpec& spec);

/// The Morris step in unit coordinates for p levels.
double morrisDelta(int levels);

}  // namespace chan::sweep
