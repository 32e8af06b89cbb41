#pragma once
// The explorer's form: the parameters a strategy team changes most, as controls with the
// documented range, unit and meaning of their key. Core keys (prices, MAP, markups, counts,
// monitoring and enforcement) come from a catalogue whose ranges are the loader's (a test
// checks each bound against the loader); the keys of every mechanism section the scenario uses
// come from the mechanism's schema declaration (sim/core/schema.hpp), as the loader reads them.
#include <nlohmann/json.hpp>

#include "sim/core/spec.hpp"

namespace chan::serve {

/// {"sections": [{"title", "controls": [{"path", "label", "type", "value", "min", "max",
/// "unit", "doc", "options"?}]}], "outlet_groups": [{"name", "kind", "removable"}]} for the
/// loaded scenario. `path` is the key as `--set` takes it; types: number, integer, boolean,
/// choice. An outlet group is removable when no other group names it.
nlohmann::json controlsOf(const ScenarioSpec& spec);

}  // namespace chan::serve
