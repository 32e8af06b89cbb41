// sim/io/import/scenario_import: the scenario keys that import territories (GeoJSON), member
// groups and consumers (CSV), checked through loadScenario and buildWorld as a run sees them.
// Expected values are hand-placed points and hand calculations written next to each check.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/engine/engine.hpp"
#include "sim/engine/world_builder.hpp"
#include "sim/io/scenario_loader.hpp"

using namespace chan;

namespace {

namespace fs = std::filesystem;

/// A fresh folder holding `files` (name -> text); returns its path.
fs::path folderWith(const std::string& name, const std::map<std::string, std::string>& files) {
  const fs::path dir = fs::temp_directory_path() / ("chan_scenario_import_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& [file, text] : files) std::ofstream(dir / file) << text;
  return dir;
}

std::string errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const io::InputError& e) {
    return e.what();
  }
  return "no error";
}

// Two territories in km (no map.origin): "west" the square [0,10] x [0,10], and "east" the
// square [10,20] x [0,10] with a hole [13,17] x [3,7] (a lake that belongs to no one).
const char* kTerritories = R"({"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"name": "west"},
   "geometry": {"type": "Polygon", "coordinates": [[[0,0],[10,0],[10,10],[0,10],[0,0]]]}},
  {"type": "Feature", "properties": {"name": "east"},
   "geometry": {"type": "Polygon", "coordinates": [[[10,0],[20,0],[20,10],[10,10],[10,0]],
                                                   [[13,3],[13,7],[17,7],[17,3],[13,3]]]}}
]}
)";

// Distributors d1 (west) and d2 (east); outlets with their supplier and overrides. o4 sits in
// the lake: no territory. o5 names its territory although it stands in the west.
const char* kDistributors = "id,name,x,y\nd1,West wholesale,5,5\nd2,East wholesale,18,8\n";
const char* kOutlets =
    "id,x,y,supplier,territory,price_factor,service_level,capacity,opening_stock\n"
    "o1,2,3,d1,,0.9,0.7,,\n"
    "o2,12,1,d2,,,,5,\n"
    "o3,19.5,9.5,d1,,,,,77\n"
    "o4,15,5,d2,,,,,\n"
    "o5,1,1,d2,east,,,,\n";

// weights 7, 2.4, 0.4 and 10 at consumers.weight 2: round(3.5) + round(1.2) + round(0.2) +
// round(5) = 4 + 1 + 0 + 5 = 10 agents
const char* kConsumers = "x,y,weight\n1,1,7\n11,2,2.4\n3,3,0.4\n19,9,10\n";

const char* kScenario = R"(name: import_test
ticks: 3
map: {width: 20, height: 10, cities: 0}
brands: [{name: b, unit_cost: 10}]
territories:
  - {geojson: areas.geojson, property: name}
members:
  - {group: maker, kind: manufacturer, pricing: {rule: fixed, price: 15}}
  - group: dist
    kind: distributor
    supplier: maker
    from_csv: dist.csv
    replenishment: {rule: order_up_to, cover_days: 5, initial_stock: 100}
  - group: shops
    kind: offline_store
    supplier: dist
    supplier_rule: nearest
    from_csv: shops.csv
    service_level: 0.5
    price_factors: [1.2]
    replenishment: {rule: order_up_to, cover_days: 5, initial_stock: 20}
consumers:
  from_csv: people.csv
  weight: 2
  segments: [{name: all, purchase_probability: 0.5}]
)";

fs::path importFolder(const std::string& name) {
  return folderWith(name, {{"areas.geojson", kTerritories},
                           {"dist.csv", kDistributors},
                           {"shops.csv", kOutlets},
                           {"people.csv", kConsumers},
                           {"scenario.yaml", kScenario}});
}

int territoryOf(const World& w, const ScenarioSpec& spec, int member) {
  const int t = w.members.territory[static_cast<std::size_t>(member)];
  REQUIRE(t < static_cast<int>(spec.territories.size()));
  return t;
}

}  // namespace

