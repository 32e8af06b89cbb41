#pragma once
// Scenario YAML -> ScenarioSpec, strictly: unknown keys, wrong types, out-of-range values,
// dangling references and absurd sizes are rejected with file, line and key path.
#include <filesystem>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/core/spec.hpp"
#include "sim/io/yaml_reader.hpp"

namespace chan::io {

/// Loads a scenario file, applies `--set key.path=value` overrides, and validates it.
ScenarioSpec loadScenario(const std::string& file, const std::vector<std::string>& overrides = {});

/// Gives a scenario document without `map_seed` one equal to its own `seed` (1 when it names
/// none), so that overrides of `seed` applied after it (--seed, sweep replications, calibration
/// replications) redraw demand and behaviour on the same map. loadScenario calls it before the
/// overrides; so must any code that reads a scenario file and then applies overrides itself.
void pinMapSeed(YAML::Node& root);

/// Validates an already parsed document (file names the source in messages).
ScenarioSpec parseScenario(const YAML::Node& root, const std::string& file);

/// The fully resolved scenario (every default filled in) in the same schema, so that a
/// run can be repeated from its outputs/.../scenario.resolved.yaml. Imported files (README
/// "Import") are written relative to `base`, the folder the YAML is written to (absolute
/// paths when base is empty).
YAML::Node toYaml(const ScenarioSpec& spec, const std::filesystem::path& base = {});

}  // namespace chan::io
