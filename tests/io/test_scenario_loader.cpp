// Scenario loader (sim/io/scenario_loader.hpp): each test makes one kind of mistake in a
// small document and checks the whole message, "file:line:col: key.path: problem". Lines
// and columns are 1-based and were counted by hand in the documents below (each document
// starts on line 1 with "name: t"; in a flow mapping "  - {" puts the first key at column 6).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "sim/io/scenario_loader.hpp"

using chan::io::applyOverride;
using chan::io::InputError;
using chan::io::parseScenario;
using chan::io::toYaml;

namespace {

chan::ScenarioSpec parse(const std::string& yaml) { return parseScenario(YAML::Load(yaml), "t.yaml"); }

// The valid document the mistakes are made in (line numbers on the right).
const char* kValid = R"(name: t
ticks: 10
brands:
  - {name: acme, unit_cost: 10}
members:
  - {group: maker, kind: manufacturer}
  - {group: shop, kind: offline_store, supplier: maker}
consumers:
  count: 100
)";
//  1 name, 2 ticks, 3 brands, 4 brand acme, 5 members, 6 maker, 7 shop, 8 consumers, 9 count

/// kValid with line `line` (1-based) replaced by `text`.
std::string withLine(int line, const std::string& text) {
  std::string doc = kValid, out;
  int n = 1;
  std::size_t start = 0;
  while (start < doc.size()) {
    const std::size_t end = doc.find('\n', start);
    out += n == line ? text : doc.substr(start, end - start);
    out += '\n';
    start = end + 1;
    ++n;
  }
  return out;
}

std::string emit(const YAML::Node& n) {
  YAML::Emitter e;
  e << n;
  return e.c_str();
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char name[] = "/tmp/chan_loader_XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    path = name;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST_CASE("loader: the valid base document loads", "[loader]") {
  const chan::ScenarioSpec s = parse(kValid);
  CHECK(s.name == "t");
  CHECK(s.ticks == 10);
  REQUIRE(s.groups.size() == 2);
  CHECK(s.groups[1].supplierGroup == 0);
  CHECK(s.groups[1].brand == 0);  // inherited from its supplier
  CHECK(s.consumers.count == 100);
  REQUIRE(s.consumers.segments.size() == 1);  // the default segment
  CHECK(s.consumers.segments[0].name == "all");
}

TEST_CASE("loader: an unknown key suggests the nearest known one", "[loader]") {
  REQUIRE_THROWS_WITH(parse(withLine(3, "seeed: 5\nbrands:")), "t.yaml:3:1: seeed: unknown key 'seeed' (did you mean 'seed'?)");
  REQUIRE_THROWS_WITH(parse(withLine(7, "  - {group: shop, kind: offline_store, supplier: maker, pricng: {rule: fixed}}")),
                      "t.yaml:7:57: members[1].pricng: unknown key 'pricng' (did you mean 'pricing'?)");
  REQUIRE_THROWS_AS(parse(withLine(3, "seeed: 5\nbrands:")), InputError);
}

TEST_CASE("loader: a value of the wrong type", "[loader]") {
  REQUIRE_THROWS_WITH(parse(withLine(2, "ticks: ten")), "t.yaml:2:8: ticks: expected an integer, got \"ten\"");
  REQUIRE_THROWS_WITH(parse(withLine(4, "  - {name: acme, unit_cost: cheap}")),
                      "t.yaml:4:29: brands[0].unit_cost: expected a number, got \"cheap\"");
}

TEST_CASE("loader: a value out of range", "[loader]") {
  REQUIRE_THROWS_WITH(
      parse(withLine(7, "  - {group: shop, kind: offline_store, supplier: maker, pricing: {rule: cost_plus, markup: -2}}")),
      "t.yaml:7:92: members[1].pricing.markup: must be between -0.99 and 1000, got -2");
}

TEST_CASE("loader: a missing required key is reported at the mapping that lacks it", "[loader]") {
  REQUIRE_THROWS_WITH(parse(withLine(4, "  - {name: acme}")), "t.yaml:4:5: brands[0]: missing required key 'unit_cost'");
  REQUIRE_THROWS_WITH(parse(withLine(2, "seed: 4")), "t.yaml:1:1: missing required key 'ticks'");
}

