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

// the loader's bounds (sim/io/scenario_loader.cpp); tests/serve checks each against it
constexpr double kHuge = 1e12;
constexpr double kMaxTicks = 1e7;
constexpr double kMaxConsumers = 5e7;
constexpr double kMaxMembersPerGroup = 1e6;
constexpr double kMaxSeed = 9223372036854775807.0;  // the largest int64
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
  void boolean(const Key& k, bool& value) override { add(k, "boolean", value); }
  void text(const Key&, std::string&) override {}
  void choice(const Key& k, int& value, const std::vector<std::string>& names) override {
    json c = control(path(k), m_label + std::string(k.name), "choice", names[static_cast<std::size_t>(value)], k);
    c["options"] = names;
    m_out.push_back(std::move(c));
  }
  void choices(const Key&, std::vector<int>&, const std::vector<std::string>&) override {}  // lists: the YAML view
  void groupRef(const Key&, int&) override {}
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

}  // namespace

json controlsOf(const ScenarioSpec& spec) {
  json sections = json::array();
  auto section = [&](const std::string& title) -> json& {
    sections.push_back({{"title", title}, {"controls", json::array()}});
    return sections.back()["controls"];
  };

  json& run = section("Run");
  run.push_back(control("ticks", "ticks", "integer", spec.ticks, {"ticks", "days simulated", "ticks", 1, kMaxTicks}));
  run.push_back(control("seed", "seed", "integer", spec.seed,
                        {"seed", "random seed of demand and behaviour (the map keeps its own)", "", 0, kMaxSeed}));
  run.push_back(control("consumers.count", "consumers", "integer", spec.consumers.count,
                        {"count", "consumers on the map", "consumers", 1, kMaxConsumers}));

  for (std::size_t b = 0; b < spec.brands.size(); ++b) {
    const BrandSpec& brand = spec.brands[b];
    const std::string at = "brands[" + std::to_string(b) + "].";
    json& c = section("Brand " + brand.name);
    c.push_back(control(at + "unit_cost", "unit cost", "number", brand.unitCost,
                        {"unit_cost", "production cost", "currency per unit", 0, kHuge}));
    c.push_back(control(at + "suggested_retail_price", "MSRP", "number", brand.suggestedRetail,
                        {"suggested_retail_price", "suggested retail price; 0 = none", "currency per unit", 0, kHuge}));
    c.push_back(control(at + "min_advertised_price", "MAP", "number", brand.minAdvertised,
                        {"min_advertised_price", "minimum advertised price, at most the MSRP; 0 = none",
                         "currency per unit", 0, kHuge}));
  }

  json& groups = section("Member groups");
  json outletGroups = json::array();
  for (std::size_t g = 0; g < spec.groups.size(); ++g) {
    const MemberGroupSpec& group = spec.groups[g];
    const std::string at = "members[" + std::to_string(g) + "].";
    if (!group.table)  // imported groups take their count from the file
      groups.push_back(control(at + "count", group.name + ": members", "integer", group.count,
                               {"count", "members in the group", "members", 1, kMaxMembersPerGroup}));
    if (group.pricing.rule == PricingRule::CostPlus)
      groups.push_back(control(at + "pricing.markup", group.name + ": markup", "number", group.pricing.markup,
                               {"markup", "price = unit cost x (1 + markup)", "fraction", -0.99, 1000}));
    if (group.pricing.rule == PricingRule::Fixed)
      groups.push_back(control(at + "pricing.price", group.name + ": price", "number", group.pricing.price,
                               {"price", "fixed price; 0 = the brand's suggested retail price", "currency per unit", 0,
                                kHuge}));
    // the territory design: which of several supplier members a member buys from, and the
    // rights of groups holding territories
    if (group.supplierGroup >= 0 && spec.groups[static_cast<std::size_t>(group.supplierGroup)].count > 1) {
      groups.push_back(control(at + "supplier_rule", group.name + ": supplier rule", "choice",
                               names::of(names::kSupplierRules, group.supplierRule),
                               {"supplier_rule", "which supplier member each member buys from"}));
      groups.back()["options"] = names::kSupplierRules;
    }
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
