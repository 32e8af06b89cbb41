#include "sim/io/import/geo_import.hpp"

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sim/io/csv_reader.hpp"

namespace chan::io {
namespace {

constexpr double kEarthRadiusKm = 6371.0088;  // IUGG mean radius
constexpr double kDegree = 3.141592653589793 / 180.0;

/// Position of row r: x/y km, or lat/lon projected with origin.
KmPoint positionOf(const CsvTable& t, std::size_t r, const std::optional<GeoOrigin>& origin) {
  const bool km = t.hasColumn("x") || t.hasColumn("y");
  const bool geo = t.hasColumn("lat") || t.hasColumn("lon");
  if (km == geo) throw InputError(t.file() + ":1:1: give either x and y (km) or lat and lon (degrees)");
  if (km) return {t.number(r, "x", -1e6, 1e6), t.number(r, "y", -1e6, 1e6)};
  if (!origin) throw InputError(t.file() + ":1:1: lat/lon positions need map.origin (the map's south-west corner)");
  return projectToKm(t.number(r, "lat", -90, 90), t.number(r, "lon", -180, 180), *origin);
}

int indexOf(const CsvTable& t, std::size_t r, const char* column, const std::vector<std::string>& names) {
  const std::string v = t.text(r, column);
  if (v.empty()) return -1;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == v) return static_cast<int>(i);
  const std::string near = closestMatch(v, names);
  t.fail(r, column, "unknown " + std::string(column) + " '" + v + "'" + (near.empty() ? "" : " (did you mean '" + near + "'?)"));
}

/// "file:line:col: problem" for a JSON syntax error at byte offset `byte` of text.
[[noreturn]] void jsonSyntaxError(const std::string& file, const std::string& text, std::size_t byte, const std::string& what) {
  int line = 1, col = 1;
  for (std::size_t i = 0; i < std::min(byte, text.size()); ++i) {
    if (text[i] == '\n') ++line, col = 1;
    else ++col;
  }
  throw InputError(file + ":" + std::to_string(line) + ":" + std::to_string(col) + ": invalid JSON: " + what);
}

GeoPolygon readPolygon(const nlohmann::json& rings, const std::string& file, const std::string& path,
                       const std::optional<GeoOrigin>& origin) {
  if (!rings.is_array() || rings.empty()) throw InputError(file + ": " + path + ": expected a list of linear rings");
  GeoPolygon poly;
  for (std::size_t k = 0; k < rings.size(); ++k) {
    const std::string rp = path + "[" + std::to_string(k) + "]";
    const auto& ring = rings[k];
    // RFC 7946 sec. 3.1.6: a linear ring has >= 4 positions, first equal to last
    if (!ring.is_array() || ring.size() < 4) throw InputError(file + ": " + rp + ": a linear ring needs at least 4 positions");
    auto& out = k == 0 ? poly.outer() : (poly.inners().emplace_back(), poly.inners().back());
    for (std::size_t i = 0; i < ring.size(); ++i) {
      const auto& pos = ring[i];
      if (!pos.is_array() || pos.size() < 2 || !pos[0].is_number() || !pos[1].is_number())
        throw InputError(file + ": " + rp + "[" + std::to_string(i) + "]: expected a position [x, y]");
      const double a = pos[0].get<double>(), b = pos[1].get<double>();
      if (origin) {
        if (std::fabs(b) > 90 || std::fabs(a) > 180)
          throw InputError(file + ": " + rp + "[" + std::to_string(i) + "]: not a [lon, lat] position in degrees");
        const KmPoint p = projectToKm(b, a, *origin);
        out.push_back(GeoPoint(p.x, p.y));
      } else {
        out.push_back(GeoPoint(a, b));
      }
    }
    if (!bg::equals(out.front(), out.back())) throw InputError(file + ": " + rp + ": the ring is not closed (first position != last)");
  }
  // GeoJSON winds outer rings counter-clockwise; Boost's default polygon is clockwise
  bg::correct(poly);
  return poly;
}

}  // namespace

KmPoint projectToKm(double lat, double lon, const GeoOrigin& origin) {
  return {kEarthRadiusKm * (lon - origin.lon) * kDegree * std::cos(origin.lat * kDegree),
          kEarthRadiusKm * (lat - origin.lat) * kDegree};
}

TerritoryShape rectangleTerritory(const std::string& name, double x0, double y0, double x1, double y1) {
  TerritoryShape t{name, {}};
  GeoPolygon p;
  bg::append(p.outer(), GeoPoint(x0, y0));
  bg::append(p.outer(), GeoPoint(x0, y1));
  bg::append(p.outer(), GeoPoint(x1, y1));
  bg::append(p.outer(), GeoPoint(x1, y0));
  bg::append(p.outer(), GeoPoint(x0, y0));
  bg::correct(p);
  t.area.push_back(p);
  return t;
}

int territoryAt(const std::vector<TerritoryShape>& territories, double x, double y) {
  const GeoPoint p(x, y);
  for (std::size_t t = 0; t < territories.size(); ++t)
    if (bg::covered_by(p, territories[t].area)) return static_cast<int>(t);
  return -1;
}