TEST_CASE("imported members sit where their rows say, in the territory that covers them", "[import]") {
  const fs::path dir = importFolder("places");
  const ScenarioSpec spec = io::loadScenario((dir / "scenario.yaml").string());
  REQUIRE(spec.territories.size() == 2);
  CHECK(spec.territories[0].name == "west");
  CHECK(spec.territories[1].name == "east");
  REQUIRE(spec.groups[1].count == 2);  // count = rows
  REQUIRE(spec.groups[2].count == 5);
  const World w = buildWorld(spec);
  const auto& g = w.groupMembers;
  // distributors: (5,5) in west, (18,8) in east
  CHECK(territoryOf(w, spec, g[1][0]) == 0);
  CHECK(territoryOf(w, spec, g[1][1]) == 1);
  // outlets: (2,3) west; (12,1) east; (19.5,9.5) east; (15,5) in the lake: none; o5 names east
  CHECK(territoryOf(w, spec, g[2][0]) == 0);
  CHECK(territoryOf(w, spec, g[2][1]) == 1);
  CHECK(territoryOf(w, spec, g[2][2]) == 1);
  CHECK(territoryOf(w, spec, g[2][3]) == -1);
  CHECK(territoryOf(w, spec, g[2][4]) == 1);
  CHECK(w.members.x[static_cast<std::size_t>(g[2][2])] == 19.5);
  CHECK(w.members.y[static_cast<std::size_t>(g[2][2])] == 9.5);
  // overrides: o1's price factor and service level; the others the group's (1.2 and 0.5)
  CHECK(w.members.priceFactor[static_cast<std::size_t>(g[2][0])] == 0.9);
  CHECK(w.members.serviceLevel[static_cast<std::size_t>(g[2][0])] == 0.7);
  CHECK(w.members.priceFactor[static_cast<std::size_t>(g[2][1])] == 1.2);
  CHECK(w.members.serviceLevel[static_cast<std::size_t>(g[2][1])] == 0.5);
  CHECK(w.members.capacity[static_cast<std::size_t>(g[2][1])] == 5);
  CHECK(std::isinf(w.members.capacity[static_cast<std::size_t>(g[2][0])]));
  CHECK(w.members.openingStock[static_cast<std::size_t>(g[2][2])] == 77);
  CHECK(w.members.openingStock[static_cast<std::size_t>(g[2][3])] == 20);
}

TEST_CASE("supplier edges are the ones the member table names, not the group's rule", "[import]") {
  const fs::path dir = importFolder("suppliers");
  const ScenarioSpec spec = io::loadScenario((dir / "scenario.yaml").string());
  const World w = buildWorld(spec);
  const auto& g = w.groupMembers;
  const int d1 = g[1][0], d2 = g[1][1];
  // o1 d1, o2 d2, o3 d1 (although d2 is nearer: supplier_rule nearest would pick d2), o4 d2, o5 d2
  const int expected[] = {d1, d2, d1, d2, d2};
  for (std::size_t k = 0; k < 5; ++k) {
    const int m = g[2][k];
    CHECK(w.members.supplier[static_cast<std::size_t>(m)] == expected[k]);
    CHECK(boost::edge(static_cast<std::size_t>(expected[k]), static_cast<std::size_t>(m), w.graph).second);
  }
  CHECK(boost::in_degree(static_cast<std::size_t>(g[2][2]), w.graph) == 1);
  // the distributors (no supplier column) buy from the maker, the group's only candidate
  CHECK(w.members.supplier[static_cast<std::size_t>(d1)] == g[0][0]);
}

TEST_CASE("imported consumers number the sum of round(weight / consumers.weight) over the points", "[import]") {
  const fs::path dir = importFolder("consumers");
  const ScenarioSpec spec = io::loadScenario((dir / "scenario.yaml").string());
  CHECK(spec.consumers.count == 10);  // 4 + 1 + 0 + 5, see kConsumers
  const World w = buildWorld(spec);
  REQUIRE(w.consumers.size() == 10);
  std::map<std::pair<float, float>, int> at;
  for (std::size_t i = 0; i < w.consumers.size(); ++i) ++at[{w.consumers.x[i], w.consumers.y[i]}];
  CHECK(at[{1.f, 1.f}] == 4);
  CHECK(at[{11.f, 2.f}] == 1);
  CHECK(at.count({3.f, 3.f}) == 0);
  CHECK(at[{19.f, 9.f}] == 5);
  // consumers' regions by point-in-polygon: (1,1) west, (11,2) and (19,9) east
  for (std::size_t i = 0; i < w.consumers.size(); ++i) CHECK(w.consumers.region[i] == (w.consumers.x[i] < 10 ? 0 : 1));
}

