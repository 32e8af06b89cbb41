#pragma once
// Importing a real channel's geography (issue 14, part 3): lat/lon -> km, territories from
// GeoJSON polygons and multipolygons with point-in-polygon lookup (Boost.Geometry), outlets
// from a member table CSV and consumers from a population grid or point CSV. Every file
// problem is an io::InputError naming file, line and column (GeoJSON structure errors also
// name the JSON path; nlohmann_json keeps no positions, so they are found again in the text).
// The scenario keys that use these readers are in sim/io/import/scenario_import.hpp.
#include <optional>
#include <string>
#include <vector>

#include <boost/geometry.hpp>
#include <boost/geometry/geometries/multi_polygon.hpp>
#include <boost/geometry/geometries/point_xy.hpp>
#include <boost/geometry/geometries/polygon.hpp>

namespace chan::io {

/// Reference of the map's km grid: the south-west corner (x = 0, y = 0) at this latitude and
/// longitude, degrees.
struct GeoOrigin {
  double lat = 0;  // -90..90 (|lat| < 89: the projection degenerates at the poles)
  double lon = 0;  // -180..180
};

struct KmPoint {
  double x = 0, y = 0;  // km east and north of the origin
};

/// Equirectangular (equidistant cylindrical) projection with the standard parallel at the
/// origin's latitude (Snyder 1987, "Map Projections - A Working Manual", USGS PP 1395, p. 90),
/// mean Earth radius 6371.0088 km (IUGG): x = R (lon - lon0) cos(lat0), y = R (lat - lat0),
/// angles in radians. Distance error below 0.5% within about 300 km of the origin's parallel.
KmPoint projectToKm(double lat, double lon, const GeoOrigin& origin);

namespace bg = boost::geometry;
using GeoPoint = bg::model::d2::point_xy<double>;
using GeoPolygon = bg::model::polygon<GeoPoint>;
using GeoMultiPolygon = bg::model::multi_polygon<GeoPolygon>;

/// A named territory: a rectangle or imported (multi)polygons, in km.
struct TerritoryShape {
  std::string name;
  GeoMultiPolygon area;
};

/// Territories from a GeoJSON FeatureCollection: one per feature with a Polygon or
/// MultiPolygon geometry, named by properties[nameProperty]. Coordinates are [lon, lat] and
/// projected with `origin` when given, else read as [x, y] km.
std::vector<TerritoryShape> readGeoJsonTerritories(const std::string& file, const std::string& nameProperty,
                                                   const std::optional<GeoOrigin>& origin);

/// A rectangle [x0, x1] x [y0, y1] km as a territory shape.
TerritoryShape rectangleTerritory(const std::string& name, double x0, double y0, double x1, double y1);

/// Point-in-territory lookup: the first territory whose area covers the point (boundary
/// included, as the rectangles always did), -1 for none.
int territoryAt(const std::vector<TerritoryShape>& territories, double x, double y);

/// One row of a member table (outlets or distributors of a group).
struct ImportedMember {
  std::string id;            // unique within the file
  std::string name;          // optional ("" when absent)
  KmPoint position;          // km
  std::string supplierId;    // id of its supplier in the supplier group's table ("" : by the group's rule)
  int territory = -1;        // index into the territories (-1: located by position)
  double priceFactor = -1;   // multiplies the price its rule sets, 0.01..100 (-1: the group's)
  double serviceLevel = -1;  // 0..1 (-1: the group's)
  double capacity = -1;      // units per tick it can sell (-1: unlimited)
  double openingStock = -1;  // units on hand at tick 0 (-1: the group's initial_stock)
};

/// Reads a member table: columns id, [name], x and y (km) or lat and lon (degrees, needs
/// origin), [supplier], [territory] (a name among territoryNames), [price_factor],
/// [service_level], [capacity], [opening_stock].
std::vector<ImportedMember> readMemberTable(const std::string& file, const std::vector<std::string>& territoryNames,
                                            const std::optional<GeoOrigin>& origin);

/// One consumer location with the buyers it stands for.
struct ImportedConsumers {
  KmPoint position;
  double weight = 1;  // buyers (population) at this point, >= 0
  int segment = -1;   // index into the segment names (-1: by the segments' shares)
};

/// Reads a population grid or point CSV: x and y (km) or lat and lon, weight (population),
/// [segment] (a name among segmentNames). Points must lie on the map [0, width] x [0, height].
std::vector<ImportedConsumers> readConsumerPoints(const std::string& file, const std::vector<std::string>& segmentNames,
                                                  const std::optional<GeoOrigin>& origin, double width, double height);

/// Consumer agents for the points: round(weight / agentWeight) agents at each point (the
/// engine's agents all stand for consumers.weight buyers), in file order.
std::vector<ImportedConsumers> expandToAgents(const std::vector<ImportedConsumers>& points, double agentWeight);

}  // namespace chan::io
