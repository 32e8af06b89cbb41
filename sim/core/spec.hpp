#pragma once
// ScenarioSpec: everything that stays fixed during a run, built once (from YAML by
// sim/io/scenario_loader) and passed as const&. Plain structs with defaults; units in comments.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/core/imported.hpp"
#include "sim/core/schema.hpp"

namespace chan {

/// Member kinds. Outlets are the kinds that sell to consumers.
enum class MemberKind : std::uint8_t {
  Manufacturer,
  Distributor,
  OfflineStore,
  SpecialtyStore,
  EStore,       // the brand's own online store
  Marketplace,  // third-party platform; keeps a commission on each sale
  SocialSeller, // social-media reseller; reaches a share of consumers, earns a referral commission
  Logistics,    // 3PL logistics provider: carries shipments on the links that name it, for a fee
};
bool isOutlet(MemberKind kind);
bool isOnline(MemberKind kind);
const char* kindName(MemberKind kind);

/// Pricing behaviours (models/pricing). The engine only forwards to models::setPrice.
enum class PricingRule : std::uint8_t {
  Fixed,         // price = `price`, or the brand's suggested retail price when 0
  CostPlus,      // price = unit cost * (1 + markup)
  BestResponse,  // maximise expected profit per tick against the probed demand
  ShareAdjust,   // p *= (1 + step) if market share > 1/K else (1 - step)  (RETAIL_SPEC)
  MapCompliant,  // cost plus markup, never below the minimum advertised price
  Opportunistic, // undercuts MAP when the expected gain beats the penalty it expects
};

/// Replenishment behaviours (models/replenishment).
enum class ReplenishRule : std::uint8_t {
  None,       // never orders (manufacturers produce to order)
  OrderUpTo,  // order up to (lead time + review + safety days) x forecast demand
  MinMax,     // (s,S): when inventory position <= s order up to S
};

/// How each outlet finds its supplier within the supplier group.
enum class SupplierRule : std::uint8_t {
  Territory,   // the supplier whose territory contains the member (else the nearest)
  Nearest,     // the nearest supplier
  RoundRobin,  // member i buys from supplier i mod count
};

/// How shipments on a link travel: lead time and reliability (a logistics provider's, or the
/// in-house carriage of `coordination`), and the fee per unit the buyer pays the provider.
struct CarriageSpec {
  int leadTime = 2;             // ticks from shipment to arrival when on time
  double delayProbability = 0;  // chance a shipment is late, 0..1
  int delayTicks = 0;           // extra ticks of a late shipment
  double feePerUnit = 0;        // currency per unit carried, paid by the buyer to the provider
  /// Its keys (`members[].logistics`), sim/core/spec_schema.cpp.
  void fields(FieldVisitor& v);
};

/// A named random distribution (Repast-style), used for consumer attributes.
struct Distribution {
  enum class Type : std::uint8_t { Constant, Uniform, UniformQuantiles, Normal, LogNormal };
  Type type = Type::Constant;
  double a = 0;  // constant value, uniform low, normal mean, lognormal log-mean
  double b = 0;  // uniform high, normal sd, lognormal log-sd
  /// Its keys (`dist` and the keys of that distribution).
  void fields(FieldVisitor& v);
};

struct PricingSpec {
  PricingRule rule = PricingRule::CostPlus;
  double price = 0;            // Fixed: currency per unit (0 = brand's suggested retail price)
  double markup = 0.3;         // CostPlus: fraction over unit cost
  double maxPrice = 0;         // BestResponse: upper search bound (0 = 5 x unit cost + 1)
  double tolerance = 1e-10;    // BestResponse: relative price tolerance of the optimiser
  int grid = 12;               // BestResponse: prices scanned before refining (0: refine only)
  int reviewPeriod = 1;        // ticks between price reviews (>= 1)
  double step = 0.01;          // ShareAdjust: relative price change per review
  double initialLow = 0;       // ShareAdjust: initial price ~ U(initialLow, initialHigh)
  double initialHigh = 0;      //   (both 0: start at cost-plus price)
  double undercut = 0.1;       // Opportunistic: price = MAP x (1 - undercut) when undercutting
  double believedDetection = 0.3; // Opportunistic: prior chance per day that undercutting is seen
  /// Its keys (`members[].pricing`).
  void fields(FieldVisitor& v);
};

enum class ForecastMethod : std::uint8_t {
  MovingAverage,  // mean of the last `window` days
  Exponential,    // simple exponential smoothing: level <- alpha x + (1 - alpha) level
  HoltWinters,    // level, trend and a season of `season` days (Winters 1960), additive or multiplicative
};

/// How an order-up-to member forecasts its daily demand (models/replenishment).
struct ForecastSpec {
  ForecastMethod method = ForecastMethod::MovingAverage;
  double alpha = 0.3;          // smoothing of the level (exponential, holt_winters)
  double beta = 0.05;          // smoothing of the trend (holt_winters)
  double gamma = 0.2;          // smoothing of the seasonal factors (holt_winters)
  int season = 7;              // days per season (holt_winters), e.g. 7 for a weekly pattern
  bool multiplicative = false; // seasonal factors multiply the level (else they add to it)
  /// Its keys (`members[].replenishment.forecast`).
  void fields(FieldVisitor& v);
};

struct ReplenishSpec {
  ReplenishRule rule = ReplenishRule::OrderUpTo;
  double coverDays = 7;        // OrderUpTo: target = forecast x (lead time + coverDays)
  int forecastWindow = 7;      // OrderUpTo: moving-average window of own sales, ticks
  ForecastSpec forecast;       // OrderUpTo: the forecaster (moving average of `forecastWindow` by default)
  double reorderPoint = 0;     // MinMax: s, units
  double orderUpTo = 0;        // MinMax: S, units
  double initialStock = 0;     // units on hand at tick 0
  /// Its keys (`members[].replenishment`).
  void fields(FieldVisitor& v);
};

struct ScenarioSpec;

/// A group of identical members (the YAML `members:` list entry).
struct MemberGroupSpec {
  std::string name;
  MemberKind kind = MemberKind::OfflineStore;
  int count = 1;
  int brand = 0;                        // index into ScenarioSpec::brands
  int supplierGroup = -1;               // index into ScenarioSpec::groups; -1: none
  int ownerGroup = -1;                  // group (of one member) whose owner decides this group's prices
  SupplierRule supplierRule = SupplierRule::Territory;
  std::vector<int> territories;         // per instance (cycled), indices into territories
  // placement of physical members: "cities" (near city centres), "uniform", or the map centre
  std::string placement = "cities";
  // supply terms on the edge from the supplier (DESIGN: edges carry contract terms)
  double discount = 0;                  // fraction off the supplier's list price
  int leadTime = 2;                     // ticks from order to arrival
  double minOrder = 0;                  // units; smaller orders are rounded up
  double fixedFee = 0;                  // currency per tick paid to the supplier (two-part tariff)
  int logisticsGroup = -1;              // group of kind logistics carrying this group's inbound goods (-1: in-house)
  CarriageSpec carriage;                // kind logistics: the service it offers
  // operating economics (defaults depend on kind, see kindDefaults in world_builder)
  double fixedCost = -1;                // currency per tick
  double holdingCost = -1;              // currency per unit on hand per tick
  double shippingCost = -1;             // currency per unit sold (online delivery)
  double commission = -1;               // fraction of revenue kept by the platform
  double serviceLevel = -1;             // 0..1, enters consumer utility
  double deliveryDays = -1;             // online delivery time, days
  double reach = -1;                    // online: share of consumers who see this outlet
  double valuationFactor = 1;           // theta: multiplies consumer valuation (dual channel)
  double initialCash = 0;               // currency
  std::vector<double> priceFactors;     // per instance (cycled): multiplies the price it sets
  // diversion (outlets): may buy from any member of the supplier group when cheaper landed
  bool divert = false;
  double transportCost = 0;             // currency per unit bought outside its own territory
  // member roles (deck ch. 1): service and value-added provision, paid per unit sold
  double serviceLift = 0;               // added to the service level (0..1)
  double valueLift = 0;                 // fraction added to consumers' valuation of this outlet
  double roleCostPerUnit = 0;           // currency per unit sold for the lifts above
  int reserve = 0;                      // extra inactive members a partner policy may recruit
  int licenceExpiry = 0;                // tick the licence lapses (0: never); audits may catch it
  PricingSpec pricing;
  ReplenishSpec replenish;
  std::shared_ptr<const MemberTable> table;  // from_csv: one member per row (null: count and placement)
  std::vector<int> assortment;          // products of its brand it carries (indices into products; empty: all)
  /// Declares the keys that registered mechanisms keep at `slot` of the group's mapping.
  using SlotKeys = std::function<void(FieldVisitor&, GroupSlot)>;
  /// Its keys (`members[]`); `scenario` holds the groups above it when reading (every group when
  /// writing), `slotKeys` the mechanisms' keys at their slots.
  void fields(FieldVisitor& v, const ScenarioSpec& scenario, const SlotKeys& slotKeys);
};

/// A product (SKU) of a brand (`brands[].products`): its own cost, prices and appeal. A brand
/// without a `products` list has one implicit product with the brand's values.
struct ProductSpec {
  std::string name;
  double unitCost = -1;         // production cost per unit (-1: the brand's)
  double suggestedRetail = -1;  // MSRP, currency per unit (-1: the brand's; 0: none)
  double minAdvertised = -1;    // MAP, currency per unit (-1: the brand's; 0: none)
  double capacity = -1;         // units per tick its manufacturer can make (-1: the brand's; 0: unlimited)
  double appeal = 0;            // utility added to every option selling it (for `segments`)
  std::vector<int> segments;    // consumer segments the appeal applies to (indices; empty: all)
  /// Its keys (`brands[].products[]`); `segmentNames` are the scenario's consumer segments.
  void fields(FieldVisitor& v, const std::vector<std::string>& segmentNames);
};

struct BrandSpec {
  std::string name;
  double unitCost = 10;        // production cost per unit
  double suggestedRetail = 0;  // MSRP, currency per unit (0 = none)
  double minAdvertised = 0;    // MAP, currency per unit (0 = none)
  double capacity = 0;         // units per tick (0 = unlimited)
  std::vector<ProductSpec> products;  // its SKUs; empty: one implicit product, the brand itself
  /// Its keys (`brands[]`); `segmentNames`: the scenario's consumer segments (products[].segments).
  void fields(FieldVisitor& v, const std::vector<std::string>& segmentNames = {});
};

struct TerritoryArea;  // sim/core/territory_area.hpp

struct TerritorySpec {
  std::string name;
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;      // rectangle on the map, km (imported: the area's bounding box)
  std::shared_ptr<const TerritoryArea> area;  // imported polygons, km (null: the rectangle)
  std::string geojson;                        // imported: the GeoJSON file (absolute path) ...
  std::string geojsonProperty;                // ... and the feature property naming it
  /// Its keys (`territories[]`); a GeoJSON entry is read by the importer (sim/io/import).
  void fields(FieldVisitor& v, const ScenarioSpec& scenario);
};

struct SegmentSpec {
  std::string name;
  double share = 1;                 // fraction of consumers
  Distribution valuation{Distribution::Type::Constant, 0, 0};  // utility intercept v_i
  double priceSensitivity = 1;      // alpha: utility per currency unit
  double travelCost = 0.1;          // tau: utility per km to a physical outlet
  double deliveryCost = 0.1;        // utility per day of online delivery
  double onlinePreference = 0;      // utility bonus of online outlets
  double serviceWeight = 1;         // utility per unit of service level
  double purchaseProbability = 1;   // chance of shopping on a given tick
  double noise = 1;                 // mu: logit scale (> 0)
  bool outsideOption = true;        // no-purchase option with utility 0
  /// Its keys (`consumers.segments[]`).
  void fields(FieldVisitor& v);
};

struct ConsumerSpec {
  int count = 1000;
  double weight = 1;                // real buyers (units demanded) per consumer agent
  std::string placement = "cities"; // "cities" or "uniform"
  double urbanShare = 0.8;          // placement cities: share placed near a city, rest uniform
  int nearest = 8;                  // physical outlets in each consumer's choice set
  double radius = 0;                // km; physical outlets beyond are excluded (0 = no limit)
  bool expected = false;            // expected-value (mean-field) choice instead of sampling
  bool substitution = true;         // stock-out: second choice among in-stock outlets
  /// Outlet kinds whose stock consumers see before choosing (online shops show availability);
  /// an empty shelf of any other kind is found only on arrival: the request goes unfilled.
  std::vector<MemberKind> stockVisible{MemberKind::EStore, MemberKind::Marketplace, MemberKind::SocialSeller};
  std::vector<SegmentSpec> segments;
  std::shared_ptr<const ConsumerTable> table;  // from_csv: imported places (null: count and placement)
  /// Its keys (`consumers`); from_csv is read by the importer once the others are read.
  void fields(FieldVisitor& v);
};

/// KPIs of the scorecard (models/scorecard) a partner policy can rank partners by.
enum class PartnerKpi : std::uint8_t { Profit, Revenue, Units, Aov, Satisfaction, CostEffectiveness, BrandShare };

/// The scenario section of a mechanism in mechanisms/: each mechanism derives its own spec
/// struct from this one (mechanisms/mechanism.hpp); ScenarioSpec only carries it.
struct MechanismSpec {
  virtual ~MechanismSpec() = default;
};

struct ScenarioSpec {
  std::string name = "scenario";
  std::string description;
  std::uint64_t seed = 1;
  /// Seed of the map: city centres, member and consumer places (0 - 2^63-1). The loader pins it
  /// to the file's own seed when the file names none, so that another seed (--seed, sweep
  /// replications) redraws demand and behaviour on the same map.
  std::uint64_t mapSeed = 1;
  int run = 0;                      // run index inside a sweep (keys the random streams)
  int ticks = 365;
  double width = 100, height = 100; // map size, km
  int cityCount = 6;                // city centres shared by outlets and consumers
  double citySpread = 5;            // km, standard deviation of placement around a centre
  MapOrigin origin;                 // map.origin: lat/lon of the south-west corner (imported files)
  std::vector<BrandSpec> brands;
  std::vector<TerritorySpec> territories;
  std::vector<MemberGroupSpec> groups;
  ConsumerSpec consumers;
  /// Sections of the registered mechanisms, by registration index (see sectionOf).
  std::vector<std::shared_ptr<const MechanismSpec>> mechanisms;
  /// conflict.index's weights of undercut_rate, cross_territory_share and cannibalization.
  /// Not given: each rate weighs by its volume base (units sold, units distributors shipped,
  /// online units), so the index is the share of the units at stake that were in conflict.
  struct ConflictWeights {
    bool given = false;
    double undercut = 0, crossTerritory = 0, cannibalization = 0;
  } conflictWeights;
  /// Start as a channel that has been running (Engine::startAtSteadyState): order-up-to
  /// members' stock, goods in transit and forecasts at the expected demand of opening prices.
  bool steadyStart = true;
  /// The first `warmup` of the `ticks` are simulated but left out of every summary metric,
  /// members.csv and events.csv (timeseries.csv flags them): the run is measured from a channel
  /// that has settled (Engine::closeWarmupBooks). 0 .. ticks - 1.
  int warmup = 0;
  int blockSize = 4096;             // consumers per parallel block (fixed: results never depend on threads)
  bool check = false;               // verify conservation every tick
  /// Optional output files (`outputs`), off by default.
  struct Outputs {
    bool memberTimeseries = false;  // member_timeseries.csv: one row per member per tick
  } outputs;
  /// The top-level keys above the lists (`name` .. `map`), sim/core/spec_schema.cpp.
  void fields(FieldVisitor& v);
  /// The `outputs` section's keys.
  void outputFields(FieldVisitor& v);
};

/// Which optional mechanisms a scenario uses (they add summary metrics and timeseries columns).
bool hasLogisticsProviders(const ScenarioSpec& spec);

}  // namespace chan