TEST_CASE("a segment column puts each point's consumers into its segment", "[import]") {
  const fs::path dir = importFolder("segments");
  std::ofstream(dir / "people.csv") << "x,y,weight,segment\n1,1,6,town\n11,2,4,country\n19,9,2,town\n";
  const ScenarioSpec spec = io::loadScenario(
      (dir / "scenario.yaml").string(), {"consumers.segments=[{name: town, share: 0.9}, {name: country, share: 0.1}]"});
  const World w = buildWorld(spec);
  // weight 2: town 3 + 1 = 4 agents, country 2 (the shares are not used)
  REQUIRE(w.consumers.size() == 6);
  int town = 0;
  for (std::size_t i = 0; i < w.consumers.size(); ++i) {
    const bool inTown = w.consumers.x[i] != 11.f;
    CHECK(w.consumers.segment[i] == (inTown ? 0 : 1));
    town += inTown;
  }
  CHECK(town == 4);
}

TEST_CASE("lat and lon project to km from map.origin as the equirectangular projection says", "[import]") {
  const fs::path dir = importFolder("projection");
  // hand calculation, R = 6371.0088 km, origin 45 N 10 E:
  //   x = R * 0.4 deg * pi/180 * cos(45 deg) = 6371.0088 * 0.00698132 * 0.70710678 = 31.4507 km
  //   y = R * 0.5 deg * pi/180               = 6371.0088 * 0.00872665              = 55.5975 km
  std::ofstream(dir / "dist.csv") << "id,lat,lon\nd1,45.5,10.4\nd2,45.1,10.1\n";
  const ScenarioSpec spec = io::loadScenario((dir / "scenario.yaml").string(),
                                             {"map={width: 100, height: 100, cities: 0, origin: {lat: 45, lon: 10}}"});
  const ImportedMember& d1 = spec.groups[1].table->rows[0];
  CHECK(d1.x == Approx(31.4507).epsilon(1e-5));
  CHECK(d1.y == Approx(55.5975).epsilon(1e-5));
}

TEST_CASE("the resolved scenario names the imported files relative to where it is written and reruns", "[import]") {
  const fs::path dir = importFolder("resolved");
  const ScenarioSpec spec = io::loadScenario((dir / "scenario.yaml").string());
  const fs::path out = dir / "out" / "run";
  fs::create_directories(out);
  const YAML::Node resolved = io::toYaml(spec, out);
  CHECK(resolved["territories"].size() == 1);  // one entry for the file's two features
  CHECK(resolved["territories"][0]["geojson"].as<std::string>() == "../../areas.geojson");
  CHECK(resolved["members"][2]["from_csv"].as<std::string>() == "../../shops.csv");
  CHECK_FALSE(resolved["members"][2]["count"]);
  CHECK(resolved["consumers"]["from_csv"].as<std::string>() == "../../people.csv");
  YAML::Emitter e;
  e << resolved;
  std::ofstream(out / "scenario.resolved.yaml") << e.c_str() << "\n";
  const ScenarioSpec again = io::loadScenario((out / "scenario.resolved.yaml").string());
  REQUIRE(again.groups[2].count == 5);
  CHECK(again.groups[2].table->rows[4].territory == 1);
  CHECK(again.consumers.count == 10);
  CHECK(again.territories[1].name == "east");
}

