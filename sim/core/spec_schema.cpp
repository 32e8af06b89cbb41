// The scenario's core keys, declared once (sim/core/schema.hpp): the loader reads them, the
// resolved-YAML writer writes them and `chansim schema --markdown` documents them (README's
// YAML reference) through these functions. Keys that a value makes irrelevant are written only
// where they apply (a "kind default" only when set, a file's count not at all), and read always,
// so that a misplaced key is named by a check.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "sim/core/names.hpp"
#include "sim/core/spec.hpp"
#include "sim/core/spec_limits.hpp"

namespace chan {
namespace {

using limits::kHuge;
using limits::kMaxMap;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kMaxTicks = static_cast<double>(limits::kMaxTicks);
constexpr double kMaxCount = static_cast<double>(limits::kMaxCount);
constexpr double kMaxMembers = static_cast<double>(limits::kMaxMembersPerGroup);
constexpr std::size_t kMaxProducts = limits::kMaxProductsPerBrand;

/// An enum key through FieldVisitor::choice (values are indices into `names`).
template <class E>
void enumChoice(FieldVisitor& v, const Key& k, E& value, const std::vector<std::string>& names) {
  int index = static_cast<int>(value);
  v.choice(k, index, names);
  value = static_cast<E>(index);
}

/// A text key whose value is one of `names`, kept as text in the spec (placements).
void textChoice(FieldVisitor& v, const Key& k, std::string& value, const std::vector<std::string>& names) {
  int index = static_cast<int>(std::find(names.begin(), names.end(), value) - names.begin());
  v.choice(k, index, names);
  value = names[static_cast<std::size_t>(index)];
}

bool writing(const FieldVisitor& v) { return v.purpose() == FieldVisitor::Purpose::Write; }
bool reading(const FieldVisitor& v) { return v.purpose() == FieldVisitor::Purpose::Read; }

template <class T>
std::vector<std::string> namesOf(const std::vector<T>& items) {
  std::vector<std::string> out;
  for (const T& item : items) out.push_back(item.name);
  return out;
}

/// A key the kind of the group decides unless given (-1: the kind's value, world_builder's
/// kindDefaults): written only when given.
void kindDefault(FieldVisitor& v, Key k, double& value) {
  k.fallback = "kind default";
  if (!writing(v) || value >= 0) v.number(k, value);
}

/// A product's key that falls back to its brand's value (-1) unless given: written only when given.
void brandDefault(FieldVisitor& v, Key k, double& value) {
  k.fallback = "the brand's";
  if (!writing(v) || value >= 0) v.number(k, value);
}

/// `brands[].products`: each product's keys, its name unique in the brand and its MAP at most
/// its MSRP (either may come from the brand).
class ProductList final : public ListAccess {
 public:
  ProductList(std::vector<ProductSpec>& items, const std::vector<std::string>& segmentNames)
      : m_items(items), m_segmentNames(segmentNames) {}
  std::size_t size() const override { return m_items.size(); }
  void resize(std::size_t n) override { m_items.resize(n); }
  void fields(std::size_t i, FieldVisitor& v) override { m_items[i].fields(v, m_segmentNames); }
  void check(std::size_t i, const Checker& c) const override {
    for (std::size_t j = 0; j < i; ++j)
      if (m_items[j].name == m_items[i].name) c.fail("name", "duplicate product name '" + m_items[i].name + "'");
  }

