#include "sim/serve/controls.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <string>

#include "mechanisms/mechanism.hpp"
#include "sim/core/names.hpp"
#include "sim/core/schema.hpp"

namespace chan::serve {
namespace {

using nlohmann::json;

// mechanisms the form offers to switch on when a scenario leaves them off (the levers a team
// reaches for first); others appear when the scenario uses them (the YAML view adds any)
constexpr std::array<std::string_view, 1> kOfferedWhenOff = {"monitoring_enforcement"};

json bound(double v) { return std::isfinite(v) ? json(v) : json(); }

json control(const std::string& path, const std::string& label, const char* type, json value, const Key& k) {
  return {{"path", path},        {"label", label},       {"type", type},
          {"value", value},      {"min", bound(k.min)},  {"max", bound(k.max)},
          {"unit", std::string(k.unit)}, {"doc", std::string(k.doc)}};
}

/// Controls of a mechanism section as its schema declares them: every number, integer, boolean
/// and choice the scenario gives (text keys and member-group references: the YAML view).
class ControlCollector final : public FieldVisitor {
 public:
  /// Controls named `prefix` + key (their path) and labelled `label` + key. Write: the keys a
  /// scenario gives (present sections only); Document: every key, absent sections included,
  /// their `enabled` shown false.
  ControlCollector(json& out, std::string prefix, std::string label = "", Purpose purpose = Purpose::Write)
      : m_out(out), m_prefix(std::move(prefix)), m_label(std::move(label)), m_purpose(purpose) {}
  Purpose purpose() const override { return m_purpose; }
  void number(const Key& k, double& value) override { add(k, "number", value); }
  void integer(const Key& k, int& value) override { add(k, "integer", value); }
  void wide(const Key& k, std::uint64_t& value) override { add(k, "integer", value); }
  void boolean(const Key& k, bool& value) override { add(k, "boolean", value); }
  void text(const Key&, std::string&) override {}
  void choice(const Key& k, int& value, const std::vector<std::string>& names) override {
    json c = control(path(k), m_label + std::string(k.name), "choice", names[static_cast<std::size_t>(value)], k);
    c["options"] = names;
    m_out.push_back(std::move(c));
  }
  void choices(const Key&, std::vector<int>&, const std::vector<std::string>&) override {}  // lists: the YAML view
  void groupRef(const Key&, int&) override {}
  // lists of numbers, names and files: the YAML view
  void numbers(const Key&, std::vector<double>&) override {}
  void named(const Key&, int&, const std::vector<std::string>&, std::string_view) override {}
  void namedList(const Key&, std::vector<int>&, const std::vector<std::string>&, std::string_view) override {}
  void file(const Key&, const std::string&) override {}
  void list(const Key& k, ListAccess& items) override {
    for (std::size_t i = 0; i < items.size(); ++i) {
      ControlCollector item(m_out, path(k) + "[" + std::to_string(i) + "].", "", m_purpose);
      items.fields(i, item);
    }
  }
  void section(const Key& k, bool& present, const std::function<void(FieldVisitor&)>& fields,
               const std::function<void(const Checker&)>&) override {
    if (!present && m_purpose == Purpose::Write) return;
    const bool given = present;  // a section's fields may switch `present` on as they are visited
    const std::size_t first = m_out.size();
    ControlCollector inner(m_out, path(k) + ".", "", m_purpose);
    fields(inner);
    if (!given)
      for (std::size_t c = first; c < m_out.size(); ++c)
        if (m_out[c]["path"] == path(k) + ".enabled") m_out[c]["value"] = false;
  }
  void check(const std::function<void(const Checker&)>&) override {}

 private:
  std::string path(const Key& k) const { return m_prefix + std::string(k.name); }
  void add(const Key& k, const char* type, json value) {
    m_out.push_back(control(path(k), m_label.empty() ? path(k) : m_label + std::string(k.name), type, value, k));
  }

