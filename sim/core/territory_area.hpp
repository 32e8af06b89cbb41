#pragma once
// An imported territory's shape (GeoJSON polygons and multipolygons, in km) and the territory
// lookups the world builder needs, for rectangles and imported shapes alike. The only core
// header that includes Boost.Geometry: sim/core/spec.hpp holds a pointer to the area.
#include <boost/geometry.hpp>
#include <boost/geometry/geometries/multi_polygon.hpp>
#include <boost/geometry/geometries/point_xy.hpp>
#include <boost/geometry/geometries/polygon.hpp>

#include "sim/core/spec.hpp"

namespace chan {

using GeoPoint = boost::geometry::model::d2::point_xy<double>;
using GeoPolygon = boost::geometry::model::polygon<GeoPoint>;
using GeoMultiPolygon = boost::geometry::model::multi_polygon<GeoPolygon>;

/// A territory's area, km; valid (Boost.Geometry is_valid) and clockwise-corrected.
struct TerritoryArea {
  GeoMultiPolygon area;
  double centreX = 0, centreY = 0;  // a point inside the area where members holding it sit, km
};

/// The first territory covering (x, y), boundary included (as the rectangles always did); -1
/// for none. Rectangles are tested as rectangles, imported areas with Boost.Geometry covered_by.
int territoryAt(const ScenarioSpec& spec, double x, double y);

/// Where a member holding territory t sits: the middle of a rectangle; an imported area's
/// centroid when it lies inside the area, else a point on its surface.
GeoPoint territoryCentre(const TerritorySpec& t);

/// The TerritoryArea for a shape: its centre computed as territoryCentre describes.
TerritoryArea makeTerritoryArea(GeoMultiPolygon area);

}  // namespace chan