TEST_CASE("bad imports are one error naming the file, line and column, or the key", "[import]") {
  const fs::path dir = importFolder("errors");
  const std::string scenario = (dir / "scenario.yaml").string();
  auto error = [&](const std::vector<std::string>& sets) { return errorOf([&] { io::loadScenario(scenario, sets); }); };
  // a malformed CSV row: line 3 is "o2,12,1,d2,,abc,..."; price_factor starts at column 13
  std::ofstream(dir / "bad_shops.csv") << "id,x,y,supplier,territory,price_factor\no1,2,3,d1,,0.9\no2,12,1,d2,,abc\n";
  CHECK_THAT(error({"members[2].from_csv=bad_shops.csv"}),
             Catch::Contains("bad_shops.csv:3:13: price_factor: expected a number, got \"abc\""));
  // a supplier id that is not in the distributors' table: line 2, column 8
  std::ofstream(dir / "typo_shops.csv") << "id,x,y,supplier\no1,2,3,d3\n";
  CHECK_THAT(error({"members[2].from_csv=typo_shops.csv"}),
             Catch::Contains("typo_shops.csv:2:8: supplier: no member 'd3'"));
  // a malformed GeoJSON feature: line 2 holds the feature; its geometry's "type" value "Point"
  // starts at column 73 (2 spaces, then 70 characters of the feature before it)
  std::ofstream(dir / "bad.geojson") << "{\"type\": \"FeatureCollection\", \"features\": [\n"
                                        "  {\"type\": \"Feature\", \"properties\": {\"name\": \"a\"}, \"geometry\": "
                                        "{\"type\": \"Point\", \"coordinates\": [1, 2]}}\n"
                                        "]}\n";
  const std::string geo = error({"territories[0].geojson=bad.geojson"});
  CHECK_THAT(geo,
             Catch::Contains("bad.geojson:2:73: features[0].geometry.type: 'Point' is not a Polygon or MultiPolygon"));
  // a missing file: the YAML key and the path looked for
  CHECK_THAT(error({"consumers.from_csv=nowhere.csv"}),
             Catch::Contains("consumers.from_csv: cannot open 'nowhere.csv'"));
  CHECK_THAT(error({"consumers.from_csv=nowhere.csv"}), Catch::Contains(scenario + ":"));
  // count and placement come from the file
  CHECK_THAT(error({"members[2].count=3"}), Catch::Contains("members[2].count: comes from the file"));
  // lat/lon files need map.origin
  std::ofstream(dir / "geo_dist.csv") << "id,lat,lon\nd1,45.5,10.4\n";
  CHECK_THAT(error({"members[1].from_csv=geo_dist.csv"}), Catch::Contains("lat/lon positions need map.origin"));
}

TEST_CASE("an imported outlet sells no more than its capacity per tick, and opening stock is conserved", "[import]") {
  const fs::path dir = importFolder("capacity");
  // o1 (2,3) and o5 (1,1) share the consumers at (1,1); the second table caps o1 at 0.1 unit a day
  std::ofstream(dir / "free.csv") << "id,x,y,supplier\no1,2,3,d1\no2,12,1,d2\no3,19.5,9.5,d1\no4,15,5,d2\no5,1,1,d2\n";
  std::ofstream(dir / "capped.csv") << "id,x,y,supplier,capacity,opening_stock\no1,2,3,d1,0.1,\no2,12,1,d2,,\n"
                                       "o3,19.5,9.5,d1,,77\no4,15,5,d2,,\no5,1,1,d2,,\n";
  auto soldByO1 = [&](const std::string& table) {
    // check: conservation of goods and money verified after set-up and every tick (opening stock included)
    const ScenarioSpec spec = io::loadScenario(
        (dir / "scenario.yaml").string(),
        {"members[2].from_csv=" + table, "consumers.mode=expected", "check=true", "ticks=10",
         // valued well above the shops' prices (about 30), so that nearly every shopper buys
         "consumers.segments=[{name: all, purchase_probability: 0.5, valuation: {dist: constant, value: 60}}]"});
    Engine engine(spec);
    engine.run();
    const World& w = engine.world();
    return w.flows.unitsSold[static_cast<std::size_t>(w.groupMembers[2][0])];
  };
  const double free = soldByO1("free.csv"), capped = soldByO1("capped.csv");
  CHECK(free > 0.1 * 10);            // the cap binds: o1 sells more without it ...
  CHECK(capped <= 0.1 * 10 + 1e-9);  // ... and at most 0.1 a day for 10 days with it
  CHECK(capped > 0);
}
