#pragma once
// The stock and orders section of a run report, from member_timeseries.csv (the optional
// per-member daily panel, scenario key outputs.member_timeseries): per member group, what it
// held, had on order, ordered, sold and failed to sell each day, so that a result can be traced
// to the days and the tier it came from.
#include <string>

#include "sim/report/csv_table.hpp"

namespace chan::report {

/// The section (id "panel"): a table of the groups, the group with the most lost units first,
/// and one chart per group that holds stock or orders. A table without the panel's columns
/// gives a note instead.
std::string memberPanelSection(const CsvTable& panel);

}  // namespace chan::report
