#pragma once
// What a scenario imports from files (README "Import"): the map's geographic origin, member
// tables (one row per member) and consumer points, already projected to km and resolved to
// indices by the loader (sim/io/import/scenario_import.cpp). Kept free of YAML and of
// Boost.Geometry (the imported territory shapes are in sim/core/territory_area.hpp), so that
// every file including the spec stays cheap to compile.
#include <cstddef>
#include <string>
#include <vector>

namespace chan {

/// map.origin: the latitude and longitude of the map's south-west corner (x = 0, y = 0).
struct MapOrigin {
  bool set = false;  // false: the scenario gives no origin (positions are km)
  double lat = 0;    // degrees, -89..89
  double lon = 0;    // degrees, -180..180
};

/// One row of a member table: a member's place and its per-member overrides.
struct ImportedMember {
  std::string id;            // unique within its file
  std::string name;          // "" when the file has no name
  double x = 0, y = 0;       // km east and north of the origin
  int supplier = -1;         // index within the supplier group (-1: the group's supplier_rule)
  int territory = -1;        // index into ScenarioSpec::territories (-1: the one covering x, y)
  double priceFactor = -1;   // multiplies the price its rule sets, 0.01..100 (-1: the group's price_factors)
  double serviceLevel = -1;  // 0..1 (-1: the group's)
  double capacity = -1;      // units it can sell to consumers per tick, >= 0 (-1: unlimited)
  double openingStock = -1;  // units on hand at tick 0, >= 0 (-1: the group's initial_stock)
};

/// A member group's `from_csv` table (count = rows).
struct MemberTable {
  std::string file;  // absolute path (written back relative to the output folder)
  std::vector<ImportedMember> rows;
};

/// consumers.from_csv expanded into consumer agents, in the order the world builder places them.
struct ConsumerTable {
  std::string file;                     // absolute path
  std::vector<double> x, y;             // km, one per agent
  std::vector<std::size_t> segmentEnd;  // agents [segmentEnd[s-1], segmentEnd[s]) belong to segment s
  bool segmentsFromFile = false;        // the file's segment column set them (the shares were not used)
};

}  // namespace chan
