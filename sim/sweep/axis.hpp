#pragma once
// One swept parameter: a `--set` key path (or `scenario`, which picks the base scenario file)
// and the values it takes, written as a list or as a (log) range. Designs place points in the
// unit cube; an axis turns a unit coordinate into the text of its override value, so that
// every design (and the sensitivity estimators) works in the same [0, 1] coordinates.
#include <string>
#include <vector>

namespace chan::sweep {

/// The axis key that selects the base scenario file instead of overriding a value in it.
inline constexpr const char* kScenarioKey = "scenario";

struct Axis {
  std::string key;                  // key path as in --set, or kScenarioKey
  std::string where;                // "file:line:col" of the key in the sweep file, for messages
  std::vector<std::string> values;  // list axis: values as written (empty for a range)
  double from = 0, to = 0;          // range axis: end points, both included
  int steps = 0;                    // range axis: grid levels (0: not given)
  bool log = false;                 // range evenly spaced in log(value)
  bool integer = false;             // range values rounded to whole numbers

  bool isList() const { return !values.empty(); }
  /// Number of levels a grid design gives this axis.
  int levelCount() const;
  /// Unit coordinate of grid level k: k/(steps-1) on a range, the middle of cell k on a list
  /// (so that valueAt maps it back to the k-th value).
  double levelUnit(int k) const;
  /// The override value at unit coordinate u in [0, 1]: a list is cut into equal cells, a range
  /// is interpolated (in log space for log ranges). Numbers keep 12 significant digits so that
  /// grid values read 0.3, not 0.30000000000000004.
  std::string valueAt(double u) const;
};

}  // namespace chan::sweep
