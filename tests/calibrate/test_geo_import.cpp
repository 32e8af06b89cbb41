// sim/io/import/geo_import: projection, GeoJSON territories with point-in-polygon, member
// tables and population grids, on the shipped fictional example (scenarios/data/verdania_*)
// and inline files.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "sim/io/import/geo_import.hpp"
#include "sim/io/yaml_reader.hpp"

using namespace chan::io;

namespace {

const std::string kData = std::string(CHAN_SOURCE_DIR) + "/scenarios/data/";
const GeoOrigin kVerdania{45.0, 10.0};  // make_verdania.py: the map's south-west corner

std::string writeTemp(const std::string& name, const std::string& text) {
  const auto file = std::filesystem::temp_directory_path() / ("chan_import_" + name);
  std::ofstream(file) << text;
  return file.string();
}

std::string errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("one degree of latitude projects to R pi / 180 km, one of longitude to that times cos(lat0)", "[import]") {
  const double degree = 6371.0088 * 3.141592653589793 / 180;  // 111.195 km
  const KmPoint north = projectToKm(46, 10, GeoOrigin{45, 10});
  CHECK(north.x == Approx(0).margin(1e-12));
  CHECK(north.y == Approx(degree).epsilon(1e-12));
  const KmPoint east = projectToKm(60, 11, GeoOrigin{60, 10});
  CHECK(east.x == Approx(degree * 0.5).epsilon(1e-12));  // cos 60 deg = 1/2
}

TEST_CASE("a rectangle territory covers its boundary and nothing outside", "[import]") {
  const std::vector<TerritoryShape> t{rectangleTerritory("west", 0, 0, 50, 100), rectangleTerritory("east", 50, 0, 100, 100)};
  CHECK(territoryAt(t, 10, 10) == 0);
  CHECK(territoryAt(t, 50, 10) == 0);  // on the shared edge: the first, as the rectangles always did
  CHECK(territoryAt(t, 75, 100) == 1);
  CHECK(territoryAt(t, 101, 10) == -1);
}

TEST_CASE("every Verdania outlet lies in the province its row names, by point-in-polygon", "[import]") {
  // the generator assigns provinces by its own boundary rule (piecewise-linear lines and an
  // island square); Boost.Geometry on the GeoJSON polygons must agree for all 300 outlets
  const auto provinces = readGeoJsonTerritories(kData + "verdania_provinces.geojson", "name", kVerdania);
  REQUIRE(provinces.size() == 5);
  std::vector<std::string> names;
  for (const auto& p : provinces) names.push_back(p.name);
  const auto outlets = readMemberTable(kData + "verdania_outlets.csv", names, kVerdania);
  REQUIRE(outlets.size() == 300);
  int agree = 0;
  for (const auto& o : outlets) agree += territoryAt(provinces, o.position.x, o.position.y) == o.territory;
  CHECK(agree == 300);
  // the island (a second polygon of Estrel's MultiPolygon) and the sea between
  CHECK(provinces[static_cast<std::size_t>(territoryAt(provinces, 210, 66))].name == "Estrel");
  CHECK(territoryAt(provinces, 203, 66) == -1);
}

TEST_CASE("Verdania outlets name distributors that exist, and the population grid adds up", "[import]") {
  const std::vector<std::string> names{"Altmark", "Bresco", "Calvera", "Dunmoor", "Estrel"};
  const auto distributors = readMemberTable(kData + "verdania_distributors.csv", names, kVerdania);
  std::set<std::string> ids;
  for (const auto& d : distributors) ids.insert(d.id);
  for (const auto& o : readMemberTable(kData + "verdania_outlets.csv", names, kVerdania)) {
    CHECK(ids.count(o.supplierId) == 1);
    CHECK(o.priceFactor >= 0.9);
    CHECK(o.priceFactor <= 1.1);
  }
  const auto grid = readConsumerPoints(kData + "verdania_population.csv", {}, kVerdania, 220, 150);
  double people = 0;
  for (const auto& c : grid) people += c.weight;
  CHECK(people > 0);
}

TEST_CASE("population points become round(weight / agent weight) agents each", "[import]") {
  const auto file = writeTemp("pop.csv", "x,y,weight,segment\n1,1,37,young\n2,2,4,old\n3,3,0,young\n");
  const auto points = readConsumerPoints(file, {"young", "old"}, std::nullopt, 10, 10);
  REQUIRE(points.size() == 3);
  CHECK(points[1].segment == 1);
  const auto agents = expandToAgents(points, 10);  // 37 -> 4, 4 -> 0, 0 -> 0
  REQUIRE(agents.size() == 4);
  CHECK(agents[3].position.x == 1);
}

TEST_CASE("import file errors name the file, the line and the column", "[import]") {
  const auto bad = writeTemp("bad.csv", "id,lat,lon\nA,45.1,10.2\nB,95,10.3\n");
  CHECK_THAT(errorOf([&] { readMemberTable(bad, {}, kVerdania); }), Catch::Contains("bad.csv:3:3: lat: 95 is out of range"));
  const auto typo = writeTemp("typo.csv", "id,x,y,territory\nA,1,1,Bresko\n");
  CHECK_THAT(errorOf([&] { readMemberTable(typo, {"Altmark", "Bresco"}, std::nullopt); }),
             Catch::Contains("typo.csv:2:7: territory: unknown territory 'Bresko' (did you mean 'Bresco'?)"));
  const auto geo = writeTemp("geo.csv", "id,lat,lon\nA,45.1,10.2\n");
  CHECK_THAT(errorOf([&] { readMemberTable(geo, {}, std::nullopt); }), Catch::Contains("lat/lon positions need map.origin"));
  const auto off = writeTemp("off.csv", "x,y,weight\n1,1,5\n11,1,5\n");
  CHECK_THAT(errorOf([&] { readConsumerPoints(off, {}, std::nullopt, 10, 10); }), Catch::Contains("off.csv:3:1: x: position (11, 1)"));
  const auto syntax = writeTemp("syntax.geojson", "{\"type\": \"FeatureCollection\",\n \"features\": [,]}\n");
  CHECK_THAT(errorOf([&] { readGeoJsonTerritories(syntax, "name", std::nullopt); }), Catch::Contains("syntax.geojson:2:15: invalid JSON"));
  const auto open = writeTemp("open.geojson", R"({"type": "FeatureCollection", "features": [{"type": "Feature",
    "properties": {"name": "a"}, "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,2]]]}}]})");
  CHECK_THAT(errorOf([&] { readGeoJsonTerritories(open, "name", std::nullopt); }),
             Catch::Contains("open.geojson:2:82: features[0].geometry.coordinates[0]: the ring is not closed"));
}

TEST_CASE("a structure error under a property name holding a bracket is still located, at its parent", "[import]") {
  const auto file = writeTemp("bracket.geojson", R"({"type": "FeatureCollection", "features": [{"type": "Feature",
    "properties": {"name": "a"}, "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}}]})");
  // properties["a[b"] is missing: the error names the path and the position of "properties"'s
  // value, the '{' at line 2, column 19 (4 spaces and 14 characters before it)
  CHECK_THAT(errorOf([&] { readGeoJsonTerritories(file, "a[b", std::nullopt); }),
             Catch::Contains("bracket.geojson:2:19: features[0].properties.a[b: missing"));
}
