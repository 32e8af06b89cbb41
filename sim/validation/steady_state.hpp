#pragma once
// Runs an engine scenario and reads one steady-state tick: the last tick's profit, price and
// units of every member, so that set-up transients (opening stock, empty pipelines) are not
// averaged into per-tick figures that the closed forms describe.
#include <string>
#include <vector>

#include "sim/core/spec.hpp"

namespace chan::validation {

struct SteadyTick {
  std::vector<double> profit;     // per member, last tick
  std::vector<double> unitsSold;  // per member, last tick
  std::vector<double> price;      // per member, after the last tick
  std::vector<double> service;    // per member: service level after the last tick
  double consumerUnits = 0;       // units bought by consumers in the last tick
};

/// Runs spec for spec.ticks ticks (conservation checked every tick) and returns the last one.
SteadyTick runSteady(ScenarioSpec spec);

/// Parses a generated scenario (YAML text) as the loader would; `name` labels messages. When a
/// dump directory is set, the text is also written there as <name>.yaml, for `chansim run`.
ScenarioSpec scenarioFromText(const std::string& yaml, const std::string& name);

/// Directory that scenarioFromText writes generated scenarios into (empty: none).
void setScenarioDumpDirectory(const std::string& dir);

/// When on, runSteady returns all-zero ticks (sized to the scenario's member groups) without
/// running the engine: the validation fuzz target (tests/fuzz) uses it to check how cases read
/// their parameters and generate scenarios at thousands of inputs per second. Off by default.
void setParseOnly(bool on);
/// Whether setParseOnly is on: cases that simulate without the engine then shrink their sample
/// sizes to the smallest their parameters allow (bullwhip, inventory) or stop once their
/// parameters are read and checked (spatial).
bool parseOnly();

/// std::to_string loses digits; this keeps every one (shortest round trip).
std::string num(double v);

}  // namespace chan::validation
