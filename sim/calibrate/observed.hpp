#pragma once
// Observed data -> moments: each row of an observed file, for each quantity it is matched on,
// becomes one Moment (a sum or ratio over a set of outlets and a range of ticks) that the
// simulator evaluates for any parameter value (sim/calibrate/simulator).
#include <string>
#include <vector>

#include "sim/calibrate/calibration_spec.hpp"

namespace chan::calib {

/// Which outlets a moment adds up.
enum class KeyType { Total, Member, Group, Kind, Territory };
const char* keyTypeName(KeyType k);

struct Moment {
  int source = 0;              // index into CalibrationSpec::observed
  std::string where;           // "file:line" of the row it came from (line 0: aggregated rows)
  KeyType keyType = KeyType::Total;
  std::string key;             // member id, group name, kind name or territory name ("" for Total)
  int firstTick = 1;           // first tick of the period, >= 1
  int lastTick = 0;            // last tick, inclusive (0: the end of the run)
  Quantity quantity = Quantity::Units;
  double observed = 0;
  bool holdout = false;        // predicted, not fitted
};

/// Reads every observed file of the spec (InputError naming file, line and column).
std::vector<Moment> readMoments(const CalibrationSpec& spec);

/// The scale that divides a residual of moment m (Scale of its file; always > 0).
double residualScale(const ObservedSpec& file, const Moment& m);

}  // namespace chan::calib
