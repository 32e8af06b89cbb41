#include "sim/io/import/scenario_import.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <optional>

#include "sim/core/territory_area.hpp"
#include "sim/io/csv_reader.hpp"
#include "sim/io/import/geo_import.hpp"

namespace chan::io {
namespace {

namespace fs = std::filesystem;

/// The file named at `key`, relative to the scenario file's folder; fails at the key when it
/// is not a readable file.
std::string importPath(Reader& r, std::string_view key) {
  const std::string written = r.text(key);
  fs::path p(written);
  if (p.is_relative()) p = fs::path(r.file()).parent_path() / p;
  p = fs::absolute(p).lexically_normal();
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) r.fail(key, "cannot open '" + written + "' (looked for " + p.string() + ")");
  return p.string();
}

std::optional<GeoOrigin> originOf(const ScenarioSpec& spec) {
  if (!spec.origin.set) return std::nullopt;
  return GeoOrigin{spec.origin.lat, spec.origin.lon};
}

std::vector<std::string> territoryNamesOf(const ScenarioSpec& spec) {
  std::vector<std::string> names;
  for (const TerritorySpec& t : spec.territories) names.push_back(t.name);
  return names;
}

}  // namespace

void importTerritories(Reader t, ScenarioSpec& spec, std::vector<std::string>& territoryNames) {
  const std::string file = importPath(t, "geojson");
  const std::string property = t.text("property", "name");
  if (t.has("name") || t.has("rect"))
    t.fail(t.has("name") ? "name" : "rect", "give geojson or name and rect, not both");
  t.finish();
  for (TerritoryShape& shape : readGeoJsonTerritories(file, property, originOf(spec))) {
    if (std::find(territoryNames.begin(), territoryNames.end(), shape.name) != territoryNames.end())
      t.fail("geojson", "territory '" + shape.name + "' of " + file + " is already defined");
    TerritorySpec ts;
    ts.name = shape.name;
    // the bounding box (outer rings hold every point of a valid area)
    ts.x0 = ts.y0 = std::numeric_limits<double>::infinity();
    ts.x1 = ts.y1 = -std::numeric_limits<double>::infinity();
    for (const GeoPolygon& poly : shape.area)
      for (const GeoPoint& q : poly.outer()) {
        ts.x0 = std::min(ts.x0, q.x()), ts.y0 = std::min(ts.y0, q.y());
        ts.x1 = std::max(ts.x1, q.x()), ts.y1 = std::max(ts.y1, q.y());
      }
    ts.area = std::make_shared<const TerritoryArea>(makeTerritoryArea(std::move(shape.area)));
    ts.geojson = file;
    ts.geojsonProperty = property;
    territoryNames.push_back(ts.name);
    spec.territories.push_back(std::move(ts));
  }
}

std::shared_ptr<const MemberTable> importMembers(Reader& g, const ScenarioSpec& spec, const MemberGroupSpec& group) {
  // the file says how many members there are, where, and (optionally) in which territory
  for (const char* key : {"count", "placement", "territories", "reserve"})
    if (g.has(key)) g.fail(key, std::string("comes from the file (from_csv): leave ") + key + " out");
  auto table = std::make_shared<MemberTable>();
  table->file = importPath(g, "from_csv");
  const std::vector<ImportedMember> rows = readMemberTable(table->file, territoryNamesOf(spec), originOf(spec));
  // supplier ids name rows of the supplier group's own table
  std::map<std::string, int> supplierIds;
  const MemberGroupSpec* supplier =
      group.supplierGroup >= 0 ? &spec.groups[static_cast<std::size_t>(group.supplierGroup)] : nullptr;
  if (supplier && supplier->table)
    for (std::size_t k = 0; k < supplier->table->rows.size(); ++k)
      supplierIds[supplier->table->rows[k].id] = static_cast<int>(k);
  std::vector<std::string> idList;
  for (const auto& [id, k] : supplierIds) idList.push_back(id);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const io::ImportedMember& in = rows[r];
    chan::ImportedMember m;
    m.id = in.id, m.name = in.name;
    m.x = in.position.x, m.y = in.position.y;
    m.territory = in.territory;
    m.priceFactor = in.priceFactor, m.serviceLevel = in.serviceLevel;
    m.capacity = in.capacity, m.openingStock = in.openingStock;
    if (!in.supplierId.empty()) {
      // (the table is read again only to point at the bad field)
      if (!supplier)
        CsvTable::load(table->file).fail(r, "supplier", "group '" + group.name + "' has no supplier group");
      if (!supplier->table)
        CsvTable::load(table->file)
            .fail(r, "supplier",
                  "the supplier group '" + supplier->name +
                      "' is not imported (from_csv), so it has no ids: leave the column empty");
      const auto it = supplierIds.find(in.supplierId);
      if (it == supplierIds.end()) {
        const std::string near = closestMatch(in.supplierId, idList);
        CsvTable::load(table->file)
            .fail(r, "supplier",
                  "no member '" + in.supplierId + "' in " + supplier->table->file + " (group '" + supplier->name +
                      "')" + (near.empty() ? "" : " (did you mean '" + near + "'?)"));
      }
      m.supplier = it->second;
    }
    if (m.x < 0 || m.x > spec.width || m.y < 0 || m.y > spec.height) {
      const CsvTable t = CsvTable::load(table->file);
      t.fail(r, t.hasColumn("x") ? "x" : "lat",
             "position (" + std::to_string(m.x) + ", " + std::to_string(m.y) + ") km lies outside the map");
    }
    table->rows.push_back(std::move(m));
  }
  if (static_cast<std::int64_t>(table->rows.size()) > kMaxCount) g.fail("from_csv", "too many rows");
  return table;
}

