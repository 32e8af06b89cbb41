#include "sim/io/schema_io.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>

#include "mechanisms/mechanism.hpp"
#include "sim/io/import/scenario_import.hpp"
#include "sim/io/run_output.hpp"

namespace chan::io {
namespace {

/// Raises a check's error at a key of the mapping a Reader reads.
class ReaderChecker final : public Checker {
 public:
  explicit ReaderChecker(const Reader& r) : m_r(r) {}
  bool has(std::string_view key) const override { return m_r.has(key); }
  [[noreturn]] void fail(std::string_view key, const std::string& problem) const override {
    if (key.empty()) m_r.fail(problem);
    m_r.fail(key, problem);
  }

 private:
  const Reader& m_r;
};

std::int64_t bound(double v) {
  constexpr double kLimit = 9.0e18;  // within std::int64_t
  return static_cast<std::int64_t>(std::clamp(v, -kLimit, kLimit));
}

}  // namespace

void SchemaReader::number(const Key& k, double& value) {
  value = k.required ? m_r.number(k.name, k.min, k.max) : m_r.number(k.name, value, k.min, k.max);
}

void SchemaReader::integer(const Key& k, int& value) {
  const std::int64_t lo = std::max<std::int64_t>(bound(k.min), INT32_MIN), hi = std::min<std::int64_t>(bound(k.max), INT32_MAX);
  value = static_cast<int>(k.required ? m_r.integer(k.name, lo, hi) : m_r.integer(k.name, value, lo, hi));
}

void SchemaReader::wide(const Key& k, std::uint64_t& value) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  value = static_cast<std::uint64_t>(k.required ? m_r.integer(k.name, 0, kMax)
                                                : m_r.integer(k.name, static_cast<std::int64_t>(value), 0, kMax));
}

void SchemaReader::boolean(const Key& k, bool& value) { value = m_r.boolean(k.name, value); }

void SchemaReader::numbers(const Key& k, std::vector<double>& values) {
  if (!k.required && !m_r.has(k.name)) return;
  values = m_r.numbers(k.name, k.min, k.max);
}

void SchemaReader::named(const Key& k, int& index, const std::vector<std::string>& names, std::string_view what) {
  if (!k.required && !m_r.has(k.name)) return;
  index = indexByName(m_r, k.name, m_r.text(k.name), names, std::string(what).c_str());
}

void SchemaReader::namedList(const Key& k, std::vector<int>& indices, const std::vector<std::string>& names,
                             std::string_view what) {
  if (!m_r.has(k.name)) return;
  indices.clear();
  for (const std::string& name : m_r.texts(k.name))
    indices.push_back(indexByName(m_r, k.name, name, names, std::string(what).c_str()));
}

void SchemaReader::file(const Key& /*k*/, const std::string& /*path*/) {}  // the importer reads it

void SchemaReader::text(const Key& k, std::string& value) {
  value = k.required ? m_r.text(k.name) : m_r.text(k.name, value);
}

void SchemaReader::choice(const Key& k, int& value, const std::vector<std::string>& names) {
  const std::string name =
      k.required ? m_r.choice(k.name, names) : m_r.choice(k.name, names[static_cast<std::size_t>(value)], names);
  value = static_cast<int>(std::find(names.begin(), names.end(), name) - names.begin());
}

void SchemaReader::choices(const Key& k, std::vector<int>& values, const std::vector<std::string>& names) {
  if (!m_r.has(k.name)) return;
  values.clear();
  for (const std::string& name : m_r.choices(k.name, names))
    values.push_back(static_cast<int>(std::find(names.begin(), names.end(), name) - names.begin()));
}

void SchemaReader::groupRef(const Key& k, int& group) {
  if (!k.required && !m_r.has(k.name)) return;
  group = indexByName(m_r, k.name, m_r.text(k.name), m_groups, "member group");
}

void SchemaReader::list(const Key& k, ListAccess& items) {
  std::vector<Reader> readers = m_r.list(k.name);
  items.resize(readers.size());
  for (std::size_t i = 0; i < readers.size(); ++i) {
    SchemaReader item(readers[i], m_groups);
    items.fields(i, item);
    items.check(i, ReaderChecker(readers[i]));
    readers[i].finish();
  }
}

