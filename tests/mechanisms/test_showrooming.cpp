// Showrooming and webrooming (mechanisms/showrooming.cpp): the decision it changes is where
// consumers buy, through the service that spills over from one channel to the other. Tested on
// one store and one e-store of one brand at the same fixed price, with no outside option, no
// travel or delivery cost and logit noise mu = 0.5: the e-store's share is then the hand-known
//   1 / (1 + exp((svc_store - svc_online) / mu))
// with svc_online = own + phi x spillover x store's, svc_store = own + psi x online's.
#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "sim/engine/engine.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/io/yaml_reader.hpp"
#include "tests/support/scenario_runs.hpp"

namespace {

/// Maker -> a store (service 0.8) and an e-store (service 0.1), both at price 20, 1,000
/// consumers of weight 0.1 (100 units a day), expected mode; `section` is appended (the
/// showrooming section, "" none).
std::string market(const std::string& section) {
  return "name: t\nticks: 5\ncheck: true\nbrands: [{name: x, unit_cost: 5}]\nmembers:\n"
         "  - {group: maker, kind: manufacturer, pricing: {rule: fixed, price: 10}}\n"
         "  - {group: store, kind: offline_store, supplier: maker, terms: {lead_time: 0}, service_level: 0.8,\n"
         "     pricing: {rule: fixed, price: 20}, replenishment: {rule: order_up_to, cover_days: 1, window: 1,\n"
         "     initial_stock: 10000}}\n"
         "  - {group: web, kind: e_store, supplier: maker, terms: {lead_time: 0}, service_level: 0.1,\n"
         "     pricing: {rule: fixed, price: 20}, replenishment: {rule: order_up_to, cover_days: 1, window: 1,\n"
         "     initial_stock: 10000}}\n"
         "consumers:\n  count: 1000\n  weight: 0.1\n  mode: expected\n  segments:\n"
         "    - {name: all, price_sensitivity: 1, travel_cost: 0, delivery_cost: 0, service_weight: 1, noise: 0.5,\n"
         "       outside_option: false}\n" +
         section;
}

struct Outcome {
  double store = 0, online = 0;  // units sold over the run
  chan::Summary summary;
};

Outcome run(const std::string& section) {
  const chan::ScenarioSpec spec = chan::io::parseScenario(YAML::Load(market(section)), "t.yaml");
  chan::Engine engine(spec);
  engine.run();  // conservation checked every tick
  const chan::World& w = engine.world();
  return {w.flows.unitsSold[1], w.flows.unitsSold[2], engine.summary()};
}

double value(const chan::Summary& s, const std::string& key) {
  for (const auto& [k, v] : s)
    if (k == key) return v;
  FAIL("no summary key " << key);
  return 0;
}

double onlineShare(double storeService, double onlineService) {
  return 1 / (1 + std::exp((storeService - onlineService) / 0.5));
}

}  // namespace

TEST_CASE("showrooming: the store's service lifts the online offer by phi x spillover", "[mechanisms]") {
  const Outcome off = run("");
  const double total = 5 * 100.0;  // 5 days x 1,000 consumers x 0.1
  REQUIRE(off.store + off.online == Approx(total).epsilon(1e-9));
  CHECK(off.online / total == Approx(onlineShare(0.8, 0.1)).epsilon(1e-9));
  // phi = 0.5, spillover 0.6: the e-store's service counts 0.1 + 0.5 x 0.6 x 0.8 = 0.34
  const Outcome on = run("showrooming: {share: 0.5, spillover: 0.6}\n");
  CHECK(on.online / total == Approx(onlineShare(0.8, 0.34)).epsilon(1e-9));
  CHECK(on.online > off.online);  // the store's service sells the e-store's units
  // traffic and conversion: every consumer has the store nearby, so showroomers = phi x online units
  CHECK(value(on.summary, "showrooming.showroomers") == Approx(0.5 * on.online).epsilon(1e-9));
  CHECK(value(on.summary, "showrooming.store_traffic") == Approx(on.store + 0.5 * on.online).epsilon(1e-9));
  CHECK(value(on.summary, "showrooming.store_conversion") ==
        Approx(on.store / (on.store + 0.5 * on.online)).epsilon(1e-9));
  CHECK(value(on.summary, "showrooming.online_conversion") == 1);  // no webroomers
}

