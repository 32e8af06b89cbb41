#include "sim/io/scenario_loader.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "mechanisms/mechanism.hpp"
#include "sim/core/names.hpp"
#include "sim/io/import/scenario_import.hpp"
#include "sim/io/schema_io.hpp"

namespace chan::io {
namespace {

constexpr double kHuge = 1e12;       // bound on money and unit amounts
constexpr double kMaxMap = 1e6;      // km
constexpr std::int64_t kMaxTicks = 10'000'000;
constexpr std::int64_t kMaxMembersPerGroup = 1'000'000;
constexpr double kMaxChoiceEntries = 2e9;  // consumers x choice-set size (memory guard, ~24 GB)

template <class E>
E enumOf(const std::vector<std::string>& table, const std::string& name) {
  return static_cast<E>(std::find(table.begin(), table.end(), name) - table.begin());
}

Distribution readDistribution(Reader r) {
  Distribution d;
  const std::string type = r.choice("dist", names::kDistributions);
  d.type = enumOf<Distribution::Type>(names::kDistributions, type);
  switch (d.type) {
    case Distribution::Type::Constant: d.a = r.number("value", -kHuge, kHuge); break;
    case Distribution::Type::Uniform:
    case Distribution::Type::UniformQuantiles:
      d.a = r.number("low", -kHuge, kHuge);
      d.b = r.number("high", -kHuge, kHuge);
      if (d.b < d.a) r.fail("high", "must not be below low");
      break;
    case Distribution::Type::Normal:
      d.a = r.number("mean", -kHuge, kHuge);
      d.b = r.number("sd", 0, kHuge);
      break;
    case Distribution::Type::LogNormal:
      d.a = r.number("log_mean", -100, 100);
      d.b = r.number("log_sd", 0, 100);
      break;
  }
  r.finish();
  return d;
}

PricingSpec readPricing(Reader r) {
  PricingSpec p;
  p.rule = enumOf<PricingRule>(names::kPricingRules, r.choice("rule", names::kPricingRules));
  p.price = r.number("price", 0, 0, kHuge);
  p.markup = r.number("markup", p.markup, -0.99, 1000);
  p.maxPrice = r.number("max_price", 0, 0, kHuge);
  p.tolerance = r.number("tolerance", p.tolerance, 1e-15, 0.1);
  p.grid = static_cast<int>(r.integer("grid", p.grid, 0, 10000));
  p.reviewPeriod = static_cast<int>(r.integer("review_period", 1, 1, kMaxTicks));
  p.step = r.number("step", p.step, 0, 0.99);
  p.initialLow = r.number("initial_low", 0, 0, kHuge);
  p.initialHigh = r.number("initial_high", 0, 0, kHuge);
  if (p.initialHigh < p.initialLow) r.fail("initial_high", "must not be below initial_low");
  p.undercut = r.number("undercut", p.undercut, 0, 0.99);
  p.believedDetection = r.number("believed_detection", p.believedDetection, 0, 1);
  r.finish();
  return p;
}

ReplenishSpec readReplenish(Reader r) {
  ReplenishSpec s;
  s.rule = enumOf<ReplenishRule>(names::kReplenishRules, r.choice("rule", names::kReplenishRules));
  s.coverDays = r.number("cover_days", s.coverDays, 0, 10000);
  s.forecastWindow = static_cast<int>(r.integer("window", s.forecastWindow, 1, 3650));
  if (auto f = r.optionalMap("forecast")) {
    ForecastSpec& fc = s.forecast;
    fc.method = enumOf<ForecastMethod>(names::kForecastMethods, f->choice("method", names::kForecastMethods));
    fc.alpha = f->number("alpha", fc.alpha, 0, 1);
    fc.beta = f->number("beta", fc.beta, 0, 1);
    fc.gamma = f->number("gamma", fc.gamma, 0, 1);
    fc.season = static_cast<int>(f->integer("season", fc.season, 2, 3650));
    fc.multiplicative = f->choice("seasonality", "additive", names::kSeasonalities) == "multiplicative";
    f->finish();
  }
  s.reorderPoint = r.number("reorder_point", 0, 0, kHuge);
  s.orderUpTo = r.number("order_up_to", 0, 0, kHuge);
  s.initialStock = r.number("initial_stock", 0, 0, kHuge);
  if (s.rule == ReplenishRule::MinMax && s.orderUpTo <= s.reorderPoint)
    r.fail("order_up_to", "must be above reorder_point for min_max");
  r.finish();
  return s;
}

SegmentSpec readSegment(Reader r) {
  SegmentSpec s;
  s.name = r.text("name");
  s.share = r.number("share", 1, 0, 1e9);
  if (auto v = r.optionalMap("valuation")) s.valuation = readDistribution(*v);
  s.priceSensitivity = r.number("price_sensitivity", s.priceSensitivity, 0, 1e6);
  s.travelCost = r.number("travel_cost", s.travelCost, 0, 1e6);
  s.deliveryCost = r.number("delivery_cost", s.deliveryCost, 0, 1e6);
  s.onlinePreference = r.number("online_preference", 0, -1e6, 1e6);
  s.serviceWeight = r.number("service_weight", s.serviceWeight, -1e6, 1e6);
  s.purchaseProbability = r.number("purchase_probability", s.purchaseProbability, 0, 1);
  s.noise = r.number("noise", s.noise, 0, 1e9);  // 0: exact choice (models/consumer_choice.hpp)
  // utilities are divided by the noise: below this they overflow the weights
  if (s.noise > 0 && s.noise < 1e-9) r.fail("noise", "must be 0 (exact choice) or at least 1e-09");
  s.outsideOption = r.boolean("outside_option", true);
  r.finish();
  return s;
}

ConsumerSpec readConsumers(Reader r, const ScenarioSpec& spec) {
  ConsumerSpec c;
  c.count = r.has("from_csv") ? 0 : static_cast<int>(r.integer("count", 1, kMaxCount));  // from_csv: the file's
  c.weight = r.number("weight", 1, 1e-12, 1e9);
  c.placement = r.choice("placement", "cities", names::kPlacements);
  c.urbanShare = r.number("urban_share", c.urbanShare, 0, 1);
  if (auto cs = r.optionalMap("choice_set")) {
    c.nearest = static_cast<int>(cs->integer("nearest", c.nearest, 0, 1000));
    c.radius = cs->number("radius", 0, 0, kMaxMap);
    cs->finish();
  }
  c.expected = r.choice("mode", "sampled", {"sampled", "expected"}) == "expected";
  c.substitution = r.boolean("substitution", true);
  if (r.has("stock_visible")) {
    c.stockVisible.clear();
    for (const std::string& kind : r.choices("stock_visible", names::kMemberKinds)) {
      const auto k = enumOf<MemberKind>(names::kMemberKinds, kind);
      if (!isOutlet(k)) r.fail("stock_visible", "'" + kind + "' is not an outlet kind");
      c.stockVisible.push_back(k);
    }
  }
  for (Reader& s : r.list("segments")) c.segments.push_back(readSegment(s));
  if (c.segments.empty()) c.segments.push_back(SegmentSpec{.name = "all"});
  if (c.segments.size() > 255) r.fail("segments", "at most 255 segments");
  double shares = 0;
  for (const auto& s : c.segments) shares += s.share;
  if (!(shares > 0)) r.fail("segments", "shares must add up to more than 0");
  if (r.has("from_csv")) {  // imported places (README "Import")
    c.table = importConsumers(r, spec, c);
    c.count = static_cast<int>(c.table->x.size());
  }
  r.finish();
  return c;
}

/// The sections of the registered mechanisms being read, by registration index.
using Sections = std::vector<std::shared_ptr<MechanismSpec>>;

/// Reads the keys the registered mechanisms declare at `slot` of group g's mapping (g is being
/// read: its index is spec.groups.size()).
void readGroupKeys(Reader& r, const ScenarioSpec& spec, const MemberGroupSpec& g,
                   const std::vector<std::string>& groupNames, Sections& sections, GroupSlot slot) {
  for (std::size_t i = 0; i < sections.size(); ++i) {
    const MechanismEntry& entry = mechanismRegistry()[i];
    if (!entry.groupFields) continue;
    SchemaReader reader(r, groupNames);
    entry.groupFields(*sections[i], reader, spec, g, spec.groups.size(), slot);
  }
}

MemberGroupSpec readGroup(Reader r, const ScenarioSpec& spec, const std::vector<std::string>& brandNames,
                          const std::vector<std::string>& territoryNames, const std::vector<std::string>& groupNames,
                          Sections& sections) {
  MemberGroupSpec g;
  g.name = r.text("group");
  if (std::find(groupNames.begin(), groupNames.end(), g.name) != groupNames.end())
    r.fail("group", "duplicate group name '" + g.name + "'");
  g.kind = enumOf<MemberKind>(names::kMemberKinds, r.choice("kind", names::kMemberKinds));
  g.count = static_cast<int>(r.integer("count", 1, 1, kMaxMembersPerGroup));
  if (r.has("brand")) {
    g.brand = indexByName(r, "brand", r.text("brand"), brandNames, "brand");
  } else if (g.kind == MemberKind::Manufacturer && brandNames.size() > 1) {
    r.fail("brand", "required for a manufacturer when the scenario has several brands");
  }
  if (g.kind == MemberKind::Manufacturer || g.kind == MemberKind::Logistics) {
    if (r.has("supplier")) r.fail("supplier", std::string("a ") + kindName(g.kind) + " has no supplier");
  } else {
    const std::string supplier = r.text("supplier");
    g.supplierGroup = indexByName(r, "supplier", supplier, groupNames, "supplier group (define it above)");
    const MemberGroupSpec& s = spec.groups[static_cast<std::size_t>(g.supplierGroup)];
    if (s.kind == MemberKind::Logistics) r.fail("supplier", "group '" + supplier + "' is a logistics provider and sells no goods");
    // (an outlet's revenue is consumer spending in every metric, so no outlet sells to members)
    if (isOutlet(s.kind)) r.fail("supplier", "group '" + supplier + "' is an outlet and cannot supply others");
    if (!r.has("brand")) g.brand = s.brand;
  }
  if (r.has("owner")) {
    const std::string owner = r.text("owner");
    g.ownerGroup = indexByName(r, "owner", owner, groupNames, "owner group (define it above)");
    if (spec.groups[static_cast<std::size_t>(g.ownerGroup)].count != 1)
      r.fail("owner", "the owner group '" + owner + "' must have count 1");
    if (spec.groups[static_cast<std::size_t>(g.ownerGroup)].pricing.rule != PricingRule::BestResponse)
      r.fail("owner", "the owner group '" + owner + "' must price by best_response (it decides jointly)");
  }
  g.supplierRule = enumOf<SupplierRule>(names::kSupplierRules, r.choice("supplier_rule", "territory", names::kSupplierRules));
  for (const std::string& t : r.texts("territories"))
    g.territories.push_back(indexByName(r, "territories", t, territoryNames, "territory"));
  readGroupKeys(r, spec, g, groupNames, sections, GroupSlot::Territories);
  g.placement = r.choice("placement", "cities", names::kPlacements);
  if (auto t = r.optionalMap("terms")) {
    g.discount = t->number("discount", 0, 0, 1);
    g.leadTime = static_cast<int>(t->integer("lead_time", g.leadTime, 0, 3650));
    g.minOrder = t->number("min_order", 0, 0, kHuge);
    g.fixedFee = t->number("fixed_fee", 0, 0, kHuge);
    readGroupKeys(*t, spec, g, groupNames, sections, GroupSlot::Terms);
    if (t->has("logistics")) {
      const std::string provider = t->text("logistics");
      g.logisticsGroup = indexByName(*t, "logistics", provider, groupNames, "logistics group (define it above)");
      const MemberGroupSpec& lg = spec.groups[static_cast<std::size_t>(g.logisticsGroup)];
      if (lg.kind != MemberKind::Logistics) t->fail("logistics", "group '" + provider + "' is not of kind logistics");
      // the provider's lead time is the link's lead time
      if (t->has("lead_time")) t->fail("lead_time", "the logistics provider's lead_time applies: give one or the other");
      g.leadTime = lg.carriage.leadTime;
    }
    t->finish();
    if (g.supplierGroup < 0 && g.logisticsGroup >= 0) r.fail("terms", "only a group with a supplier has supply terms");
  }
  if (auto c = r.optionalMap("logistics")) {
    if (g.kind != MemberKind::Logistics) r.fail("logistics", "only a group of kind logistics offers carriage");
    g.carriage.leadTime = static_cast<int>(c->integer("lead_time", g.carriage.leadTime, 0, 3650));
    g.carriage.delayProbability = c->number("delay_probability", 0, 0, 1);
    g.carriage.delayTicks = static_cast<int>(c->integer("delay_ticks", 0, 0, 3650));
    g.carriage.feePerUnit = c->number("fee_per_unit", 0, 0, kHuge);
    c->finish();
  }
  g.fixedCost = r.number("fixed_cost", -1, 0, kHuge);
  g.holdingCost = r.number("holding_cost", -1, 0, kHuge);
  g.shippingCost = r.number("shipping_cost", -1, 0, kHuge);
  g.commission = r.number("commission", -1, 0, 1);
  readGroupKeys(r, spec, g, groupNames, sections, GroupSlot::Economics);
  g.serviceLevel = r.number("service_level", -1, 0, 1);
  g.deliveryDays = r.number("delivery_days", -1, 0, 365);
  g.reach = r.number("reach", -1, 0, 1);
  g.valuationFactor = r.number("valuation_factor", 1, 0, 1e6);
  g.initialCash = r.number("initial_cash", 0, -kHuge, kHuge);
  g.priceFactors = r.numbers("price_factors", 0.01, 100, true);
  if (auto d = r.optionalMap("diversion")) {
    g.divert = d->boolean("enabled", true);
    g.transportCost = d->number("transport_cost", 0, 0, kHuge);
    readGroupKeys(*d, spec, g, groupNames, sections, GroupSlot::Diversion);
    d->finish();
    if (!isOutlet(g.kind)) r.fail("diversion", "only outlets source across territories");
  }
  if (auto role = r.optionalMap("role")) {
    g.serviceLift = role->number("service_lift", 0, 0, 1);
    g.valueLift = role->number("value_lift", 0, 0, 10);
    g.roleCostPerUnit = role->number("cost_per_unit", 0, 0, kHuge);
    role->finish();
  }
  g.reserve = static_cast<int>(r.integer("reserve", 0, 0, kMaxMembersPerGroup));
  // partner reviews recruit reserves of outlets; a provider in reserve would carry while inactive
  if (g.reserve > 0 && g.kind == MemberKind::Logistics) r.fail("reserve", "logistics providers have no reserves");
  g.licenceExpiry = static_cast<int>(r.integer("licence_expiry", 0, 0, kMaxTicks));
  if (auto p = r.optionalMap("pricing")) g.pricing = readPricing(*p);
  if (g.kind == MemberKind::Logistics && r.has("pricing")) r.fail("pricing", "a logistics provider charges logistics.fee_per_unit");
  if (g.kind == MemberKind::Manufacturer || g.kind == MemberKind::Logistics) g.replenish.rule = ReplenishRule::None;
  if (auto p = r.optionalMap("replenishment")) {
    g.replenish = readReplenish(*p);
    if (g.kind == MemberKind::Manufacturer && g.replenish.rule != ReplenishRule::None)
      r.fail("replenishment", "manufacturers produce to order: use rule none");
    if (g.kind == MemberKind::Logistics) r.fail("replenishment", "a logistics provider holds no goods");
  }
  if (r.has("from_csv")) {  // one member per row of the file (README "Import")
    g.table = importMembers(r, spec, g);
    if (g.table->rows.size() > static_cast<std::size_t>(kMaxMembersPerGroup))
      r.fail("from_csv", "more than 1,000,000 rows");
    g.count = static_cast<int>(g.table->rows.size());
  }
  r.finish();
  return g;
}

}  // namespace

ScenarioSpec parseScenario(const YAML::Node& root, const std::string& file) {
  Reader r(root, file, "");
  ScenarioSpec spec;
  spec.name = r.text("name");
  spec.description = r.text("description", "");
  spec.seed = static_cast<std::uint64_t>(r.integer("seed", 1, 0, std::numeric_limits<std::int64_t>::max()));
  // the map's own seed; a document without one draws its map from its seed (files read by
  // loadScenario have it pinned to their own seed before the overrides: pinMapSeed)
  spec.mapSeed = static_cast<std::uint64_t>(
      r.integer("map_seed", static_cast<std::int64_t>(spec.seed), 0, std::numeric_limits<std::int64_t>::max()));
  spec.run = static_cast<int>(r.integer("run", 0, 0, kMaxCount));
  spec.ticks = static_cast<int>(r.integer("ticks", 1, kMaxTicks));
  spec.blockSize = static_cast<int>(r.integer("block_size", spec.blockSize, 64, 1 << 20));
  spec.check = r.boolean("check", false);
  spec.steadyStart = r.boolean("steady_start", spec.steadyStart);
  spec.warmup = static_cast<int>(r.integer("warmup", 0, 0, spec.ticks - 1));
  if (auto c = r.optionalMap("conflict_weights")) {
    auto& cw = spec.conflictWeights;
    cw.given = true;
    cw.undercut = c->number("undercut", 0, 1e6);
    cw.crossTerritory = c->number("cross_territory", 0, 1e6);
    cw.cannibalization = c->number("cannibalization", 0, 1e6);
    if (!(cw.undercut + cw.crossTerritory + cw.cannibalization > 0))
      r.fail("conflict_weights", "at least one weight must be positive");
    c->finish();
  }
  if (auto m = r.optionalMap("map")) {
    spec.width = m->number("width", spec.width, 1e-6, kMaxMap);
    spec.height = m->number("height", spec.height, 1e-6, kMaxMap);
    spec.cityCount = static_cast<int>(m->integer("cities", spec.cityCount, 0, 100000));
    spec.citySpread = m->number("city_spread", spec.citySpread, 0, kMaxMap);
    if (m->has("origin")) spec.origin = readMapOrigin(m->map("origin"));
    m->finish();
  }
  std::vector<std::string> brandNames, territoryNames, groupNames;
  // the sections of the registered mechanisms (mechanisms/), each declared by its own schema:
  // their keys in member groups are read with the groups, their own sections last
  Sections sections;
  for (const MechanismEntry& entry : mechanismRegistry()) sections.push_back(entry.makeSpec());
  for (Reader& b : r.list("brands")) {
    BrandSpec brand;
    brand.name = b.text("name");
    brand.unitCost = b.number("unit_cost", 0, kHuge);
    brand.suggestedRetail = b.number("suggested_retail_price", 0, 0, kHuge);
    brand.minAdvertised = b.number("min_advertised_price", 0, 0, kHuge);
    brand.capacity = b.number("capacity", 0, 0, kHuge);
    if (brand.suggestedRetail > 0 && brand.minAdvertised > brand.suggestedRetail)
      b.fail("min_advertised_price", "must not exceed suggested_retail_price");
    if (std::find(brandNames.begin(), brandNames.end(), brand.name) != brandNames.end())
      b.fail("name", "duplicate brand name '" + brand.name + "'");
    b.finish();
    brandNames.push_back(brand.name);
    spec.brands.push_back(brand);
  }
  if (spec.brands.empty()) r.fail("brands", "at least one brand is required");
  for (Reader& t : r.list("territories")) {
    if (t.has("geojson")) {  // one territory per feature of a GeoJSON file
      importTerritories(t, spec, territoryNames);
      continue;
    }
    TerritorySpec ts;
    ts.name = t.text("name");
    const auto rect = t.numbers("rect", 0, kMaxMap);
    if (rect.size() != 4) t.fail("rect", "expected [x0, y0, x1, y1]");
    ts.x0 = rect[0], ts.y0 = rect[1], ts.x1 = rect[2], ts.y1 = rect[3];
    if (ts.x1 <= ts.x0 || ts.y1 <= ts.y0) t.fail("rect", "needs x0 < x1 and y0 < y1");
    if (ts.x1 > spec.width || ts.y1 > spec.height) t.fail("rect", "lies outside the map");
    t.finish();
    territoryNames.push_back(ts.name);
    spec.territories.push_back(ts);
  }
  for (Reader& g : r.list("members")) {
    spec.groups.push_back(readGroup(g, spec, brandNames, territoryNames, groupNames, sections));
    groupNames.push_back(spec.groups.back().name);
  }
  const bool anyOutlet = std::any_of(spec.groups.begin(), spec.groups.end(), [](const auto& g) { return isOutlet(g.kind); });
  if (!anyOutlet) r.fail("members", "at least one outlet group (a kind that sells to consumers) is required");
  spec.consumers = readConsumers(r.map("consumers"), spec);
  for (std::size_t i = 0; i < sections.size(); ++i) {
    SchemaReader reader(r, groupNames);
    mechanismRegistry()[i].fields(*sections[i], reader, spec);
    spec.mechanisms.push_back(std::move(sections[i]));
  }
  if (auto o = r.optionalMap("outputs")) {  // optional output files
    spec.outputs.memberTimeseries = o->boolean("member_timeseries", false);
    o->finish();
  }
  // memory guard: every consumer holds its nearest stores plus the online outlets
  double online = 0;
  for (const auto& g : spec.groups) online += isOnline(g.kind) ? g.count : 0;
  const double entries = static_cast<double>(spec.consumers.count) * (spec.consumers.nearest + online);
  if (entries > kMaxChoiceEntries)
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

YAML::Node distributionYaml(const Distribution& d) {
  YAML::Node n;
  n["dist"] = names::of(names::kDistributions, d.type);
  switch (d.type) {
    case Distribution::Type::Constant: n["value"] = d.a; break;
    case Distribution::Type::Uniform:
    case Distribution::Type::UniformQuantiles: n["low"] = d.a, n["high"] = d.b; break;
    case Distribution::Type::Normal: n["mean"] = d.a, n["sd"] = d.b; break;
    case Distribution::Type::LogNormal: n["log_mean"] = d.a, n["log_sd"] = d.b; break;
  }
  return n;
}

/// Writes the keys the registered mechanisms declare at `slot` of group `group`'s mapping.
void writeGroupKeys(const ScenarioSpec& spec, std::size_t group, GroupSlot slot, YAML::Node n) {
  for (std::size_t i = 0; i < mechanismRegistry().size(); ++i) {
    const MechanismEntry& entry = mechanismRegistry()[i];
    if (!entry.groupFields) continue;
    // the visitor interface is the reader's too, hence non-const; the writer only reads
    SchemaWriter writer(n, spec);
    entry.groupFields(const_cast<MechanismSpec&>(sectionOf(spec, i)), writer, spec, spec.groups[group], group, slot);
  }
}

YAML::Node groupYaml(const ScenarioSpec& spec, std::size_t group, const std::filesystem::path& base) {
  const MemberGroupSpec& g = spec.groups[group];
  YAML::Node n;
  n["group"] = g.name;
  n["kind"] = names::of(names::kMemberKinds, g.kind);
  if (g.table) n["from_csv"] = writtenPath(g.table->file, base);  // count, places and territories: the file's
  else n["count"] = g.count;
  n["brand"] = spec.brands[static_cast<std::size_t>(g.brand)].name;
  if (g.supplierGroup >= 0) n["supplier"] = spec.groups[static_cast<std::size_t>(g.supplierGroup)].name;
  if (g.ownerGroup >= 0) n["owner"] = spec.groups[static_cast<std::size_t>(g.ownerGroup)].name;
  n["supplier_rule"] = names::of(names::kSupplierRules, g.supplierRule);
  for (int t : g.territories) n["territories"].push_back(spec.territories[static_cast<std::size_t>(t)].name);
  writeGroupKeys(spec, group, GroupSlot::Territories, n);
  if (!g.table) n["placement"] = g.placement;
  n["terms"]["discount"] = g.discount;
  if (g.logisticsGroup >= 0) n["terms"]["logistics"] = spec.groups[static_cast<std::size_t>(g.logisticsGroup)].name;
  else n["terms"]["lead_time"] = g.leadTime;
  n["terms"]["min_order"] = g.minOrder;
  n["terms"]["fixed_fee"] = g.fixedFee;
  writeGroupKeys(spec, group, GroupSlot::Terms, n["terms"]);
  if (g.kind == MemberKind::Logistics) {
    n["logistics"]["lead_time"] = g.carriage.leadTime;
    n["logistics"]["delay_probability"] = g.carriage.delayProbability;
    n["logistics"]["delay_ticks"] = g.carriage.delayTicks;
    n["logistics"]["fee_per_unit"] = g.carriage.feePerUnit;
  }
  // -1 means "kind default": written out only when set
  auto optional = [&](const char* key, double v) { if (v >= 0) n[key] = v; };
  optional("fixed_cost", g.fixedCost);
  optional("holding_cost", g.holdingCost);
  optional("shipping_cost", g.shippingCost);
  optional("commission", g.commission);
  writeGroupKeys(spec, group, GroupSlot::Economics, n);
  optional("service_level", g.serviceLevel);
  optional("delivery_days", g.deliveryDays);
  optional("reach", g.reach);
  n["valuation_factor"] = g.valuationFactor;
  n["initial_cash"] = g.initialCash;
  for (double f : g.priceFactors) n["price_factors"].push_back(f);
  if (g.divert) {
    n["diversion"]["enabled"] = true;
    n["diversion"]["transport_cost"] = g.transportCost;
    writeGroupKeys(spec, group, GroupSlot::Diversion, n["diversion"]);
  }
  if (g.serviceLift > 0 || g.valueLift > 0) {
    n["role"]["service_lift"] = g.serviceLift;
    n["role"]["value_lift"] = g.valueLift;
    n["role"]["cost_per_unit"] = g.roleCostPerUnit;
  }
  if (!g.table) n["reserve"] = g.reserve;
  n["licence_expiry"] = g.licenceExpiry;
  if (g.kind == MemberKind::Logistics) return n;  // the loader rejects pricing and replenishment for a provider
  YAML::Node p = n["pricing"];
  p["rule"] = names::of(names::kPricingRules, g.pricing.rule);
  p["price"] = g.pricing.price;
  p["markup"] = g.pricing.markup;
  p["max_price"] = g.pricing.maxPrice;
  p["tolerance"] = g.pricing.tolerance;
  p["grid"] = g.pricing.grid;
  p["review_period"] = g.pricing.reviewPeriod;
  p["step"] = g.pricing.step;
  p["initial_low"] = g.pricing.initialLow;
  p["initial_high"] = g.pricing.initialHigh;
  p["undercut"] = g.pricing.undercut;
  p["believed_detection"] = g.pricing.believedDetection;
  YAML::Node s = n["replenishment"];
  s["rule"] = names::of(names::kReplenishRules, g.replenish.rule);
  s["cover_days"] = g.replenish.coverDays;
  s["window"] = g.replenish.forecastWindow;
  if (const ForecastSpec& fc = g.replenish.forecast; fc.method != ForecastMethod::MovingAverage) {
    // written only when set: resolved files of moving-average scenarios stay as they were
    YAML::Node f = s["forecast"];
    f["method"] = names::of(names::kForecastMethods, fc.method);
    f["alpha"] = fc.alpha;
    f["beta"] = fc.beta;
    f["gamma"] = fc.gamma;
    f["season"] = fc.season;
    f["seasonality"] = fc.multiplicative ? "multiplicative" : "additive";
  }
  s["reorder_point"] = g.replenish.reorderPoint;
  s["order_up_to"] = g.replenish.orderUpTo;
  s["initial_stock"] = g.replenish.initialStock;
  return n;
}

}  // namespace

YAML::Node toYaml(const ScenarioSpec& spec, const std::filesystem::path& base) {
  YAML::Node n;
  n["name"] = spec.name;
  n["description"] = spec.description;
  n["seed"] = spec.seed;
  n["map_seed"] = spec.mapSeed;
  n["run"] = spec.run;
  n["ticks"] = spec.ticks;
  n["block_size"] = spec.blockSize;
  n["check"] = spec.check;
  n["steady_start"] = spec.steadyStart;
  n["warmup"] = spec.warmup;
  if (spec.conflictWeights.given) {
    n["conflict_weights"]["undercut"] = spec.conflictWeights.undercut;
    n["conflict_weights"]["cross_territory"] = spec.conflictWeights.crossTerritory;
    n["conflict_weights"]["cannibalization"] = spec.conflictWeights.cannibalization;
  }
  n["map"]["width"] = spec.width;
  n["map"]["height"] = spec.height;
  n["map"]["cities"] = spec.cityCount;
  n["map"]["city_spread"] = spec.citySpread;
  if (spec.origin.set) {
    n["map"]["origin"]["lat"] = spec.origin.lat;
    n["map"]["origin"]["lon"] = spec.origin.lon;
  }
  for (const auto& b : spec.brands) {
    YAML::Node bn;
    bn["name"] = b.name;
    bn["unit_cost"] = b.unitCost;
    bn["suggested_retail_price"] = b.suggestedRetail;
    bn["min_advertised_price"] = b.minAdvertised;
    bn["capacity"] = b.capacity;
    n["brands"].push_back(bn);
  }
  for (std::size_t i = 0; i < spec.territories.size(); ++i) {
    const TerritorySpec& t = spec.territories[i];
    YAML::Node tn;
    if (!t.geojson.empty()) {  // one entry for the features of a file, read again in the same order
      const TerritorySpec* before = i > 0 ? &spec.territories[i - 1] : nullptr;
      if (before && before->geojson == t.geojson && before->geojsonProperty == t.geojsonProperty) continue;
      tn["geojson"] = writtenPath(t.geojson, base);
      tn["property"] = t.geojsonProperty;
      n["territories"].push_back(tn);
      continue;
    }
    tn["name"] = t.name;
    for (double v : {t.x0, t.y0, t.x1, t.y1}) tn["rect"].push_back(v);
    tn["rect"].SetStyle(YAML::EmitterStyle::Flow);
    n["territories"].push_back(tn);
  }
  for (std::size_t g = 0; g < spec.groups.size(); ++g) n["members"].push_back(groupYaml(spec, g, base));
  for (std::size_t i = 0; i < mechanismRegistry().size(); ++i) {
    const MechanismEntry& entry = mechanismRegistry()[i];
    if (!entry.used(sectionOf(spec, i))) continue;
    // the visitor interface is the reader's too, hence non-const; the writer only reads
    SchemaWriter writer(n, spec);
    entry.fields(const_cast<MechanismSpec&>(sectionOf(spec, i)), writer, spec);
  }
  const ConsumerSpec& c = spec.consumers;
  YAML::Node cn = n["consumers"];
  if (c.table) cn["from_csv"] = writtenPath(c.table->file, base);  // the count and places are the file's
  else cn["count"] = c.count;
  cn["weight"] = c.weight;
  if (!c.table) cn["placement"] = c.placement;
  cn["urban_share"] = c.urbanShare;
  cn["choice_set"]["nearest"] = c.nearest;
  cn["choice_set"]["radius"] = c.radius;
  cn["mode"] = c.expected ? "expected" : "sampled";
  cn["substitution"] = c.substitution;
  cn["stock_visible"] = YAML::Node(YAML::NodeType::Sequence);
  for (MemberKind k : c.stockVisible) cn["stock_visible"].push_back(names::of(names::kMemberKinds, k));
  for (const auto& s : c.segments) {
    YAML::Node sn;
    sn["name"] = s.name;
    sn["share"] = s.share;
    sn["valuation"] = distributionYaml(s.valuation);
    sn["price_sensitivity"] = s.priceSensitivity;
    sn["travel_cost"] = s.travelCost;
    sn["delivery_cost"] = s.deliveryCost;
    sn["online_preference"] = s.onlinePreference;
    sn["service_weight"] = s.serviceWeight;
    sn["purchase_probability"] = s.purchaseProbability;
    sn["noise"] = s.noise;
    sn["outside_option"] = s.outsideOption;
    cn["segments"].push_back(sn);
  }
  if (spec.outputs.memberTimeseries) n["outputs"]["member_timeseries"] = true;  // written only when on
  return n;
}

}  // namespace chan::io