TEST_CASE("loader: an unknown enum value suggests the nearest", "[loader]") {
  REQUIRE_THROWS_WITH(parse(withLine(7, "  - {group: shop, kind: ofline_store, supplier: maker}")),
                      "t.yaml:7:25: members[1].kind: unknown value 'ofline_store' (did you mean 'offline_store'?)");
}

TEST_CASE("loader: a supplier group that does not exist", "[loader]") {
  REQUIRE_THROWS_WITH(parse(withLine(7, "  - {group: shop, kind: offline_store, supplier: makr}")),
                      "t.yaml:7:50: members[1].supplier: unknown supplier group (define it above) 'makr' (did you mean 'maker'?)");
}

TEST_CASE("loader: a supplier group defined below its buyers", "[loader]") {
  const char* doc = R"(name: t
ticks: 10
brands:
  - {name: acme, unit_cost: 10}
members:
  - {group: shop, kind: offline_store, supplier: dist}
  - {group: maker, kind: manufacturer}
  - {group: dist, kind: distributor, supplier: maker}
consumers:
  count: 100
)";
  REQUIRE_THROWS_WITH(parse(doc), "t.yaml:6:50: members[0].supplier: unknown supplier group (define it above) 'dist'");
}

TEST_CASE("loader: a manufacturer with a supplier", "[loader]") {
  REQUIRE_THROWS_WITH(parse(withLine(6, "  - {group: maker, kind: manufacturer, supplier: shop}")),
                      "t.yaml:6:50: members[0].supplier: a manufacturer has no supplier");
}

TEST_CASE("loader: a minimum advertised price above the suggested retail price", "[loader]") {
  REQUIRE_THROWS_WITH(
      parse(withLine(4, "  - {name: acme, unit_cost: 10, suggested_retail_price: 20, min_advertised_price: 25}")),
      "t.yaml:4:83: brands[0].min_advertised_price: must not exceed suggested_retail_price");
  // equal is allowed
  CHECK_NOTHROW(parse(withLine(4, "  - {name: acme, unit_cost: 10, suggested_retail_price: 20, min_advertised_price: 20}")));
}

TEST_CASE("loader: a territory rectangle outside the map", "[loader]") {
  // the map is 100 x 100 by default; x1 = 120 lies beyond it
  REQUIRE_THROWS_WITH(parse(withLine(5, "territories:\n  - {name: north, rect: [50, 50, 120, 80]}\nmembers:")),
                      "t.yaml:6:25: territories[0].rect: lies outside the map");
  // inside a map widened to 150 it is fine
  CHECK_NOTHROW(parse(withLine(5, "map: {width: 150}\nterritories:\n  - {name: north, rect: [50, 50, 120, 80]}\nmembers:")));
}

TEST_CASE("loader: absurd consumer counts", "[loader]") {
  REQUIRE_THROWS_WITH(parse(withLine(9, "  count: 1e9")), "t.yaml:9:10: consumers.count: must be between 1 and 50000000, got 1e9");
  // 50 million consumers x 1000 nearest stores = 5e10 choice-set entries, over the 2e9 limit
  REQUIRE_THROWS_WITH(parse(withLine(9, "  count: 50000000\n  choice_set: {nearest: 1000}")),
                      "t.yaml:9:3: consumers: choice sets would hold 50000000000 entries (limit 2e9): "
                      "fewer consumers, nearest or online outlets");
}

TEST_CASE("loader: logit noise is 0 (exact choice) or large enough to divide by", "[loader]") {
  CHECK(parse(withLine(9, "  count: 100\n  segments: [{name: s, noise: 0}]")).consumers.segments[0].noise == 0);
  REQUIRE_THROWS_WITH(parse(withLine(9, "  count: 100\n  segments: [{name: s, noise: 1e-12}]")),
                      "t.yaml:10:31: consumers.segments[0].noise: must be 0 (exact choice) or at least 1e-09");
  REQUIRE_THROWS_WITH(parse(withLine(9, "  count: 100\n  segments: [{name: s, noise: -1}]")),
                      Catch::Contains("consumers.segments[0].noise: must be between 0 and"));
}

TEST_CASE("loader: a channel without an outlet group", "[loader]") {
  REQUIRE_THROWS_WITH(parse(withLine(7, "")),
                      "t.yaml:6:3: members: at least one outlet group (a kind that sells to consumers) is required");
}

