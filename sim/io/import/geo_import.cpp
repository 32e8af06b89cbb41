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

/// 1-based line and column of byte `byte` of text.
std::pair<int, int> lineColumn(const std::string& text, std::size_t byte) {
  int line = 1, col = 1;
  for (std::size_t i = 0; i < std::min(byte, text.size()); ++i) {
    if (text[i] == '\n') ++line, col = 1;
    else ++col;
  }
  return {line, col};
}

/// "file:line:col: problem" for a JSON syntax error at byte offset `byte` of text.
[[noreturn]] void jsonSyntaxError(const std::string& file, const std::string& text, std::size_t byte,
                                  const std::string& what) {
  const auto [line, col] = lineColumn(text, byte);
  throw InputError(file + ":" + std::to_string(line) + ":" + std::to_string(col) + ": invalid JSON: " + what);
}

/// Source positions for a parsed GeoJSON document. nlohmann_json keeps none past parsing, so a
/// structure error is located by walking the (already valid) text again along the error's
/// JSON path (`features[3].geometry.coordinates[0]`) to the byte where that value starts.
class JsonLocator {
 public:
  JsonLocator(std::string file, std::string text) : m_file(std::move(file)), m_text(std::move(text)) {}
  const std::string& text() const { return m_text; }

  /// "file:line:col: path: problem", at the deepest value of the path found in the text.
  [[noreturn]] void fail(const std::string& path, const std::string& problem) const {
    const auto [line, col] = lineColumn(m_text, offsetOf(path));
    throw InputError(m_file + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + path + ": " + problem);
  }

 private:
  std::size_t skipSpace(std::size_t i) const {
    while (i < m_text.size() && (m_text[i] == ' ' || m_text[i] == '\t' || m_text[i] == '\n' || m_text[i] == '\r')) ++i;
    return i;
  }
  /// Index just past the string starting at i (a '"'); its raw contents in `raw`.
  std::size_t skipString(std::size_t i, std::string* raw = nullptr) const {
    const std::size_t begin = ++i;
    while (i < m_text.size() && m_text[i] != '"') i += m_text[i] == '\\' ? 2 : 1;
    if (raw) *raw = m_text.substr(begin, std::min(i, m_text.size()) - begin);
    return i + 1;
  }
  /// Index just past the value starting at i (the text is valid JSON: nlohmann parsed it).
  std::size_t skipValue(std::size_t i) const {
    if (i >= m_text.size()) return i;
    if (m_text[i] == '"') return skipString(i);
    if (m_text[i] == '{' || m_text[i] == '[') {
      int depth = 0;
      do {
        if (m_text[i] == '"') {
          i = skipString(i);
          continue;
        }
        if (m_text[i] == '{' || m_text[i] == '[') ++depth;
        if (m_text[i] == '}' || m_text[i] == ']') --depth;
        ++i;
      } while (depth > 0 && i < m_text.size());
      return i;
    }
    while (i < m_text.size() && m_text[i] != ',' && m_text[i] != '}' && m_text[i] != ']' && m_text[i] != ' ' &&
           m_text[i] != '\n' && m_text[i] != '\r' && m_text[i] != '\t')
      ++i;
    return i;
  }
  /// Start of member `key` of the object at i, or npos.
  std::size_t member(std::size_t i, const std::string& key) const {
    if (i >= m_text.size() || m_text[i] != '{') return std::string::npos;
    i = skipSpace(i + 1);
    while (i < m_text.size() && m_text[i] == '"') {
      std::string name;
      i = skipSpace(skipString(i, &name));
      i = skipSpace(i + 1);  // past ':'
      if (name == key) return i;
      i = skipSpace(skipValue(i));
      if (i < m_text.size() && m_text[i] == ',') i = skipSpace(i + 1);
    }
    return std::string::npos;
  }
  /// Start of element k of the array at i, or npos.
  std::size_t element(std::size_t i, std::size_t k) const {
    if (i >= m_text.size() || m_text[i] != '[') return std::string::npos;
    i = skipSpace(i + 1);
    for (std::size_t e = 0; e < k; ++e) {
      if (i >= m_text.size() || m_text[i] == ']') return std::string::npos;
      i = skipSpace(skipValue(i));
      if (i >= m_text.size() || m_text[i] != ',') return std::string::npos;
      i = skipSpace(i + 1);
    }
    return i < m_text.size() && m_text[i] != ']' ? i : std::string::npos;
  }
  /// Byte where the value at `path` starts (steps: `.key` and `[index]`; the top level is "").
  std::size_t offsetOf(const std::string& path) const {
    std::size_t at = skipSpace(0), p = 0;
    while (p < path.size()) {
      std::size_t next = std::string::npos;
      if (path[p] == '[') {
        const std::size_t close = path.find(']', p);
        const std::string digits = path.substr(p + 1, close == std::string::npos ? std::string::npos : close - p - 1);
        // (a '[' inside a property name given by the user is no index: stop at its parent)
        if (close == std::string::npos || digits.empty() ||
            digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9)
          break;
        next = element(at, std::stoul(digits));
        p = close + 1;
      } else {
        if (path[p] == '.') ++p;
        const std::size_t stop = std::min(path.find('.', p), path.find('[', p));
        next = member(at, path.substr(p, stop - p));
        p = stop == std::string::npos ? path.size() : stop;
      }
      if (next == std::string::npos) break;  // not in the text (a missing key): its parent
      at = next;
    }
    return at;
  }

