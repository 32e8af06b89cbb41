#pragma once
// What the explorer offers to run: the YAML files under a folder, by kind, told apart by their
// top-level keys (a scenario has `members`, a sweep `axes`, an optimisation `variables`), so a
// scenario kept beside its sweeps (scenarios/sweeps/small_channel.yaml) is still a scenario.
#include <filesystem>

#include <nlohmann/json.hpp>

namespace chan::serve {

/// {"scenarios": [...], "sweeps": [...], "optimizations": [...]}: paths relative to `root`,
/// sorted; folders of validation cases, calibration data, imported data and benchmark sizes
/// are left out, as are files that are none of the three (or not YAML mappings).
nlohmann::json catalogue(const std::filesystem::path& root);

}  // namespace chan::serve
