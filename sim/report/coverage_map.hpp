#pragma once
// The coverage section of a run report: the territories as a map with the members at the
// positions the run gave them (rebuilt from the resolved scenario with buildWorld, since
// members.csv holds no coordinates), outlets sized by their stock-out ticks, supply links,
// consumer density, and coverage by territory as a table.
#include <optional>
#include <string>

#include "sim/core/spec.hpp"
#include "sim/report/csv_table.hpp"

namespace chan::report {

/// scenario: the run's scenario.resolved.yaml (nullopt: a note instead of the map); members:
/// its members.csv (rows in member id order; nullopt or another member count: no figures).
std::string coverageSection(const std::optional<ScenarioSpec>& scenario, const std::optional<CsvTable>& members);

}  // namespace chan::report