void SchemaReader::section(const Key& k, bool& present, const std::function<void(FieldVisitor&)>& fields,
                           const std::function<void(const Checker&)>& check) {
  std::optional<Reader> sub = m_r.optionalMap(k.name);
  if (!sub) return;
  present = true;
  SchemaReader inner(*sub, m_groups);
  fields(inner);
  if (check) check(ReaderChecker(*sub));
  sub->finish();
}

void SchemaReader::check(const std::function<void(const Checker&)>& check) { check(ReaderChecker(m_r)); }

void SchemaWriter::number(const Key& k, double& value) { m_n[std::string(k.name)] = value; }
void SchemaWriter::integer(const Key& k, int& value) { m_n[std::string(k.name)] = value; }
void SchemaWriter::wide(const Key& k, std::uint64_t& value) { m_n[std::string(k.name)] = value; }
void SchemaWriter::boolean(const Key& k, bool& value) { m_n[std::string(k.name)] = value; }

void SchemaWriter::numbers(const Key& k, std::vector<double>& values) {
  if (values.empty()) return;
  YAML::Node list = m_n[std::string(k.name)];
  for (double v : values) list.push_back(v);
  if (k.flow) list.SetStyle(YAML::EmitterStyle::Flow);
}

void SchemaWriter::named(const Key& k, int& index, const std::vector<std::string>& names, std::string_view /*what*/) {
  if (index >= 0) m_n[std::string(k.name)] = names[static_cast<std::size_t>(index)];
}

void SchemaWriter::namedList(const Key& k, std::vector<int>& indices, const std::vector<std::string>& names,
                             std::string_view /*what*/) {
  for (int i : indices) m_n[std::string(k.name)].push_back(names[static_cast<std::size_t>(i)]);
}

void SchemaWriter::file(const Key& k, const std::string& path) {
  if (!path.empty()) m_n[std::string(k.name)] = writtenPath(path, m_base);
}
void SchemaWriter::text(const Key& k, std::string& value) { m_n[std::string(k.name)] = value; }

void SchemaWriter::choice(const Key& k, int& value, const std::vector<std::string>& names) {
  m_n[std::string(k.name)] = names[static_cast<std::size_t>(value)];
}

void SchemaWriter::choices(const Key& k, std::vector<int>& values, const std::vector<std::string>& names) {
  YAML::Node list(YAML::NodeType::Sequence);  // an empty list is written as []
  for (int v : values) list.push_back(names[static_cast<std::size_t>(v)]);
  m_n[std::string(k.name)] = list;
}

void SchemaWriter::groupRef(const Key& k, int& group) {
  if (group >= 0) m_n[std::string(k.name)] = m_spec.groups[static_cast<std::size_t>(group)].name;
}

void SchemaWriter::list(const Key& k, ListAccess& items) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    YAML::Node item(YAML::NodeType::Map);  // allocated now, so that the writer's copy refers to it
    SchemaWriter writer(item, m_spec, m_base);
    items.fields(i, writer);
    m_n[std::string(k.name)].push_back(item);
  }
}

void SchemaWriter::section(const Key& k, bool& present, const std::function<void(FieldVisitor&)>& fields,
                           const std::function<void(const Checker&)>& /*check*/) {
  if (!present) return;
  SchemaWriter inner(m_n[std::string(k.name)], m_spec, m_base);
  fields(inner);
}

namespace {

std::string rangeText(const Key& k) {
  const bool lo = std::isfinite(k.min), hi = std::isfinite(k.max);
  std::string range = lo && hi ? formatNumber(k.min) + " .. " + formatNumber(k.max)
                      : lo     ? "≥ " + formatNumber(k.min)
                      : hi     ? "≤ " + formatNumber(k.max)
                               : "";
  if (!k.unit.empty()) range += (range.empty() ? "" : ", ") + std::string(k.unit);
  return range;
}

}  // namespace

