#pragma once
// Validation cases: published channel economics (../shared/VALIDATION.md, README "Validation")
// reproduced by agents through their own behaviour. A case reads its parameters, runs the
// agents (engine runs, best-response iterations, simulated inventory policies) and returns
// rows pairing each simulated quantity with the published closed form evaluated at the same
// parameters. The closed form is never used to produce the simulated value.
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "sim/io/yaml_reader.hpp"

namespace chan::validation {

struct Row {
  std::string variant;    // e.g. "n=3", "interior"
  std::string quantity;   // e.g. "price tier 2"
  double published = 0;   // closed form at the case's parameters
  double simulated = 0;   // what the agents reached
  double tolerance = 0;   // relative (or absolute when published is 0)
  double error() const {
    const double diff = std::fabs(simulated - published);
    return published != 0 ? diff / std::fabs(published) : diff;
  }
  bool pass() const { return std::isfinite(simulated) && error() <= tolerance; }
};

/// A case reads its parameters (strictly, through Reader) and appends rows.
using CaseFunction = std::function<void(io::Reader& parameters, std::vector<Row>& rows)>;

struct CaseInfo {
  std::string name;       // as in the case file's `case:` key
  std::string reference;  // citation
  CaseFunction run;
};

/// Every case, in the order of VALIDATION.md.
const std::vector<CaseInfo>& allCases();

/// Tolerances of VALIDATION.md: deterministic runs, iterated or grid-based searches.
inline constexpr double kDeterministicTol = 1e-6;
inline constexpr double kIterativeTol = 1e-4;

}  // namespace chan::validation