TEST_CASE("loader: --set overrides change nested values", "[loader]") {
  YAML::Node root = YAML::Load(withLine(7, "  - {group: shop, kind: offline_store, supplier: maker, pricing: {rule: cost_plus}}"));
  applyOverride(root, "members[1].pricing.markup=0.55");
  applyOverride(root, "consumers.choice_set.nearest=3");  // creates the choice_set mapping
  applyOverride(root, "ticks=25");
  const chan::ScenarioSpec s = parseScenario(root, "t.yaml");
  CHECK(s.groups[1].pricing.markup == 0.55);
  CHECK(s.groups[1].pricing.rule == chan::PricingRule::CostPlus);
  CHECK(s.consumers.nearest == 3);
  CHECK(s.ticks == 25);
}

TEST_CASE("loader: an override with a misspelt key is rejected at validation", "[loader]") {
  YAML::Node root = YAML::Load(withLine(9, "  count: 100\n  segments: [{name: s, noise: 2}]"));
  applyOverride(root, "consumers.segments[0].nosie=3");
  // the key came from the command line, not the file: the message names the file only
  REQUIRE_THROWS_WITH(parseScenario(root, "t.yaml"),
                      "t.yaml: consumers.segments[0].nosie: unknown key 'nosie' (did you mean 'noise'?)");
  YAML::Node typed = YAML::Load(kValid);
  applyOverride(typed, "ticks=ten");
  REQUIRE_THROWS_WITH(parseScenario(typed, "t.yaml"), "t.yaml: ticks: expected an integer, got \"ten\"");
}

TEST_CASE("loader: loadScenario reads a file and applies overrides", "[loader]") {
  TempDir dir;
  const auto file = (dir.path / "s.yaml").string();
  std::ofstream(file) << kValid;
  const chan::ScenarioSpec s = chan::io::loadScenario(file, {"seed=99", "consumers.count=7"});
  CHECK(s.seed == 99);
  CHECK(s.consumers.count == 7);
  REQUIRE_THROWS_WITH(chan::io::loadScenario(file, {"consumers.cuont=7"}),
                      file + ": consumers.cuont: unknown key 'cuont' (did you mean 'count'?)");
}