void SchemaDocs::row(const Key& k, const std::string& type, const std::string& fallback, const std::string& range) {
  const std::string shown = k.required ? "required" : !k.fallback.empty() ? std::string(k.fallback) : fallback;
  m_rows += "| `" + m_prefix + std::string(k.name) + "` | " + type + " | " + shown +
            " | " + range + " | " + std::string(k.doc) + " |\n";
}

void SchemaDocs::number(const Key& k, double& value) { row(k, "number", formatNumber(value), rangeText(k)); }
void SchemaDocs::integer(const Key& k, int& value) { row(k, "integer", std::to_string(value), rangeText(k)); }
void SchemaDocs::wide(const Key& k, std::uint64_t& value) { row(k, "integer", std::to_string(value), rangeText(k)); }
void SchemaDocs::boolean(const Key& k, bool& value) { row(k, "boolean", value ? "true" : "false", ""); }

void SchemaDocs::numbers(const Key& k, std::vector<double>& values) {
  std::string fallback;
  for (double v : values) fallback += (fallback.empty() ? "" : ", ") + formatNumber(v);
  const std::string range = rangeText(k);
  row(k, "list of numbers", "[" + fallback + "]", range.empty() ? "" : "each " + range);
}

void SchemaDocs::named(const Key& k, int& /*index*/, const std::vector<std::string>& /*names*/, std::string_view what) {
  row(k, "name", "none", std::string(what));
}

void SchemaDocs::namedList(const Key& k, std::vector<int>& /*indices*/, const std::vector<std::string>& /*names*/,
                           std::string_view what) {
  row(k, "list of names", "[]", std::string("each a ") + std::string(what));
}

void SchemaDocs::file(const Key& k, const std::string& /*path*/) { row(k, "file", "none", ""); }
void SchemaDocs::text(const Key& k, std::string& value) { row(k, "text", value.empty() ? "\"\"" : value, ""); }

void SchemaDocs::choice(const Key& k, int& value, const std::vector<std::string>& names) {
  std::string all;
  for (const std::string& n : names) all += (all.empty() ? "" : ", ") + n;
  row(k, "one of " + all, names[static_cast<std::size_t>(value)], "");
}

void SchemaDocs::choices(const Key& k, std::vector<int>& values, const std::vector<std::string>& names) {
  std::string all, fallback;
  for (const std::string& n : names) all += (all.empty() ? "" : ", ") + n;
  for (int v : values) fallback.append(fallback.empty() ? "" : ", ").append(names[static_cast<std::size_t>(v)]);
  row(k, "list of " + all, "[" + fallback + "]", "");
}

void SchemaDocs::groupRef(const Key& k, int& /*group*/) { row(k, "member group", "none", "a group defined above"); }

void SchemaDocs::list(const Key& k, ListAccess& items) {
  row(k, "list", "[]", "");
  items.resize(1);  // one item at its defaults documents the item's keys
  SchemaDocs item(m_prefix + std::string(k.name) + "[].");
  items.fields(0, item);
  m_rows += item.rows();
}

void SchemaDocs::section(const Key& k, bool& /*present*/, const std::function<void(FieldVisitor&)>& fields,
                         const std::function<void(const Checker&)>& /*check*/) {
  row(k, "mapping", "off", "");
  SchemaDocs inner(m_prefix + std::string(k.name) + ".");
  fields(inner);
  m_rows += inner.rows();
}