std::shared_ptr<const ConsumerTable> importConsumers(Reader& c, const ScenarioSpec& spec,
                                                     const ConsumerSpec& consumers) {
  for (const char* key : {"count", "placement"})
    if (c.has(key)) c.fail(key, std::string("comes from the file (from_csv): leave ") + key + " out");
  auto table = std::make_shared<ConsumerTable>();
  table->file = importPath(c, "from_csv");
  std::vector<std::string> segmentNames;
  for (const SegmentSpec& s : consumers.segments) segmentNames.push_back(s.name);
  const std::vector<ImportedConsumers> points =
      readConsumerPoints(table->file, segmentNames, originOf(spec), spec.width, spec.height);
  // every agent stands for consumers.weight buyers
  std::vector<std::size_t> agents(points.size());
  double total = 0;
  for (std::size_t k = 0; k < points.size(); ++k) {
    agents[k] = static_cast<std::size_t>(std::llround(points[k].weight / consumers.weight));
    total += static_cast<double>(agents[k]);
  }
  if (total < 1) c.fail("from_csv", "no consumers: every weight is below half of consumers.weight");
  if (total > static_cast<double>(kMaxCount))
    c.fail("from_csv", "more than 50,000,000 consumer agents: raise consumers.weight");
  const auto n = static_cast<std::size_t>(total);
  table->segmentsFromFile = points.front().segment >= 0;
  for (std::size_t k = 0; k < points.size(); ++k)
    if ((points[k].segment >= 0) != table->segmentsFromFile)
      CsvTable::load(table->file).fail(k, "segment", "give every row a segment, or none");
  table->x.reserve(n), table->y.reserve(n);
  if (table->segmentsFromFile) {
    // agents grouped by their row's segment, in file order within a segment
    table->segmentEnd.assign(segmentNames.size(), 0);
    for (std::size_t s = 0; s < segmentNames.size(); ++s) {
      for (std::size_t k = 0; k < points.size(); ++k) {
        if (points[k].segment != static_cast<int>(s)) continue;
        table->x.insert(table->x.end(), agents[k], points[k].position.x);
        table->y.insert(table->y.end(), agents[k], points[k].position.y);
      }
      table->segmentEnd[s] = table->x.size();
    }
    return table;
  }
  // segments by shares in consecutive ranges, as for placed consumers (world_builder)
  double cumulative = 0, totalShare = 0;
  for (const auto& s : consumers.segments) totalShare += s.share;
  for (const auto& s : consumers.segments) {
    cumulative += s.share / totalShare;
    table->segmentEnd.push_back(static_cast<std::size_t>(std::llround(cumulative * static_cast<double>(n))));
  }
  table->segmentEnd.back() = n;
  std::vector<double> px, py;
  for (std::size_t k = 0; k < points.size(); ++k) {
    px.insert(px.end(), agents[k], points[k].position.x);
    py.insert(py.end(), agents[k], points[k].position.y);
  }
  // agent i takes place (i * stride) mod n, stride coprime with n near n (sqrt 5 - 1) / 2: a
  // Weyl sequence, so each segment's consecutive range is spread evenly over all the places
  // instead of taking the first rows of the file (Weyl 1916; Knuth, TAOCP vol. 3, 6.4)
  std::size_t stride = 1;
  if (consumers.segments.size() > 1 && n > 2) {
    stride = static_cast<std::size_t>(std::llround(static_cast<double>(n) * 0.6180339887498949));
    while (std::gcd(stride, n) != 1) ++stride;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t k =
        static_cast<std::size_t>((static_cast<std::uint64_t>(i) * stride) % n);  // < 2^63: n <= kMaxCount
    table->x.push_back(px[k]);
    table->y.push_back(py[k]);
  }
  return table;
}

std::string writtenPath(const std::string& file, const std::filesystem::path& base) {
  if (base.empty()) return file;
  std::error_code ec;
  const fs::path rel = fs::relative(file, fs::absolute(base), ec);
  return ec || rel.empty() ? file : rel.generic_string();
}

bool rebaseImportPaths(YAML::Node& root, const std::filesystem::path& from, const std::filesystem::path& to) {
  bool any = false;
  auto rebase = [&](YAML::Node node) {
    if (!node || !node.IsScalar()) return;
    fs::path p(node.as<std::string>());
    if (p.is_relative()) p = from / p;
    node = writtenPath(fs::absolute(p).lexically_normal().string(), to);
    any = true;
  };
  if (!root.IsMap()) return false;
  if (root["territories"] && root["territories"].IsSequence())
    for (YAML::Node t : root["territories"])
      if (t.IsMap() && t["geojson"]) rebase(t["geojson"]);
  if (root["members"] && root["members"].IsSequence())
    for (YAML::Node g : root["members"])
      if (g.IsMap() && g["from_csv"]) rebase(g["from_csv"]);
  if (root["consumers"] && root["consumers"].IsMap() && root["consumers"]["from_csv"])
    rebase(root["consumers"]["from_csv"]);
  return any;
}

}  // namespace chan::io