TEST_CASE("loader: toYaml round-trips to identical text", "[loader]") {
  // touches every enum, every distribution type and most optional keys
  const char* rich = R"(name: rich
description: "two lines:\nwith 'quotes' and # hash"
seed: 12345678901
run: 3
ticks: 40
block_size: 128
check: true
map: {width: 80, height: 60.5, cities: 4, city_spread: 2.25}
brands:
  - {name: acme, unit_cost: 9.99, suggested_retail_price: 25, min_advertised_price: 22.5, capacity: 1000}
  - {name: zeta, unit_cost: 0.1}
territories:
  - {name: west, rect: [0, 0, 40, 60.5]}
  - {name: east, rect: [40, 0, 80, 60]}
members:
  - {group: maker, kind: manufacturer, brand: acme, pricing: {rule: cost_plus, markup: 0.2}}
  - {group: maker2, kind: manufacturer, brand: zeta, pricing: {rule: fixed, price: 3}}
  - {group: dist, kind: distributor, count: 2, supplier: maker, territories: [west, east], exclusive: false,
     terms: {discount: 0.05, lead_time: 3, min_order: 10}, fixed_cost: 0, initial_cash: -5,
     pricing: {rule: best_response, max_price: 40, tolerance: 1e-9, grid: 8, review_period: 7},
     replenishment: {rule: order_up_to, cover_days: 2.5, window: 9, initial_stock: 100}}
  - {group: stores, kind: offline_store, count: 3, supplier: dist, supplier_rule: nearest, placement: uniform,
     pricing: {rule: share_adjust, step: 0.02, initial_low: 10, initial_high: 12}}
  - {group: boutique, kind: specialty_store, supplier: dist, supplier_rule: round_robin, placement: centre,
     service_level: 0.95, valuation_factor: 1.1,
     replenishment: {rule: min_max, reorder_point: 3, order_up_to: 12.5}}
  - {group: web, kind: e_store, supplier: maker, delivery_days: 1.5, shipping_cost: 0.7}
  - {group: market, kind: marketplace, supplier: maker2, commission: 0.15, reach: 0.9}
  - {group: social, kind: social_seller, supplier: maker, supplier_rule: territory, holding_cost: 0.001}
consumers:
  count: 1000
  weight: 2.5
  placement: uniform
  urban_share: 0.6
  choice_set: {nearest: 5, radius: 12}
  mode: expected
  substitution: false
  segments:
    - {name: a, share: 0.3, valuation: {dist: uniform, low: 5, high: 15}, noise: 0.7, outside_option: false}
    - {name: b, share: 0.2, valuation: {dist: uniform_quantiles, low: 0, high: 1}, price_sensitivity: 0.3}
    - {name: c, share: 0.2, valuation: {dist: normal, mean: 20, sd: 4}, travel_cost: 0.2, delivery_cost: 0.05}
    - {name: d, share: 0.2, valuation: {dist: lognormal, log_mean: 2, log_sd: 0.5}, online_preference: -1.5}
    - {name: e, share: 0.1, valuation: {dist: constant, value: 7}, service_weight: 3, purchase_probability: 0.25}
)";
  const chan::ScenarioSpec first = parse(rich);
  const std::string text1 = emit(toYaml(first));
  const chan::ScenarioSpec second = parse(text1);
  const std::string text2 = emit(toYaml(second));
  CHECK(text1 == text2);
  // and the values survived, not just the text
  CHECK(second.description == "two lines:\nwith 'quotes' and # hash");
  CHECK(second.seed == 12345678901ULL);
  CHECK(second.height == 60.5);
  CHECK(second.brands[0].unitCost == 9.99);
  CHECK(second.brands[1].unitCost == 0.1);
  CHECK(second.territories[0].y1 == 60.5);
  CHECK(second.groups[2].pricing.tolerance == 1e-9);
  CHECK(second.groups[2].territories == std::vector<int>{0, 1});
  CHECK(second.groups[2].initialCash == -5);
  CHECK(second.groups[3].pricing.rule == chan::PricingRule::ShareAdjust);
  CHECK(second.groups[4].replenish.rule == chan::ReplenishRule::MinMax);
  CHECK(second.groups[4].supplierRule == chan::SupplierRule::RoundRobin);
  CHECK(second.groups[4].placement == "centre");
  CHECK(second.groups[6].brand == 1);  // market inherits zeta from maker2
  CHECK(second.groups[6].commission == 0.15);
  CHECK(second.groups[5].commission == -1);  // kind default stays a kind default
  CHECK(second.consumers.radius == 12);
  CHECK(second.consumers.expected);
  CHECK_FALSE(second.consumers.substitution);
  REQUIRE(second.consumers.segments.size() == 5);
  CHECK(second.consumers.segments[3].valuation.type == chan::Distribution::Type::LogNormal);
  CHECK(second.consumers.segments[3].onlinePreference == -1.5);
  CHECK_FALSE(second.consumers.segments[0].outsideOption);
  // the resolved file fills in defaults: reading the defaults-only base document back gives them
  const std::string base = emit(toYaml(parse(kValid)));
  CHECK(emit(toYaml(parse(base))) == base);
  CHECK(parse(base).groups[1].leadTime == 2);
}

TEST_CASE("loader: a link's logistics provider must be a group of kind logistics", "[loader]") {
  REQUIRE_THROWS_WITH(parse(withLine(7, "  - {group: shop, kind: offline_store, supplier: maker, terms: {logistics: maker}}")),
                      "t.yaml:7:76: members[1].terms.logistics: group 'maker' is not of kind logistics");
  // a provider's lead time becomes the link's lead time
  const chan::ScenarioSpec s = parse(withLine(7, "  - {group: truck, kind: logistics, logistics: {lead_time: 5}}\n"
                                                 "  - {group: shop, kind: offline_store, supplier: maker, terms: {logistics: truck}}"));
  CHECK(s.groups[2].logisticsGroup == 1);
  CHECK(s.groups[2].leadTime == 5);
  REQUIRE_THROWS_WITH(parse(withLine(6, "  - {group: maker, kind: manufacturer, logistics: {lead_time: 5}}")),
                      "t.yaml:6:51: members[0].logistics: only a group of kind logistics offers carriage");
}