  json& m_out;
  std::string m_prefix, m_label;
  Purpose m_purpose;
};

/// Appends the controls of core keys `keys` ({path below `prefix`, label}, in that order) with
/// the bounds, unit and doc that the core schema declares in `fields` (sim/core/spec_schema.cpp).
void addCore(json& out, const std::string& prefix, const std::function<void(FieldVisitor&)>& fields,
             const std::vector<std::pair<std::string, std::string>>& keys) {
  json all = json::array();
  ControlCollector collector(all, prefix);
  fields(collector);
  for (const auto& [path, label] : keys)
    for (json& c : all)
      if (c["path"] == prefix + path) {
        c["label"] = label;
        out.push_back(c);
      }
}

}  // namespace

json controlsOf(const ScenarioSpec& spec) {
  json sections = json::array();
  auto section = [&](const std::string& title) -> json& {
    sections.push_back({{"title", title}, {"controls", json::array()}});
    return sections.back()["controls"];
  };

  auto& scenario = const_cast<ScenarioSpec&>(spec);  // Write visits only read
  json& run = section("Run");
  addCore(run, "", [&](FieldVisitor& v) { scenario.fields(v); }, {{"ticks", "ticks"}, {"seed", "seed"}});
  addCore(run, "consumers.", [&](FieldVisitor& v) { scenario.consumers.fields(v); }, {{"count", "consumers"}});

  for (std::size_t b = 0; b < spec.brands.size(); ++b) {
    json& c = section("Brand " + spec.brands[b].name);
    addCore(c, "brands[" + std::to_string(b) + "].", [&](FieldVisitor& v) { scenario.brands[b].fields(v); },
            {{"unit_cost", "unit cost"}, {"suggested_retail_price", "MSRP"}, {"min_advertised_price", "MAP"}});
  }

  json& groups = section("Member groups");
  json outletGroups = json::array();
  for (std::size_t g = 0; g < spec.groups.size(); ++g) {
    const MemberGroupSpec& group = spec.groups[g];
    const std::string at = "members[" + std::to_string(g) + "].";
    std::vector<std::pair<std::string, std::string>> keys = {{"count", group.name + ": members"}};  // (imported: none)
    if (group.pricing.rule == PricingRule::CostPlus) keys.push_back({"pricing.markup", group.name + ": markup"});
    if (group.pricing.rule == PricingRule::Fixed) keys.push_back({"pricing.price", group.name + ": price"});
    // the territory design: which of several supplier members a member buys from
    if (group.supplierGroup >= 0 && spec.groups[static_cast<std::size_t>(group.supplierGroup)].count > 1)
      keys.push_back({"supplier_rule", group.name + ": supplier rule"});
    addCore(groups, at,
            [&](FieldVisitor& v) { scenario.groups[g].fields(v, spec, [](FieldVisitor&, GroupSlot) {}); }, keys);
    // the keys registered mechanisms declare in the group's mapping (territory rights, terms)
    for (std::size_t i = 0; i < mechanismRegistry().size(); ++i) {
      const MechanismEntry& entry = mechanismRegistry()[i];
      if (!entry.groupFields) continue;
      for (GroupSlot slot : {GroupSlot::Territories, GroupSlot::Terms, GroupSlot::Economics}) {
        if (slot == GroupSlot::Territories && group.territories.empty()) continue;
        ControlCollector collector(groups, at + (slot == GroupSlot::Terms ? "terms." : ""), group.name + ": ");
        entry.groupFields(const_cast<MechanismSpec&>(sectionOf(spec, i)), collector, spec, group, g, slot);
      }
    }
    if (isOutlet(group.kind))
      outletGroups.push_back({{"name", group.name}, {"kind", names::of(names::kMemberKinds, group.kind)}});
  }

  for (std::size_t i = 0; i < mechanismRegistry().size(); ++i) {
    const MechanismEntry& entry = mechanismRegistry()[i];
    const bool used = entry.used(sectionOf(spec, i));
    json found = json::array(), given = json::array();
    if (used) {  // the keys the scenario gives, with its values
      ControlCollector collector(given, "", "", FieldVisitor::Purpose::Write);
      entry.fields(const_cast<MechanismSpec&>(sectionOf(spec, i)), collector, spec);  // Write: only reads
    }
    if (std::find(kOfferedWhenOff.begin(), kOfferedWhenOff.end(), entry.name) != kOfferedWhenOff.end()) {
      // every key of its sections, `enabled` included (off where the scenario leaves a section
      // out), so that the form can switch each on or off; the scenario's values where it gives them
      const std::unique_ptr<MechanismSpec> defaults = entry.makeSpec();
      ControlCollector collector(found, "", "", FieldVisitor::Purpose::Document);
      entry.fields(*defaults, collector, spec);
      for (json& c : found) {
        const std::string path = c["path"];
        const std::string sectionPrefix = path.substr(0, path.rfind('.') + 1);
        for (const json& g : given) {
          const std::string gp = g["path"];
          if (gp == path) c["value"] = g["value"];
          if (path.ends_with(".enabled") && gp.rfind(sectionPrefix, 0) == 0) c["value"] = true;
        }
      }
    } else {
      found = given;
    }
    if (!found.empty()) section("Mechanism: " + std::string(entry.name)) = found;
  }
  return {{"sections", sections}, {"outlet_groups", outletGroups}};
}

}  // namespace chan::serve