namespace {

constexpr const char* kTableHead = "| key | type | default | range, unit | meaning |\n|---|---|---|---|---|\n";

std::string mechanismsMarkdown() {
  std::string out;
  for (const MechanismEntry& e : mechanismRegistry()) {
    std::unique_ptr<MechanismSpec> spec = e.makeSpec();
    SchemaDocs docs;
    const ScenarioSpec scenario;
    e.fields(*spec, docs, scenario);
    if (e.groupFields) {  // its keys in each member group's mapping
      const MemberGroupSpec group;
      for (GroupSlot slot : kGroupSlots) {
        SchemaDocs groupDocs(groupSlotPath(slot));
        e.groupFields(*spec, groupDocs, scenario, group, 0, slot);
        docs.append(groupDocs);
      }
    }
    out += "#### " + std::string(e.name) + "\n\n" + std::string(e.doc) + "\n\n";
    if (docs.rows().empty()) continue;  // no keys of its own
    out += kTableHead + docs.rows() + "\n";
  }
  return out;
}

/// Visits the keys of reference section `section` (see referenceSections) with `v`; false for
/// an unknown section. Mechanisms' keys in member groups are left to their own section.
bool visitSection(std::string_view section, FieldVisitor& v) {
  ScenarioSpec scenario;
  if (section == "top") {
    scenario.fields(v);
    scenario.outputFields(v);
  } else if (section == "brands") {
    BrandSpec().fields(v);
  } else if (section == "territories") {
    TerritorySpec().fields(v, scenario);
  } else if (section == "members") {
    MemberGroupSpec().fields(v, scenario, [](FieldVisitor&, GroupSlot) {});
  } else if (section == "consumers") {
    scenario.consumers.segments.push_back(SegmentSpec{.name = "all"});  // the one item that documents a segment
    scenario.consumers.fields(v);
  } else {
    return false;
  }
  return true;
}

}  // namespace

const std::vector<std::string>& referenceSections() {
  static const std::vector<std::string> sections = {"top", "brands", "territories", "members", "consumers", "mechanisms"};
  return sections;
}

std::string referenceMarkdown(std::string_view section) {
  if (section == "mechanisms") return mechanismsMarkdown();
  SchemaDocs docs;
  if (!visitSection(section, docs)) throw std::invalid_argument("unknown reference section '" + std::string(section) + "'");
  return kTableHead + docs.rows();
}

namespace {

/// Collects the names of keys whose values are text (names, choices, references, files).
class TextKeys final : public FieldVisitor {
 public:
  explicit TextKeys(std::set<std::string>& out) : m_out(out) {}
  Purpose purpose() const override { return Purpose::Document; }
  void number(const Key&, double&) override {}
  void integer(const Key&, int&) override {}
  void wide(const Key&, std::uint64_t&) override {}
  void boolean(const Key&, bool&) override {}
  void text(const Key& k, std::string&) override { add(k); }
  void choice(const Key& k, int&, const std::vector<std::string>&) override { add(k); }
  void choices(const Key& k, std::vector<int>&, const std::vector<std::string>&) override { add(k); }
  void numbers(const Key&, std::vector<double>&) override {}
  void groupRef(const Key& k, int&) override { add(k); }
  void named(const Key& k, int&, const std::vector<std::string>&, std::string_view) override { add(k); }
  void namedList(const Key& k, std::vector<int>&, const std::vector<std::string>&, std::string_view) override { add(k); }
  void file(const Key& k, const std::string&) override { add(k); }
  void list(const Key&, ListAccess& items) override {
    items.resize(1);
    items.fields(0, *this);
  }
  void section(const Key&, bool&, const std::function<void(FieldVisitor&)>& fields,
               const std::function<void(const Checker&)>&) override {
    fields(*this);
  }
  void check(const std::function<void(const Checker&)>&) override {}

 private:
  void add(const Key& k) { m_out.insert(std::string(k.name)); }
  std::set<std::string>& m_out;
};

}  // namespace

const std::set<std::string>& textKeyNames() {
  static const std::set<std::string> names = [] {
    std::set<std::string> out;
    TextKeys keys(out);
    for (const std::string& section : referenceSections()) visitSection(section, keys);
    const ScenarioSpec scenario;
    const MemberGroupSpec group;
    for (const MechanismEntry& e : mechanismRegistry()) {
      std::unique_ptr<MechanismSpec> spec = e.makeSpec();
      e.fields(*spec, keys, scenario);
      if (e.groupFields)
        for (GroupSlot slot : kGroupSlots) e.groupFields(*spec, keys, scenario, group, 0, slot);
    }
    return out;
  }();
  return names;
}

}  // namespace chan::io