TEST_CASE("loader: consumers.stock_visible takes outlet kinds only", "[loader]") {
  CHECK(parse(withLine(9, "  count: 100\n  stock_visible: []")).consumers.stockVisible.empty());
  REQUIRE_THROWS_WITH(parse(withLine(9, "  count: 100\n  stock_visible: [e_store, offline_stor]")),
                      "t.yaml:10:28: consumers.stock_visible[1]: unknown value 'offline_stor' (did you mean 'offline_store'?)");
  REQUIRE_THROWS_WITH(parse(withLine(9, "  count: 100\n  stock_visible: [distributor]")),
                      Catch::Contains("consumers.stock_visible: 'distributor' is not an outlet kind"));
}

TEST_CASE("loader: conflict_weights need all three weights, one of them positive", "[loader]") {
  REQUIRE_THROWS_WITH(parse(withLine(2, "ticks: 10\nconflict_weights: {undercut: 0, cross_territory: 0, cannibalization: 0}")),
                      Catch::Contains("conflict_weights: at least one weight must be positive"));
  REQUIRE_THROWS_WITH(parse(withLine(2, "ticks: 10\nconflict_weights: {undercut: 1}")),
                      Catch::Contains("conflict_weights: missing required key 'cross_territory'"));
}

TEST_CASE("loader: map_seed defaults to the seed in a parsed document", "[loader][map_seed]") {
  CHECK(parse(withLine(2, "ticks: 10\nseed: 17")).mapSeed == 17);
  CHECK(parse(withLine(2, "ticks: 10\nseed: 17\nmap_seed: 4")).mapSeed == 4);
  CHECK(parse(kValid).mapSeed == 1);  // neither given: both 1
  REQUIRE_THROWS_WITH(parse(withLine(2, "ticks: 10\nmap_seed: -1")),
                      "t.yaml:3:11: map_seed: must be between 0 and 9223372036854775807, got -1");
}

TEST_CASE("loader: a seed override keeps the file's seed as the map seed", "[loader][map_seed]") {
  // --seed and the seeds of sweep replications are overrides of seed: they redraw demand and
  // behaviour, while the map stays the one of the file's own seed
  TempDir dir;
  const auto withSeed = (dir.path / "seeded.yaml").string();
  std::ofstream(withSeed) << withLine(2, "ticks: 10\nseed: 42");
  const chan::ScenarioSpec moved = chan::io::loadScenario(withSeed, {"seed=7"});
  CHECK(moved.seed == 7);
  CHECK(moved.mapSeed == 42);
  CHECK(chan::io::loadScenario(withSeed).mapSeed == 42);
  // an explicit map_seed, in the file or as an override, wins
  CHECK(chan::io::loadScenario(withSeed, {"seed=7", "map_seed=9"}).mapSeed == 9);
  const auto pinned = (dir.path / "pinned.yaml").string();
  std::ofstream(pinned) << withLine(2, "ticks: 10\nseed: 42\nmap_seed: 5");
  CHECK(chan::io::loadScenario(pinned, {"seed=7"}).mapSeed == 5);
  // a file without a seed has seed 1, and so its map
  const auto plain = (dir.path / "plain.yaml").string();
  std::ofstream(plain) << kValid;
  const chan::ScenarioSpec unseeded = chan::io::loadScenario(plain, {"seed=7"});
  CHECK(unseeded.seed == 7);
  CHECK(unseeded.mapSeed == 1);
  // the resolved scenario names it, so that rerunning it draws the same map
  const chan::ScenarioSpec again = parse(emit(toYaml(moved)));
  CHECK(again.seed == 7);
  CHECK(again.mapSeed == 42);
}

TEST_CASE("loader: outputs switches the member panel on, and only known keys", "[loader]") {
  CHECK_FALSE(parse(kValid).outputs.memberTimeseries);
  const chan::ScenarioSpec on = parse(withLine(2, "ticks: 10\noutputs: {member_timeseries: true}"));
  CHECK(on.outputs.memberTimeseries);
  CHECK(parse(emit(toYaml(on))).outputs.memberTimeseries);  // the resolved file keeps it on
  CHECK(emit(toYaml(parse(kValid))).find("outputs") == std::string::npos);  // off: not written
  REQUIRE_THROWS_WITH(parse(withLine(2, "ticks: 10\noutputs: {member_timeseries: yes}")),
                      Catch::Contains("outputs.member_timeseries:"));
  REQUIRE_THROWS_WITH(parse(withLine(2, "ticks: 10\noutputs: {member_timeseris: true}")),
                      "t.yaml:3:11: outputs.member_timeseris: unknown key 'member_timeseris' (did you mean "
                      "'member_timeseries'?)");
}