  std::string m_file;
  std::string m_text;
};

GeoPolygon readPolygon(const nlohmann::json& rings, const JsonLocator& src, const std::string& path,
                       const std::optional<GeoOrigin>& origin) {
  if (!rings.is_array() || rings.empty()) src.fail(path, "expected a list of linear rings");
  GeoPolygon poly;
  for (std::size_t k = 0; k < rings.size(); ++k) {
    const std::string rp = path + "[" + std::to_string(k) + "]";
    const auto& ring = rings[k];
    // RFC 7946 sec. 3.1.6: a linear ring has >= 4 positions, first equal to last
    if (!ring.is_array() || ring.size() < 4) src.fail(rp, "a linear ring needs at least 4 positions");
    auto& out = k == 0 ? poly.outer() : (poly.inners().emplace_back(), poly.inners().back());
    for (std::size_t i = 0; i < ring.size(); ++i) {
      const auto& pos = ring[i];
      const std::string pp = rp + "[" + std::to_string(i) + "]";
      if (!pos.is_array() || pos.size() < 2 || !pos[0].is_number() || !pos[1].is_number())
        src.fail(pp, "expected a position [x, y]");
      const double a = pos[0].get<double>(), b = pos[1].get<double>();
      if (origin) {
        if (std::fabs(b) > 90 || std::fabs(a) > 180) src.fail(pp, "not a [lon, lat] position in degrees");
        const KmPoint p = projectToKm(b, a, *origin);
        out.push_back(GeoPoint(p.x, p.y));
      } else {
        out.push_back(GeoPoint(a, b));
      }
    }
    if (!bg::equals(out.front(), out.back())) src.fail(rp, "the ring is not closed (first position != last)");
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
  const JsonLocator src(file, buf.str());
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(src.text());
  } catch (const nlohmann::json::parse_error& e) {
    jsonSyntaxError(file, src.text(), e.byte > 0 ? e.byte - 1 : 0, e.what());
  }
  if (!doc.is_object() || doc.value("type", "") != "FeatureCollection")
    src.fail("type", "expected a GeoJSON FeatureCollection");
  if (!doc.contains("features") || !doc["features"].is_array()) src.fail("features", "expected a list of features");
  std::vector<TerritoryShape> out;
  std::set<std::string> names;
  for (std::size_t f = 0; f < doc["features"].size(); ++f) {
    const auto& feature = doc["features"][f];
    const std::string path = "features[" + std::to_string(f) + "]";
    if (!feature.is_object() || !feature.contains("geometry") || !feature["geometry"].is_object())
      src.fail(path + ".geometry", "missing (a Polygon or MultiPolygon)");
    const auto& props = feature.contains("properties") ? feature["properties"] : nlohmann::json();
    if (!props.is_object() || !props.contains(nameProperty) || !props[nameProperty].is_string())
      src.fail(path + ".properties." + nameProperty, "missing (the territory's name)");
    TerritoryShape t;
    t.name = props[nameProperty].get<std::string>();
    if (!names.insert(t.name).second) src.fail(path + ".properties." + nameProperty, "duplicate name '" + t.name + "'");
    const auto& g = feature["geometry"];
    const std::string type = g.value("type", "");
    const std::string gp = path + ".geometry.coordinates";
    if (!g.contains("coordinates")) src.fail(gp, "missing");
    if (type == "Polygon") {
      t.area.push_back(readPolygon(g["coordinates"], src, gp, origin));
    } else if (type == "MultiPolygon") {
      if (!g["coordinates"].is_array()) src.fail(gp, "expected a list of polygons");
      for (std::size_t k = 0; k < g["coordinates"].size(); ++k)
        t.area.push_back(readPolygon(g["coordinates"][k], src, gp + "[" + std::to_string(k) + "]", origin));
    } else {
      src.fail(path + ".geometry.type", "'" + type + "' is not a Polygon or MultiPolygon");
    }
    std::string why;
    if (!bg::is_valid(t.area, why)) src.fail(path + ".geometry", "invalid area: " + why);
    out.push_back(std::move(t));
  }
  if (out.empty()) src.fail("features", "no territories");
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
    m.priceFactor = t.number(r, "price_factor", -1, 0.01, 100);  // -1: the group's price_factors
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