 private:
  std::vector<ProductSpec>& m_items;
  const std::vector<std::string>& m_segmentNames;
};

}  // namespace

void Distribution::fields(FieldVisitor& v) {
  enumChoice(v, {.name = "dist", .doc = "the distribution", .required = true}, type, names::kDistributions);
  const bool all = v.purpose() == FieldVisitor::Purpose::Document;
  if (all || type == Type::Constant) v.number({.name = "value", .doc = "`constant`: the value", .min = -kHuge, .max = kHuge, .required = true}, a);
  if (all || type == Type::Uniform || type == Type::UniformQuantiles) {
    v.number({.name = "low",
              .doc = "`uniform`: U(low, high); `uniform_quantiles`: deterministic, the (k + 0.5)/n quantile for the "
                     "k-th of the segment's n consumers",
              .min = -kHuge,
              .max = kHuge,
              .required = true},
             a);
    v.number({.name = "high", .doc = "`uniform`, `uniform_quantiles`: not below low", .min = -kHuge, .max = kHuge, .required = true}, b);
    v.check([this](const Checker& c) {
      if (b < a) c.fail("high", "must not be below low");
    });
  }
  if (all || type == Type::Normal) {
    v.number({.name = "mean", .doc = "`normal`: N(mean, sd²)", .min = -kHuge, .max = kHuge, .required = true}, a);
    v.number({.name = "sd", .doc = "`normal`: standard deviation", .min = 0, .max = kHuge, .required = true}, b);
  }
  if (all || type == Type::LogNormal) {
    v.number({.name = "log_mean", .doc = "`lognormal`: exp(N(log_mean, log_sd²))", .min = -100, .max = 100, .required = true}, a);
    v.number({.name = "log_sd", .doc = "`lognormal`: standard deviation of the log", .min = 0, .max = 100, .required = true}, b);
  }
}

void PricingSpec::fields(FieldVisitor& v) {
  enumChoice(v, {.name = "rule", .doc = "how the member sets its list price (below)", .required = true}, rule,
             names::kPricingRules);
  v.number({.name = "price", .doc = "`fixed`: the price; 0 means the brand's MSRP (else the buying price)",
            .unit = "currency per unit", .min = 0, .max = kHuge},
           price);
  v.number({.name = "markup",
            .doc = "`cost_plus`: price = c (1 + markup); `share_adjust`: opening price when no initial range is given",
            .unit = "fraction", .min = -0.99, .max = 1000},
           markup);
  v.number({.name = "max_price", .doc = "`best_response`: upper search bound (0: 5c + 1)", .unit = "currency per unit",
            .min = 0, .max = kHuge},
           maxPrice);
  v.number({.name = "tolerance", .doc = "`best_response`: relative price tolerance", .min = 1e-15, .max = 0.1}, tolerance);
  v.integer({.name = "grid", .doc = "`best_response`: prices scanned before refining (0: refine only)", .min = 0,
             .max = 10000},
            grid);
  v.integer({.name = "review_period", .doc = "prices are reviewed on ticks that are multiples of it", .unit = "ticks",
             .min = 1, .max = kMaxTicks},
            reviewPeriod);
  v.number({.name = "step", .doc = "`share_adjust`: relative change per tick", .unit = "fraction", .min = 0, .max = 0.99}, step);
  v.number({.name = "initial_low", .doc = "`share_adjust`: opening price ~ U(low, high) (both 0: cost plus markup)",
            .unit = "currency per unit", .min = 0, .max = kHuge},
           initialLow);
  v.number({.name = "initial_high", .doc = "`share_adjust`: not below initial_low", .unit = "currency per unit",
            .min = 0, .max = kHuge},
           initialHigh);
  v.check([this](const Checker& c) {
    if (initialHigh < initialLow) c.fail("initial_high", "must not be below initial_low");
  });
  v.number({.name = "undercut", .doc = "`opportunistic`: when undercutting, price = MAP × (1 − undercut)",
            .unit = "fraction", .min = 0, .max = 0.99},
           undercut);
  v.number({.name = "believed_detection", .doc = "`opportunistic`: prior probability per day that undercutting is seen",
            .unit = "probability", .min = 0, .max = 1},
           believedDetection);
}

void ForecastSpec::fields(FieldVisitor& v) {
  enumChoice(v, {.name = "method", .doc = "`order_up_to`: the demand forecaster (below)", .required = true}, method,
             names::kForecastMethods);
  v.number({.name = "alpha", .doc = "smoothing of the level (`exponential`, `holt_winters`)", .min = 0, .max = 1}, alpha);
  v.number({.name = "beta", .doc = "smoothing of the trend (`holt_winters`)", .min = 0, .max = 1}, beta);
  v.number({.name = "gamma", .doc = "smoothing of the seasonal factors (`holt_winters`)", .min = 0, .max = 1}, gamma);
  v.integer({.name = "season", .doc = "length of the season (`holt_winters`): 7 for a weekly pattern", .unit = "days",
             .min = 2, .max = 3650},
            season);
  int seasonality = multiplicative ? 1 : 0;
  v.choice({.name = "seasonality", .doc = "factors added to the level or multiplying it (`holt_winters`)"}, seasonality,
           names::kSeasonalities);
  multiplicative = seasonality == 1;
}

void ReplenishSpec::fields(FieldVisitor& v) {
  enumChoice(v, {.name = "rule", .doc = "how the member orders (below)", .required = true}, rule, names::kReplenishRules);
  v.number({.name = "cover_days", .doc = "`order_up_to`: target = forecast × (lead time + cover_days)", .unit = "days",
            .min = 0, .max = 10000},
           coverDays);
  v.integer({.name = "window", .doc = "moving-average window of the demand forecast", .unit = "ticks", .min = 1, .max = 3650},
            forecastWindow);
  // written only when set: resolved files of moving-average scenarios stay as they were
  bool smoothed = forecast.method != ForecastMethod::MovingAverage;
  v.section({.name = "forecast", .doc = "`order_up_to`: the forecaster", .fallback = "moving average of `window`"},
            smoothed, [this](FieldVisitor& f) { forecast.fields(f); }, nullptr);
  v.number({.name = "reorder_point", .doc = "`min_max`: s", .unit = "units", .min = 0, .max = kHuge}, reorderPoint);
  v.number({.name = "order_up_to", .doc = "`min_max`: S, above s", .unit = "units", .min = 0, .max = kHuge}, orderUpTo);
  v.number({.name = "initial_stock", .doc = "opening stock, valued at the buying price", .unit = "units", .min = 0,
            .max = kHuge},
           initialStock);
  v.check([this](const Checker& c) {
    if (rule == ReplenishRule::MinMax && orderUpTo <= reorderPoint)
      c.fail("order_up_to", "must be above reorder_point for min_max");
  });
}

void CarriageSpec::fields(FieldVisitor& v) {
  v.integer({.name = "lead_time", .doc = "lead time of the links it carries", .unit = "ticks", .min = 0, .max = 3650},
            leadTime);
  v.number({.name = "delay_probability", .doc = "probability that a shipment it carries is late ...", .unit = "probability",
            .min = 0, .max = 1},
           delayProbability);
  v.integer({.name = "delay_ticks", .doc = "... by this many ticks", .unit = "ticks", .min = 0, .max = 3650}, delayTicks);
  v.number({.name = "fee_per_unit", .doc = "paid by the buyer to the provider per unit carried", .unit = "currency per unit",
            .min = 0, .max = kHuge},
           feePerUnit);
}

void ProductSpec::fields(FieldVisitor& v, const std::vector<std::string>& segmentNames) {
  v.text({.name = "name", .doc = "unique within the brand", .required = true}, name);
  brandDefault(v, {.name = "unit_cost", .doc = "production cost", .unit = "currency per unit", .min = 0, .max = kHuge},
               unitCost);
  brandDefault(v, {.name = "suggested_retail_price", .doc = "MSRP (0: none)", .unit = "currency per unit", .min = 0,
                   .max = kHuge},
               suggestedRetail);
  brandDefault(v, {.name = "min_advertised_price", .doc = "MAP (0: none), at most the MSRP", .unit = "currency per unit",
                   .min = 0, .max = kHuge},
               minAdvertised);
  brandDefault(v, {.name = "capacity", .doc = "units the manufacturer can make of it per tick (0: unlimited)",
                   .unit = "units", .min = 0, .max = kHuge},
               capacity);
  v.number({.name = "appeal",
            .doc = "added to the utility of every option that sells it, for the consumers of `segments` (a product "
                   "designed for them)",
            .unit = "utility", .min = -1e6, .max = 1e6},
           appeal);
  v.namedList({.name = "segments", .doc = "consumer segments its appeal applies to (none: every segment)"}, segments,
              segmentNames, "consumer segment");
}

void BrandSpec::fields(FieldVisitor& v, const std::vector<std::string>& segmentNames) {
  v.text({.name = "name", .doc = "unique", .required = true}, name);
  v.number({.name = "unit_cost", .doc = "production cost", .unit = "currency per unit", .min = 0, .max = kHuge,
            .required = true},
           unitCost);
  v.number({.name = "suggested_retail_price", .doc = "MSRP (0: none)", .unit = "currency per unit", .min = 0, .max = kHuge},
           suggestedRetail);
  v.number({.name = "min_advertised_price", .doc = "MAP (0: none), at most the MSRP", .unit = "currency per unit",
            .min = 0, .max = kHuge},
           minAdvertised);
  v.number({.name = "capacity", .doc = "units the manufacturer can produce per tick (0: unlimited)", .unit = "units",
            .min = 0, .max = kHuge},
           capacity);
  ProductList list(products, segmentNames);
  v.list({.name = "products",
          .doc = "its products (SKUs), each with its own cost, prices and appeal; member groups carry them by "
                 "`assortment` (none: one product, the brand itself)"},
         list);
  v.check([this](const Checker& c) {
    if (suggestedRetail > 0 && minAdvertised > suggestedRetail)
      c.fail("min_advertised_price", "must not exceed suggested_retail_price");
    if (products.size() > kMaxProducts) c.fail("products", "at most " + std::to_string(kMaxProducts) + " products per brand");
    for (const ProductSpec& p : products) {
      const double msrp = p.suggestedRetail >= 0 ? p.suggestedRetail : suggestedRetail;
      const double map = p.minAdvertised >= 0 ? p.minAdvertised : minAdvertised;
      if (msrp > 0 && map > msrp)
        c.fail("products", "product '" + p.name + "': its min_advertised_price must not exceed its suggested_retail_price");
    }
  });
}

void TerritorySpec::fields(FieldVisitor& v, const ScenarioSpec& scenario) {
  const bool all = v.purpose() == FieldVisitor::Purpose::Document;
  if (all || geojson.empty()) {
    v.text({.name = "name", .doc = "unique", .required = true}, name);
    std::vector<double> rect{x0, y0, x1, y1};
    v.numbers({.name = "rect", .doc = "[x0, y0, x1, y1]: inside the map, x0 < x1, y0 < y1", .unit = "km", .min = 0,
               .max = kMaxMap, .required = true, .flow = true},
              rect);
    v.check([&](const Checker& c) {
      if (rect.size() != 4) c.fail("rect", "expected [x0, y0, x1, y1]");
      x0 = rect[0], y0 = rect[1], x1 = rect[2], y1 = rect[3];
      if (x1 <= x0 || y1 <= y0) c.fail("rect", "needs x0 < x1 and y0 < y1");
      if (x1 > scenario.width || y1 > scenario.height) c.fail("rect", "lies outside the map");
    });
  }
  if (all || !geojson.empty()) {
    v.file({.name = "geojson",
            .doc = "instead of `name` and `rect`: one territory per Polygon or MultiPolygon feature of a GeoJSON "
                   "FeatureCollection, in file order"},
           geojson);
    if (!reading(v)) {  // (read by the importer with the file)
      std::string property = geojsonProperty.empty() ? "name" : geojsonProperty;
      v.text({.name = "property", .doc = "with `geojson`: the feature property naming each territory"}, property);
    }
  }
}

void SegmentSpec::fields(FieldVisitor& v) {
  v.text({.name = "name", .doc = "segment name", .required = true}, name);
  v.number({.name = "share", .doc = "relative size; shares are normalised", .min = 0, .max = 1e9}, share);
  bool given = true;  // always written
  v.section({.name = "valuation", .doc = "v_i, the utility intercept: a distribution (`dist` and its keys)",
             .fallback = "constant 0"},
            given, [this](FieldVisitor& d) { valuation.fields(d); }, nullptr);
  v.number({.name = "price_sensitivity", .doc = "α, utility per currency unit", .min = 0, .max = 1e6}, priceSensitivity);
  v.number({.name = "travel_cost", .doc = "τ, utility per km to a physical outlet", .min = 0, .max = 1e6}, travelCost);
  v.number({.name = "delivery_cost", .doc = "δ, utility per day of delivery", .min = 0, .max = 1e6}, deliveryCost);
  v.number({.name = "online_preference", .doc = "bonus utility of online outlets", .min = -1e6, .max = 1e6}, onlinePreference);
  v.number({.name = "service_weight", .doc = "w, utility per unit of service level", .min = -1e6, .max = 1e6}, serviceWeight);
  v.number({.name = "purchase_probability", .doc = "chance of shopping on a given tick", .unit = "probability", .min = 0,
            .max = 1},
           purchaseProbability);
  v.number({.name = "noise", .doc = "μ, logit scale; 0 = exact choice (below); else at least 1e-09", .min = 0, .max = 1e9},
           noise);
  // utilities are divided by the noise: below this they overflow the weights
  v.check([this](const Checker& c) {
    if (noise > 0 && noise < 1e-9) c.fail("noise", "must be 0 (exact choice) or at least 1e-09");
  });
  v.boolean({.name = "outside_option", .doc = "a no-purchase option with utility 0"}, outsideOption);
}

void ConsumerSpec::fields(FieldVisitor& v) {
  v.file({.name = "from_csv",
          .doc = "consumers where a point or grid CSV puts them: round(weight / `weight`) agents per row; replaces "
                 "`count` and `placement`"},
         table ? table->file : std::string());
  if (!table) {
    v.integer({.name = "count", .doc = "consumer agents", .min = 1, .max = kMaxCount, .fallback = "required (unless `from_csv`)"},
              count);
    v.check([](const Checker& c) {
      if (!c.has("count") && !c.has("from_csv")) c.fail("", "missing required key 'count'");
    });
  }
  v.number({.name = "weight", .doc = "units each agent buys when it buys (real buyers per agent)", .min = 1e-12, .max = 1e9},
           weight);
  if (!table) textChoice(v, {.name = "placement", .doc = "where consumers live"}, placement, names::kPlacements);
  v.number({.name = "urban_share", .doc = "`cities`: share placed near a city (normal, sd `map.city_spread`), the rest uniform",
            .unit = "fraction", .min = 0, .max = 1},
           urbanShare);
  bool choiceSet = true;  // always written
  v.section({.name = "choice_set", .doc = "which physical outlets each consumer considers", .fallback = "nearest 8"},
            choiceSet,
            [this](FieldVisitor& cs) {
              cs.integer({.name = "nearest", .doc = "physical outlets in each consumer's choice set (nearest first)",
                          .min = 0, .max = 1000},
                         nearest);
              cs.number({.name = "radius", .doc = "physical outlets farther away are excluded (0: no limit)",
                         .unit = "km", .min = 0, .max = kMaxMap},
                        radius);
            },
            nullptr);
  int mode = expected ? 1 : 0;
  v.choice({.name = "mode", .doc = "each shopper draws one outlet, or demand is the expected value (mean field)"}, mode,
           {"sampled", "expected"});
  expected = mode == 1;
  v.boolean({.name = "substitution", .doc = "after a stock-out, unserved shoppers choose again among outlets still in stock"},
            substitution);
  std::vector<int> visible;
  for (MemberKind k : stockVisible) visible.push_back(static_cast<int>(k));
  v.choices({.name = "stock_visible",
             .doc = "outlet kinds whose stock consumers see before choosing; an empty shelf of another kind is found "
                    "on arrival (an unfilled request)"},
            visible, names::kMemberKinds);
  stockVisible.clear();
  for (int k : visible) stockVisible.push_back(static_cast<MemberKind>(k));
  v.check([this](const Checker& c) {
    for (MemberKind k : stockVisible)
      if (!isOutlet(k)) c.fail("stock_visible", "'" + names::of(names::kMemberKinds, k) + "' is not an outlet kind");
  });
  VectorAccess<SegmentSpec> access(segments);
  v.list({.name = "segments", .doc = "consumer segments, at most 255 (none: one segment `all` at the defaults)"}, access);
  v.check([this](const Checker& c) {
    if (segments.empty()) segments.push_back(SegmentSpec{.name = "all"});
    if (segments.size() > 255) c.fail("segments", "at most 255 segments");
    double shares = 0;
    for (const auto& s : segments) shares += s.share;
    if (!(shares > 0)) c.fail("segments", "shares must add up to more than 0");
  });
}

void MemberGroupSpec::fields(FieldVisitor& v, const ScenarioSpec& scenario, const SlotKeys& slotKeys) {
  const std::vector<std::string> brands = namesOf(scenario.brands), territoryNames = namesOf(scenario.territories),
                                 groups = namesOf(scenario.groups);  // (the groups above, when reading)
  auto group = [&](int g) -> const MemberGroupSpec& { return scenario.groups[static_cast<std::size_t>(g)]; };
  v.text({.name = "group", .doc = "group name, unique", .required = true}, name);
  v.check([&](const Checker& c) {
    if (std::find(groups.begin(), groups.end(), name) != groups.end()) c.fail("group", "duplicate group name '" + name + "'");
  });
  enumChoice(v,
             {.name = "kind",
              .doc = "`offline_store` … `social_seller` are outlets; `e_store`, `marketplace`, `social_seller` are "
                     "online; `logistics` is a logistics provider",
              .required = true},
             kind, names::kMemberKinds);
  v.file({.name = "from_csv",
          .doc = "one member per row of a member table, with its place, supplier, territory and overrides; `count`, "
                 "`placement`, `territories` and `reserve` then come from the file"},
         table ? table->file : std::string());
  if (!table)
    v.integer({.name = "count", .doc = "identical members in the group", .min = 1, .max = kMaxMembers}, count);
  v.named({.name = "brand",
           .doc = "the brand it sells; default: its supplier's (the first brand for a manufacturer); required for a "
                  "manufacturer when there are several"},
          brand, brands, "brand");
  const bool makesGoods = kind == MemberKind::Manufacturer || kind == MemberKind::Logistics;
  v.check([&, makesGoods](const Checker& c) {
    if (!c.has("brand") && kind == MemberKind::Manufacturer && brands.size() > 1)
      c.fail("brand", "required for a manufacturer when the scenario has several brands");
    if (makesGoods && c.has("supplier")) c.fail("supplier", std::string("a ") + kindName(kind) + " has no supplier");
  });
  if (!makesGoods || !reading(v))  // (a manufacturer's supplier is named as such by the check above)
    v.named({.name = "supplier",
             .doc = "the group it buys from (defined above, not an outlet); required except for manufacturers and "
                    "logistics providers"},
            supplierGroup, groups, "supplier group (define it above)");
  v.check([&, makesGoods](const Checker& c) {
    if (makesGoods) return;
    if (!c.has("supplier")) c.fail("", "missing required key 'supplier'");
    const MemberGroupSpec& s = group(supplierGroup);
    if (s.kind == MemberKind::Logistics)
      c.fail("supplier", "group '" + s.name + "' is a logistics provider and sells no goods");
    // (an outlet's revenue is consumer spending in every metric, so no outlet sells to members)
    if (isOutlet(s.kind)) c.fail("supplier", "group '" + s.name + "' is an outlet and cannot supply others");
    if (!c.has("brand")) brand = s.brand;
  });
  const std::vector<ProductSpec>& products = scenario.brands.empty() ? std::vector<ProductSpec>{}
                                                                      : scenario.brands[static_cast<std::size_t>(brand)].products;
  v.namedList({.name = "assortment",
               .doc = "the products of its brand it carries (none: all); each member then holds one listing per "
                      "product (its own stock, price and orders), and its supplier group must carry them too"},
              assortment, namesOf(products), "product of its brand");
  v.check([&](const Checker& c) {
    const double listings = static_cast<double>(count) *  // (reserves are read later; they count as members too)
                            static_cast<double>(assortment.empty() ? std::max<std::size_t>(1, products.size()) : assortment.size());
    if (listings > limits::kMaxListingsPerGroup)
      c.fail("assortment", "the group would hold " + std::to_string(static_cast<long long>(listings)) +
                               " listings (members x products, limit 16e6)");
    if (supplierGroup < 0 || group(supplierGroup).brand != brand) return;
    const std::vector<int>& theirs = group(supplierGroup).assortment;
    std::vector<int> mine = assortment;  // (none: every product)
    for (std::size_t p = 0; mine.empty() && p < products.size(); ++p) mine.push_back(static_cast<int>(p));
    for (int p : mine)
      if (!theirs.empty() && std::find(theirs.begin(), theirs.end(), p) == theirs.end())
        c.fail("assortment", "its supplier group '" + group(supplierGroup).name + "' does not carry product '" +
                                 products[static_cast<std::size_t>(p)].name + "'");
  });
  v.named({.name = "owner",
           .doc = "a group above with `count: 1` pricing by `best_response`: it sets this group's prices, maximising "
                  "its own plus its owned members' profit jointly"},
          ownerGroup, groups, "owner group (define it above)");
  v.check([&](const Checker& c) {
    if (ownerGroup < 0) return;
    if (group(ownerGroup).count != 1) c.fail("owner", "the owner group '" + group(ownerGroup).name + "' must have count 1");
    if (group(ownerGroup).pricing.rule != PricingRule::BestResponse)
      c.fail("owner", "the owner group '" + group(ownerGroup).name + "' must price by best_response (it decides jointly)");
  });
  enumChoice(v,
             {.name = "supplier_rule",
              .doc = "which member of the supplier group each member buys from: the one in its own territory (else "
                     "the nearest), the nearest, or member i from supplier i mod count"},
             supplierRule, names::kSupplierRules);
  v.namedList({.name = "territories",
               .doc = "assigned to the members in turn (cycled); a member holding a territory sits at its centre"},
              territories, territoryNames, "territory");
  slotKeys(v, GroupSlot::Territories);
  if (!table)
    textChoice(v,
               {.name = "placement",
                .doc = "where physical members without a territory are placed (`cities`: near a city with probability "
                       "`consumers.urban_share`); online outlets sit at the map centre"},
               placement, names::kPlacements);

  bool termsGiven = true;  // always written
  v.section(
      {.name = "terms", .doc = "the supply contract with its supplier", .fallback = "no discount, lead time 2"}, termsGiven,
      [&](FieldVisitor& t) {
        t.number({.name = "discount", .doc = "off the supplier's list price", .unit = "fraction", .min = 0, .max = 1}, discount);
        // a provider's lead time is the link's: the resolved file names one or the other
        if (!writing(t) || logisticsGroup >= 0)
          t.named({.name = "logistics",
                   .doc = "a group of kind `logistics` above that carries this group's inbound goods; its "
                          "`lead_time` replaces `terms.lead_time` (give one or the other)"},
                  logisticsGroup, groups, "logistics group (define it above)");
        if (!writing(t) || logisticsGroup < 0)
          t.integer({.name = "lead_time", .doc = "from order to arrival (0: same tick)", .unit = "ticks", .min = 0, .max = 3650},
                    leadTime);
        t.number({.name = "min_order", .doc = "smaller orders are rounded up to it", .unit = "units", .min = 0, .max = kHuge},
                 minOrder);
        t.number({.name = "fixed_fee", .doc = "paid to the supplier every tick (two-part tariff)", .unit = "currency per tick",
                  .min = 0, .max = kHuge},
                 fixedFee);
        slotKeys(t, GroupSlot::Terms);
      },
      [&](const Checker& c) {
        if (logisticsGroup < 0) return;
        const MemberGroupSpec& provider = group(logisticsGroup);
        if (provider.kind != MemberKind::Logistics)
          c.fail("logistics", "group '" + provider.name + "' is not of kind logistics");
        if (c.has("lead_time")) c.fail("lead_time", "the logistics provider's lead_time applies: give one or the other");
        leadTime = provider.carriage.leadTime;
        if (supplierGroup < 0) c.fail("", "only a group with a supplier has supply terms");
      });

  bool offersCarriage = kind == MemberKind::Logistics;  // written for providers only
  v.section({.name = "logistics", .doc = "kind `logistics` only: the carriage it offers", .fallback = "lead time 2"},
            offersCarriage, [&](FieldVisitor& c) { carriage.fields(c); },
            [&](const Checker& c) {
              if (kind != MemberKind::Logistics) c.fail("", "only a group of kind logistics offers carriage");
            });
  kindDefault(v, {.name = "fixed_cost", .doc = "operating cost", .unit = "currency per tick", .min = 0, .max = kHuge}, fixedCost);
  kindDefault(v, {.name = "holding_cost", .doc = "per unit on hand per tick", .unit = "currency per unit", .min = 0, .max = kHuge},
              holdingCost);
  kindDefault(v, {.name = "shipping_cost", .doc = "per unit sold (delivery)", .unit = "currency per unit", .min = 0, .max = kHuge},
              shippingCost);
  kindDefault(v, {.name = "commission", .doc = "of revenue kept by the platform", .unit = "fraction", .min = 0, .max = 1},
              commission);
  slotKeys(v, GroupSlot::Economics);
  kindDefault(v, {.name = "service_level", .doc = "enters consumer utility", .min = 0, .max = 1}, serviceLevel);
  kindDefault(v, {.name = "delivery_days", .doc = "enters consumer utility", .unit = "days", .min = 0, .max = 365}, deliveryDays);
  kindDefault(v,
              {.name = "reach",
               .doc = "online: probability that a given consumer can see this outlet (drawn once per consumer)",
               .unit = "probability", .min = 0, .max = 1},
              reach);
  v.number({.name = "valuation_factor", .doc = "θ: multiplies the consumer's valuation at this outlet", .min = 0, .max = 1e6},
           valuationFactor);
  v.number({.name = "initial_cash", .doc = "opening cash balance", .unit = "currency", .min = -kHuge, .max = kHuge}, initialCash);
  v.numbers({.name = "price_factors",
             .doc = "per member (cycled): multiplies the price set by `fixed` and `cost_plus` (regional price differences)",
             .min = 0.01, .max = 100},
            priceFactors);

  bool diverts = divert;
  v.section({.name = "diversion", .doc = "outlets only: sourcing across territories", .fallback = "off"}, diverts,
            [&](FieldVisitor& d) {
              bool enabled = true;  // a section given is on unless it says otherwise
              d.boolean({.name = "enabled",
                         .doc = "buy each order from whichever active, undisrupted member of the supplier group has "
                                "the lowest landed cost, and price from that landed cost"},
                        enabled);
              divert = enabled;
              d.number({.name = "transport_cost",
                        .doc = "added to the landed cost of a source in another territory, and paid (to logistics) on "
                               "units bought from a member other than the assigned supplier",
                        .unit = "currency per unit", .min = 0, .max = kHuge},
                       transportCost);
              slotKeys(d, GroupSlot::Diversion);
            },
            [&](const Checker& c) {
              if (!isOutlet(kind)) c.fail("", "only outlets source across territories");
            });
  bool hasRole = serviceLift > 0 || valueLift > 0;  // written when it lifts anything
  v.section({.name = "role", .doc = "service and value-added roles (deck ch. 1)", .fallback = "none"}, hasRole,
            [&](FieldVisitor& r) {
              r.number({.name = "service_lift", .doc = "added to the service level (capped at 1)", .min = 0, .max = 1}, serviceLift);
              r.number({.name = "value_lift", .doc = "multiplies `valuation_factor` by (1 + value_lift)", .min = 0, .max = 10},
                       valueLift);
              r.number({.name = "cost_per_unit", .doc = "per unit sold for the roles above (booked with shipping)",
                        .unit = "currency per unit", .min = 0, .max = kHuge},
                       roleCostPerUnit);
            },
            nullptr);
  if (!table)
    v.integer({.name = "reserve", .doc = "extra inactive members a partner policy may recruit", .min = 0, .max = kMaxMembers},
              reserve);
  // partner reviews recruit reserves of outlets; a provider in reserve would carry while inactive
  v.check([&](const Checker& c) {
    if (reserve > 0 && kind == MemberKind::Logistics) c.fail("reserve", "logistics providers have no reserves");
  });
  v.integer({.name = "licence_expiry", .doc = "after this tick the licence has lapsed; an audit then terminates the member (0: never)",
             .unit = "ticks", .min = 0, .max = kMaxTicks},
            licenceExpiry);
  if (writing(v) && kind == MemberKind::Logistics) return;  // a provider has no pricing or replenishment
  bool pricingGiven = !reading(v);
  v.section({.name = "pricing", .doc = "how it sets its list price", .fallback = "cost_plus, markup 0.3"}, pricingGiven,
            [&](FieldVisitor& p) { pricing.fields(p); },
            nullptr);
  v.check([&](const Checker& c) {
    if (kind == MemberKind::Logistics && c.has("pricing")) c.fail("pricing", "a logistics provider charges logistics.fee_per_unit");
  });
  if (reading(v) && makesGoods) replenish.rule = ReplenishRule::None;
  bool replenishGiven = !reading(v);
  v.section({.name = "replenishment", .doc = "how it orders; manufacturers produce to order and only accept `none`",
             .fallback = "order_up_to (none for manufacturers)"},
            replenishGiven,
            [&](FieldVisitor& r) { replenish.fields(r); },
            nullptr);
  v.check([&](const Checker& c) {
    if (!c.has("replenishment")) return;
    if (kind == MemberKind::Manufacturer && replenish.rule != ReplenishRule::None)
      c.fail("replenishment", "manufacturers produce to order: use rule none");
    if (kind == MemberKind::Logistics) c.fail("replenishment", "a logistics provider holds no goods");
  });
}

void ScenarioSpec::fields(FieldVisitor& v) {
  v.text({.name = "name", .doc = "names the output folder `outputs/<name>`", .required = true}, name);
  v.text({.name = "description", .doc = "free text"}, description);
  v.wide({.name = "seed",
          .doc = "random seed of demand and behaviour (consumers' valuations and shopping, pricing draws, delays, "
                 "audits, ...)",
          .unit = "up to 2^63 − 1", .min = 0},
         seed);
  // the map's own seed; a document without one draws its map from its seed (files read by
  // loadScenario have it pinned to their own seed before the overrides: pinMapSeed)
  if (reading(v)) mapSeed = seed;
  v.wide({.name = "map_seed",
          .doc = "random seed of the map: city centres, member and consumer places; `--seed`, `--set seed=` and sweep "
                 "replications leave it alone, so they vary demand, not geography",
          .unit = "up to 2^63 − 1", .min = 0, .fallback = "the file's own `seed`"},
         mapSeed);
  v.integer({.name = "run", .doc = "run index; keys the random streams with `seed`", .min = 0, .max = kMaxCount}, run);
  v.integer({.name = "ticks", .doc = "ticks (days) to run", .unit = "ticks", .min = 1, .max = kMaxTicks, .required = true},
            ticks);
  v.integer({.name = "block_size",
             .doc = "consumers per parallel block (part of the model: results never depend on the thread count)",
             .min = 64, .max = 1 << 20},
            blockSize);
  v.boolean({.name = "check", .doc = "verify conservation of goods and money every tick"}, check);
  v.boolean({.name = "steady_start",
             .doc = "start as a channel that has been running: order-up-to members hold `cover_days` of the expected "
                    "demand at opening prices, have `lead_time` days of it in transit and forecast it (see Warm-up)"},
            steadyStart);
  const bool documenting = v.purpose() == FieldVisitor::Purpose::Document;
  v.integer({.name = "warmup",
             .doc = "the first `warmup` of the `ticks` are simulated but left out of every summary metric, of "
                    "`members.csv` and of `events.csv`; `timeseries.csv` keeps them, flagged (see Warm-up)",
             .unit = documenting ? "ticks, below `ticks`" : "ticks",
             .min = 0,
             .max = documenting ? kInf : ticks - 1.0},
            warmup);
  v.section({.name = "conflict_weights",
             .doc = "weights of `conflict.index` (all three required, sum > 0)",
             .fallback = "volume bases"},
            conflictWeights.given,
            [this](FieldVisitor& c) {
              c.number({.name = "undercut", .doc = "weight of `conflict.undercut_rate`", .min = 0, .max = 1e6, .required = true},
                       conflictWeights.undercut);
              c.number({.name = "cross_territory", .doc = "weight of `conflict.cross_territory_share`", .min = 0, .max = 1e6,
                        .required = true},
                       conflictWeights.crossTerritory);
              c.number({.name = "cannibalization", .doc = "weight of `conflict.cannibalization`", .min = 0, .max = 1e6,
                        .required = true},
                       conflictWeights.cannibalization);
            },
            [this](const Checker& c) {
              const ConflictWeights& w = conflictWeights;
              if (!(w.undercut + w.crossTerritory + w.cannibalization > 0)) c.fail("", "at least one weight must be positive");
            });
  bool map = true;  // always written
  v.section({.name = "map", .doc = "the map", .fallback = "100 × 100 km, 6 cities"}, map,
            [this](FieldVisitor& m) {
              m.number({.name = "width", .doc = "map width", .unit = "km", .min = 1e-6, .max = kMaxMap}, width);
              m.number({.name = "height", .doc = "map height", .unit = "km", .min = 1e-6, .max = kMaxMap}, height);
              m.integer({.name = "cities", .doc = "city centres, drawn uniformly in the middle 80% of the map", .min = 0,
                         .max = 100000},
                        cityCount);
              m.number({.name = "city_spread", .doc = "standard deviation of placement around a city centre", .unit = "km",
                        .min = 0, .max = kMaxMap},
                       citySpread);
              m.section({.name = "origin",
                         .doc = "the map's south-west corner: imported lat/lon become km east and north of it"},
                        origin.set,
                        [this](FieldVisitor& o) {
                          // the equirectangular projection's scale cos(lat) vanishes at the poles
                          o.number({.name = "lat", .doc = "latitude", .unit = "degrees", .min = -89, .max = 89,
                                    .required = true},
                                   origin.lat);
                          o.number({.name = "lon", .doc = "longitude", .unit = "degrees", .min = -180, .max = 180,
                                    .required = true},
                                   origin.lon);
                        },
                        nullptr);
            },
            nullptr);
}

void ScenarioSpec::outputFields(FieldVisitor& v) {
  bool any = outputs.memberTimeseries;  // written only when something is on
  v.section({.name = "outputs", .doc = "optional output files", .fallback = "off"}, any,
            [this](FieldVisitor& o) {
              o.boolean({.name = "member_timeseries",
                         .doc = "also write `member_timeseries.csv`; `chansim run --member-timeseries` sets it"},
                        outputs.memberTimeseries);
            },
            nullptr);
}

}  // namespace chan
