// GCC 12 reports values inside Boost.Geometry's point_on_surface (extreme_points.hpp) as maybe
// uninitialised; they are always set before use. The warning is tied to the header's lines, so
// it is silenced for this file only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include "sim/core/territory_area.hpp"

#include <boost/geometry/algorithms/point_on_surface.hpp>

namespace chan {

int territoryAt(const ScenarioSpec& spec, double x, double y) {
  for (std::size_t t = 0; t < spec.territories.size(); ++t) {
    const TerritorySpec& r = spec.territories[t];
    if (r.area) {
      if (boost::geometry::covered_by(GeoPoint(x, y), r.area->area)) return static_cast<int>(t);
    } else if (x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1) {
      return static_cast<int>(t);
    }
  }
  return -1;
}

GeoPoint territoryCentre(const TerritorySpec& t) {
  if (!t.area) return GeoPoint((t.x0 + t.x1) / 2, (t.y0 + t.y1) / 2);
  return GeoPoint(t.area->centreX, t.area->centreY);
}

TerritoryArea makeTerritoryArea(GeoMultiPolygon area) {
  TerritoryArea a{std::move(area), 0, 0};
  GeoPoint c(0, 0);
  boost::geometry::centroid(a.area, c);
  // a crescent's or an archipelago's centroid may lie outside it: then a point on the surface
  if (!boost::geometry::covered_by(c, a.area)) boost::geometry::point_on_surface(a.area, c);
  a.centreX = c.x(), a.centreY = c.y();
  return a;
}

}  // namespace chan
