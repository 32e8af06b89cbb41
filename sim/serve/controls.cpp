#include "sim/serve/controls.hpp"

#include <cmath>
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
  /// Controls named `prefix` + key (their path) and labelled `label` + key.
  ControlCollector(json& out, std::string prefix, std::string label = "")
      : m_out(out), m_prefix(std::move(prefix)), m_label(std::move(label)) {}
  Purpose purpose() const override { return Purpose::Write; }
  void number(const Key& k, double& value) override { add(k, "number", value); }
  void integer(const Key& k, int& value) override { add(k, "integer", value); }
  void boolean(const Key& k, bool& value) override { add(k, "boolean", value); }
  void text(const Key&, std::string&) override {}
  void choice(const Key& k, int& value, const std::vector<std::string>& names) override {
    json c = control(path(k), m_label + std::string(k.name), "choice", names[static_cast<std::size_t>(value)], k);
    c["options"] = names;
    m_out.push_back(std::move(c));
  }
  void groupRef(const Key&, int&) override {}
  void list(const Key& k, ListAccess& items) override {
    for (std::size_t i = 0; i < items.size(); ++i) {
      ControlCollector item(m_out, path(k) + "[" + std::to_string(i) + "].");
      items.fields(i, item);
    }
  }
  void section(const Key& k, bool& present, const std::function<void(FieldVisitor&)>& fields,
               const std::function<void(const Checker&)>&) override {
    if (!present) return;
    ControlCollector inner(m_out, path(k) + ".");
    fields(inner);
  }
  void check(const std::function<void(const Checker&)>&) override {}

 private:
  std::string path(const Key& k) const { return m_prefix + std::string(k.name); }
  void add(const Key& k, const char* type, json value) {
    m_out.push_back(control(path(k), m_label.empty() ? path(k) : m_label + std::string(k.name), type, value, k));
  }

  json& m_out;
  std::string m_prefix, m_label;
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

  json& control_ = section("Monitoring and enforcement");
  control_.push_back(control("monitoring.enabled", "monitoring on", "boolean", spec.monitoring.enabled,
                             {"enabled", "the manufacturer watches advertised prices (and diversion)"}));
  control_.push_back(control("monitoring.online_detection", "online detection", "number",
                             spec.monitoring.onlineDetection,
                             {"online_detection", "chance per day that an online undercut is seen", "fraction", 0, 1}));
  control_.push_back(control("monitoring.offline_detection", "offline detection", "number",
                             spec.monitoring.offlineDetection,
                             {"offline_detection", "chance per day that a store's undercut is seen", "fraction", 0, 1}));
  control_.push_back(control("enforcement.enabled", "enforcement on", "boolean", spec.enforcement.enabled,
                             {"enabled", "detected violations are punished along the ladder"}));
  control_.push_back(control("enforcement.fine", "fine", "number", spec.enforcement.fine,
                             {"fine", "fine per detected violation", "currency", 0, kHuge}));

  for (std::size_t i = 0; i < mechanismRegistry().size(); ++i) {
    const MechanismEntry& entry = mechanismRegistry()[i];
    if (!entry.used(sectionOf(spec, i))) continue;
    json found = json::array();
    ControlCollector collector(found, "");
    entry.fields(const_cast<MechanismSpec&>(sectionOf(spec, i)), collector, spec);  // Write: only reads
    if (!found.empty()) section("Mechanism: " + std::string(entry.name)) = found;
  }
  return {{"sections", sections}, {"outlet_groups", outletGroups}};
}

}  // namespace chan::serve