TEST_CASE("webrooming: the online outlets' service lifts the store by psi x spillover", "[mechanisms]") {
  // psi = 0.5: the store's service counts 0.8 + 0.5 x 0.1 = 0.85; showrooming phi = 0.25 at
  // the same time: the e-store's counts 0.1 + 0.25 x 0.8 = 0.3 (both from the own levels)
  const Outcome on = run("showrooming: {share: 0.25, webrooming: 0.5}\n");
  const double total = 500;
  CHECK(on.online / total == Approx(onlineShare(0.85, 0.3)).epsilon(1e-9));
  CHECK(value(on.summary, "showrooming.webroomers") == Approx(0.5 * on.store).epsilon(1e-9));
  CHECK(value(on.summary, "showrooming.online_traffic") == Approx(on.online + 0.5 * on.store).epsilon(1e-9));
  CHECK(value(on.summary, "showrooming.online_conversion") ==
        Approx(on.online / (on.online + 0.5 * on.store)).epsilon(1e-9));
}

TEST_CASE("showrooming: off, the summary has no showrooming keys, the section reads back and bad shares are errors",
          "[mechanisms]") {
  const Outcome off = run("");
  for (const auto& [k, v] : off.summary) CHECK(k.rfind("showrooming.", 0) == std::string::npos);
  const chan::ScenarioSpec spec =
      chan::io::parseScenario(YAML::Load(market("showrooming: {share: 0.3, webrooming: 0.2}\n")), "t.yaml");
  CHECK(chan::testing::readsBack(spec));
  CHECK(chan::testing::resolvedText(spec).find("webrooming: 0.2") != std::string::npos);
  CHECK_THROWS_WITH(
      chan::io::parseScenario(chan::io::loadYamlText(market("showrooming: {share: 1.5}\n"), "t.yaml"), "t.yaml"),
      Catch::Contains("t.yaml:") && Catch::Contains("showrooming.share"));
  CHECK_THROWS_WITH(
      chan::io::parseScenario(chan::io::loadYamlText(market("showrooming: {shares: 0.5}\n"), "t.yaml"), "t.yaml"),
      Catch::Contains("t.yaml:") && Catch::Contains("shares"));
}

// scenarios/map_service.yaml, made small (5,000 consumers, 30 days' warm-up, 60 measured: the
// opening stock orders would otherwise dominate the maker's profit): the directions its comment
// block reports at full size.
namespace {

chan::testing::Run mapService(double phi, bool map, double serviceWeight = 1) {
  std::vector<std::string> sets = {"consumers.count=5000", "ticks=90", "warmup=30",
                                   "showrooming.share=" + std::to_string(phi),
                                   "consumers.segments[0].service_weight=" + std::to_string(serviceWeight)};
  if (map) sets.push_back("monitoring.enabled=true"), sets.push_back("enforcement.enabled=true");
  return chan::testing::run("map_service", sets);
}

}  // namespace

TEST_CASE(
    "map_service: without MAP store service falls as showrooming rises, and a monitored MAP restores it and "
    "pays the maker unless service is worth nothing",
    "[mechanisms][scenario]") {
  const auto none = mapService(0, false), free = mapService(0.5, false), map = mapService(0.5, true);
  // free riding: the stores' effort buys less of their own demand, so they choose less of it
  CHECK(free.metrics.at("service_effort.mean_level") < none.metrics.at("service_effort.mean_level"));
  CHECK(free.metrics.at("conflict.map_violation_days") > 0);  // the discounter (and stores) undercut
  // MAP, watched and enforced: nobody undercuts, the margin buys service back, the maker gains
  CHECK(map.metrics.at("conflict.map_violation_days") == 0);
  CHECK(map.metrics.at("service_effort.mean_level") > free.metrics.at("service_effort.mean_level"));
  CHECK(map.metrics.at("margin.manufacturer_profit") > free.metrics.at("margin.manufacturer_profit"));
  // service worth nothing: no effort either way, and MAP only raises prices: the maker loses
  const auto plain = mapService(0.5, false, 0), plainMap = mapService(0.5, true, 0);
  CHECK(plain.metrics.at("service_effort.mean_level") < 1e-6);
  CHECK(plainMap.metrics.at("margin.manufacturer_profit") < plain.metrics.at("margin.manufacturer_profit"));
  CHECK(plainMap.metrics.at("sales.units") < plain.metrics.at("sales.units"));
}