std::vector<TerritoryShape> readGeoJsonTerritories(const std::string& file, const std::string& nameProperty,
                                                   const std::optional<GeoOrigin>& origin) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file + ": cannot open the file");
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    jsonSyntaxError(file, text, e.byte > 0 ? e.byte - 1 : 0, e.what());
  }
  if (!doc.is_object() || doc.value("type", "") != "FeatureCollection" || !doc.contains("features") ||
      !doc["features"].is_array())
    throw InputError(file + ": type: expected a GeoJSON FeatureCollection with a features list");
  std::vector<TerritoryShape> out;
  std::set<std::string> names;
  for (std::size_t f = 0; f < doc["features"].size(); ++f) {
    const auto& feature = doc["features"][f];
    const std::string path = "features[" + std::to_string(f) + "]";
    if (!feature.is_object() || !feature.contains("geometry") || !feature["geometry"].is_object())
      throw InputError(file + ": " + path + ".geometry: missing");
    const auto& props = feature.contains("properties") ? feature["properties"] : nlohmann::json();
    if (!props.is_object() || !props.contains(nameProperty) || !props[nameProperty].is_string())
      throw InputError(file + ": " + path + ".properties." + nameProperty + ": missing (the territory's name)");
    TerritoryShape t;
    t.name = props[nameProperty].get<std::string>();
    if (!names.insert(t.name).second) throw InputError(file + ": " + path + ".properties." + nameProperty + ": duplicate name '" + t.name + "'");
    const auto& g = feature["geometry"];
    const std::string type = g.value("type", "");
    const std::string gp = path + ".geometry.coordinates";
    if (!g.contains("coordinates")) throw InputError(file + ": " + gp + ": missing");
    if (type == "Polygon") {
      t.area.push_back(readPolygon(g["coordinates"], file, gp, origin));
    } else if (type == "MultiPolygon") {
      if (!g["coordinates"].is_array()) throw InputError(file + ": " + gp + ": expected a list of polygons");
      for (std::size_t k = 0; k < g["coordinates"].size(); ++k)
        t.area.push_back(readPolygon(g["coordinates"][k], file, gp + "[" + std::to_string(k) + "]", origin));
    } else {
      throw InputError(file + ": " + path + ".geometry.type: '" + type + "' is not a Polygon or MultiPolygon");
    }
    std::string why;
    if (!bg::is_valid(t.area, why)) throw InputError(file + ": " + path + ".geometry: invalid area: " + why);
    out.push_back(std::move(t));
  }
  if (out.empty()) throw InputError(file + ": features: no territories");
  return out;
}

std::vector<ImportedMember> readMemberTable(const std::string& file, const std::vector<std::string>& territoryNames,
                                            const std::optional<GeoOrigin>& origin) {
  const CsvTable t = CsvTable::load(file);
  t.requireKnownColumns({"id", "name", "x", "y", "lat", "lon", "supplier", "territory", "price_factor", "service_level",
                         "capacity", "opening_stock"});
  t.requireColumn("id");
  std::vector<ImportedMember> out;
  std::set<std::string> ids;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    ImportedMember m;
    m.id = t.text(r, "id");
    if (m.id.empty()) t.fail(r, "id", "empty");
    if (!ids.insert(m.id).second) t.fail(r, "id", "duplicate id '" + m.id + "'");
    m.name = t.text(r, "name");
    m.position = positionOf(t, r, origin);
    m.supplierId = t.text(r, "supplier");
    m.territory = indexOf(t, r, "territory", territoryNames);
    m.priceFactor = t.number(r, "price_factor", 1, 0.01, 100);
    m.serviceLevel = t.number(r, "service_level", -1, 0, 1);
    m.capacity = t.number(r, "capacity", -1, 0, 1e12);
    m.openingStock = t.number(r, "opening_stock", -1, 0, 1e12);
    out.push_back(m);
  }
  if (out.empty()) throw InputError(file + ":2:1: no members");
  return out;
}

std::vector<ImportedConsumers> readConsumerPoints(const std::string& file, const std::vector<std::string>& segmentNames,
                                                  const std::optional<GeoOrigin>& origin, double width, double height) {
  const CsvTable t = CsvTable::load(file);
  t.requireKnownColumns({"x", "y", "lat", "lon", "weight", "segment"});
  t.requireColumn("weight");
  std::vector<ImportedConsumers> out;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    ImportedConsumers c;
    c.position = positionOf(t, r, origin);
    if (c.position.x < 0 || c.position.x > width || c.position.y < 0 || c.position.y > height) {
      std::ostringstream msg;
      msg << "position (" << c.position.x << ", " << c.position.y << ") km lies outside the map [0, " << width << "] x [0, "
          << height << "]";
      t.fail(r, t.hasColumn("x") ? "x" : "lat", msg.str());
    }
    c.weight = t.number(r, "weight", 0, 1e12);
    c.segment = indexOf(t, r, "segment", segmentNames);
    out.push_back(c);
  }
  if (out.empty()) throw InputError(file + ":2:1: no consumer points");
  return out;
}

std::vector<ImportedConsumers> expandToAgents(const std::vector<ImportedConsumers>& points, double agentWeight) {
  std::vector<ImportedConsumers> out;
  for (const ImportedConsumers& p : points) {
    const auto n = static_cast<long long>(std::llround(p.weight / agentWeight));
    for (long long k = 0; k < n; ++k) out.push_back({p.position, agentWeight, p.segment});
  }
  return out;
}

}  // namespace chan::io
