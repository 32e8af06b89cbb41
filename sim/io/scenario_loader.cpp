#include "sim/io/scenario_loader.hpp"

#include <algorithm>
#include <memory>

#include "mechanisms/mechanism.hpp"
#include "sim/core/spec_limits.hpp"
#include "sim/io/import/scenario_import.hpp"
#include "sim/io/schema_io.hpp"

namespace chan::io {
namespace {

/// The sections of the registered mechanisms being read, by registration index.
using Sections = std::vector<std::shared_ptr<MechanismSpec>>;

MemberGroupSpec readGroup(Reader r, const ScenarioSpec& spec, const std::vector<std::string>& groupNames,
                          Sections& sections) {
  MemberGroupSpec g;
  SchemaReader reader(r, groupNames);
  // the keys the registered mechanisms declare at each slot of the group's mapping (g is being
  // read: its index is spec.groups.size())
  g.fields(reader, spec, [&](FieldVisitor& v, GroupSlot slot) {
    for (std::size_t i = 0; i < sections.size(); ++i)
      if (const MechanismEntry& entry = mechanismRegistry()[i]; entry.groupFields)
        entry.groupFields(*sections[i], v, spec, g, spec.groups.size(), slot);
  });
  if (r.has("from_csv")) {  // one member per row of the file (README "Import")
    g.table = importMembers(r, spec, g);
    if (g.table->rows.size() > static_cast<std::size_t>(limits::kMaxMembersPerGroup))
      r.fail("from_csv", "more than 1,000,000 rows");
    g.count = static_cast<int>(g.table->rows.size());
  }
  r.finish();
  return g;
}

}  // namespace

namespace {

/// The names of the consumer segments as the file gives them (`all` when it gives none), read
/// before the consumers section is.
std::vector<std::string> segmentNamesAhead(const YAML::Node& root) {
  // (const lookups: a missing key is an undefined node, not an error)
  std::vector<std::string> names;
  const YAML::Node& top = root;
  const YAML::Node consumers = top.IsMap() ? top["consumers"] : YAML::Node();
  const YAML::Node segments = consumers.IsDefined() && consumers.IsMap() ? consumers["segments"] : YAML::Node();
  if (segments.IsDefined() && segments.IsSequence())
    for (const YAML::Node& g : segments) {
      const YAML::Node name = g.IsMap() ? g["name"] : YAML::Node();
      if (name.IsDefined() && name.IsScalar()) names.push_back(name.Scalar());
    }
  if (names.empty()) names.push_back("all");
  return names;
}

}  // namespace

ScenarioSpec parseScenario(const YAML::Node& root, const std::string& file) {
  Reader r(root, file, "");
  ScenarioSpec spec;
  std::vector<std::string> territoryNames, groupNames;
  SchemaReader top(r, groupNames);
  spec.fields(top);
  // the sections of the registered mechanisms (mechanisms/), each declared by its own schema:
  // their keys in member groups are read with the groups, their own sections last
  Sections sections;
  for (const MechanismEntry& entry : mechanismRegistry()) sections.push_back(entry.makeSpec());
  // a product's appeal names consumer segments, which come later in the file: their names are
  // taken ahead (the consumers section itself is checked when it is read)
  const std::vector<std::string> segmentNames = segmentNamesAhead(root);
  VectorAccessWith<BrandSpec, std::vector<std::string>> brands(
      spec.brands, segmentNames, [](const std::vector<BrandSpec>& all, std::size_t i, const Checker& c) {
        for (std::size_t j = 0; j < i; ++j)
          if (all[j].name == all[i].name) c.fail("name", "duplicate brand name '" + all[i].name + "'");
      });
  top.list({.name = "brands", .doc = "the brands"}, brands);
  if (spec.brands.empty()) r.fail("brands", "at least one brand is required");
  for (Reader& t : r.list("territories")) {
    if (t.has("geojson")) {  // one territory per feature of a GeoJSON file
      importTerritories(t, spec, territoryNames);
      continue;
    }
    TerritorySpec ts;
    SchemaReader reader(t, groupNames);
    ts.fields(reader, spec);
    t.finish();
    territoryNames.push_back(ts.name);
    spec.territories.push_back(ts);
  }
  for (Reader& g : r.list("members")) {
    spec.groups.push_back(readGroup(g, spec, groupNames, sections));
    groupNames.push_back(spec.groups.back().name);
  }
  const bool anyOutlet = std::any_of(spec.groups.begin(), spec.groups.end(), [](const auto& g) { return isOutlet(g.kind); });
  if (!anyOutlet) r.fail("members", "at least one outlet group (a kind that sells to consumers) is required");
  {
    Reader c = r.map("consumers");
    ConsumerSpec& consumers = spec.consumers;
    SchemaReader reader(c, groupNames);
    consumers.fields(reader);
    if (c.has("from_csv")) {  // imported places (README "Import")
      consumers.table = importConsumers(c, spec, consumers);
      consumers.count = static_cast<int>(consumers.table->x.size());
    }
    c.finish();
  }
  for (std::size_t i = 0; i < sections.size(); ++i) {
    SchemaReader reader(r, groupNames);
    mechanismRegistry()[i].fields(*sections[i], reader, spec);
    spec.mechanisms.push_back(std::move(sections[i]));
  }
  spec.outputFields(top);
  // memory guard: every consumer holds its nearest stores plus the online outlets, each with
  // one option per product it carries (the most any store group carries, for the stores)
  double online = 0, perStore = 1;
  for (const auto& g : spec.groups) {
    const auto& products = spec.brands[static_cast<std::size_t>(g.brand)].products;
    const double listings = !g.assortment.empty() ? static_cast<double>(g.assortment.size())
                                                   : static_cast<double>(std::max<std::size_t>(1, products.size()));
    if (isOnline(g.kind)) online += g.count * listings;
    else if (isOutlet(g.kind)) perStore = std::max(perStore, listings);
  }
  const double entries = static_cast<double>(spec.consumers.count) * (spec.consumers.nearest * perStore + online);
  if (entries > limits::kMaxChoiceEntries)
    r.fail("consumers", "choice sets would hold " + std::to_string(static_cast<long long>(entries)) +
                            " entries (limit 2e9): fewer consumers, nearest or online outlets");
  r.finish();
  return spec;
}

void pinMapSeed(YAML::Node& root) {
  const YAML::Node& read = root;  // const operator[]: looks up without inserting
  if (!root.IsMap() || read["map_seed"]) return;
  // the seed copied with its place in the file, so that a bad one is reported where it stands
  // (a file without a seed has the default, 1)
  const YAML::Node seed = read["seed"];
  root["map_seed"] = seed && seed.IsScalar() ? YAML::Clone(seed) : YAML::Node("1");
}

ScenarioSpec loadScenario(const std::string& file, const std::vector<std::string>& overrides) {
  YAML::Node root = loadYamlFile(file);
  pinMapSeed(root);
  for (const std::string& o : overrides) applyOverride(root, o);
  return parseScenario(root, file);
}

namespace {

YAML::Node groupYaml(const ScenarioSpec& spec, std::size_t group, const std::filesystem::path& base) {
  YAML::Node n(YAML::NodeType::Map);  // allocated now, so that the writer's copy refers to it
  SchemaWriter writer(n, spec, base);
  // the visitor interface is the reader's too, hence non-const; the writer only reads
  auto& g = const_cast<MemberGroupSpec&>(spec.groups[group]);
  g.fields(writer, spec, [&](FieldVisitor& v, GroupSlot slot) {
    for (std::size_t i = 0; i < mechanismRegistry().size(); ++i)
      if (const MechanismEntry& entry = mechanismRegistry()[i]; entry.groupFields)
        entry.groupFields(const_cast<MechanismSpec&>(sectionOf(spec, i)), v, spec, g, group, slot);
  });
  return n;
}

}  // namespace

YAML::Node toYaml(const ScenarioSpec& spec, const std::filesystem::path& base) {
  // the visitor interface is the reader's too, hence non-const; the writer only reads
  auto& s = const_cast<ScenarioSpec&>(spec);
  YAML::Node n(YAML::NodeType::Map);
  SchemaWriter top(n, spec, base);
  s.fields(top);
  std::vector<std::string> segmentNames;
  for (const SegmentSpec& g : spec.consumers.segments) segmentNames.push_back(g.name);
  VectorAccessWith<BrandSpec, std::vector<std::string>> brands(s.brands, segmentNames);
  top.list({.name = "brands", .doc = "the brands"}, brands);
  for (std::size_t i = 0; i < spec.territories.size(); ++i) {
    TerritorySpec& t = s.territories[i];
    if (!t.geojson.empty() && i > 0) {  // one entry for the features of a file, read again in the same order
      const TerritorySpec& before = spec.territories[i - 1];
      if (before.geojson == t.geojson && before.geojsonProperty == t.geojsonProperty) continue;
    }
    YAML::Node tn(YAML::NodeType::Map);
    SchemaWriter writer(tn, spec, base);
    t.fields(writer, spec);
    n["territories"].push_back(tn);
  }
  for (std::size_t g = 0; g < spec.groups.size(); ++g) n["members"].push_back(groupYaml(spec, g, base));
  for (std::size_t i = 0; i < mechanismRegistry().size(); ++i) {
    const MechanismEntry& entry = mechanismRegistry()[i];
    if (!entry.used(sectionOf(spec, i))) continue;
    SchemaWriter writer(n, spec, base);
    entry.fields(const_cast<MechanismSpec&>(sectionOf(spec, i)), writer, spec);
  }
  SchemaWriter consumers(n["consumers"], spec, base);
  s.consumers.fields(consumers);
  s.outputFields(top);
  return n;
}

}  // namespace chan::io
