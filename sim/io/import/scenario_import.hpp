#pragma once
// The scenario keys that read a real channel's files (README "Import"): map.origin, a
// territories entry {geojson, property}, a member group's from_csv and consumers.from_csv.
// Paths are relative to the scenario file; the files are read with the readers of
// sim/io/import/geo_import.hpp and their contents put into the spec (sim/core/imported.hpp),
// so that the world builder needs no file access. Every problem is one InputError: a YAML
// problem at the key (file:line:col: key.path: ...), a problem inside an imported file at its
// line and column.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/core/spec.hpp"
#include "sim/io/yaml_reader.hpp"

namespace chan::io {

/// A territories entry with `geojson: FILE` (and `property`, default "name"): one territory
/// per feature, appended to spec.territories and names in feature order.
void importTerritories(Reader t, ScenarioSpec& spec, std::vector<std::string>& territoryNames);

/// A member group's `from_csv: FILE`: one member per row; supplier ids refer to the rows of
/// the supplier group's own table; territory names to the scenario's territories.
std::shared_ptr<const MemberTable> importMembers(Reader& g, const ScenarioSpec& spec, const MemberGroupSpec& group);

/// consumers.from_csv: round(weight / consumers.weight) agents per point, arranged so that
/// segment s holds agents [segmentEnd[s-1], segmentEnd[s]) (the file's segment column, else
/// the shares, spread over the points by a golden-ratio stride).
std::shared_ptr<const ConsumerTable> importConsumers(Reader& c, const ScenarioSpec& spec,
                                                     const ConsumerSpec& consumers);

/// An imported file's path as written to a resolved scenario: relative to `base` (the folder
/// the YAML goes to) when base is given, else absolute.
std::string writtenPath(const std::string& file, const std::filesystem::path& base);

/// Rewrites the import keys of a scenario document (territories[].geojson, members[].from_csv,
/// consumers.from_csv) written relative to folder `from` so that they work from folder `to`
/// (absolute paths when `to` is empty): for a scenario written somewhere else, such as
/// calibrated.yaml. Returns whether the document has any import key.
bool rebaseImportPaths(YAML::Node& root, const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace chan::io
