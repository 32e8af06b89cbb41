// World builder (sim/engine/world_builder.hpp): the map (city centres, member and consumer
// places) comes from map_seed, demand and behaviour from seed, so replications that change the
// seed keep the geography (README "Reproducibility").
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/engine/engine.hpp"
#include "models/placement.hpp"
#include "sim/core/rng.hpp"
#include "sim/engine/world_builder.hpp"
#include "sim/io/scenario_loader.hpp"

namespace {

/// Stores and consumers placed around cities (the draws map_seed owns), valuations drawn
/// (demand), sampled shopping (behaviour).
chan::ScenarioSpec spec(std::uint64_t seed, std::uint64_t mapSeed) {
  const std::string yaml = R"(
name: places
seed: )" + std::to_string(seed) + R"(
map_seed: )" + std::to_string(mapSeed) + R"(
ticks: 15
block_size: 64
map: {width: 40, height: 40, cities: 3, city_spread: 3}
brands: [{name: b, unit_cost: 10}]
members:
  - {group: maker, kind: manufacturer}
  - {group: stores, kind: offline_store, count: 6, supplier: maker, placement: cities,
     replenishment: {rule: order_up_to, cover_days: 3, initial_stock: 40}}
  - {group: web, kind: e_store, supplier: maker, reach: 0.5, replenishment: {rule: order_up_to, initial_stock: 40}}
consumers:
  count: 400
  placement: cities
  urban_share: 0.7
  segments:
    - {name: s, valuation: {dist: normal, mean: 20, sd: 4}, travel_cost: 0.1, noise: 2, purchase_probability: 0.2}
)";
  return chan::io::parseScenario(YAML::Load(yaml), "places.yaml");
}

struct Places {
  std::vector<double> memberX, memberY;
  std::vector<float> consumerX, consumerY;
  std::vector<double> valuation;
};

Places placesOf(const chan::ScenarioSpec& s) {
  const chan::World w = chan::buildWorld(s);
  return {w.members.x, w.members.y, w.consumers.x, w.consumers.y, w.consumers.valuation};
}

double unitsSold(const chan::ScenarioSpec& s) {
  chan::Engine engine(s);
  engine.run();
  return engine.world().ledger.soldToConsumers;
}

/// Mean distance between points i and i + step of [begin, end), in index order.
template <class T>
double meanGap(const std::vector<T>& x, const std::vector<T>& y, std::size_t begin, std::size_t end, std::size_t step) {
  double sum = 0;
  for (std::size_t i = begin; i + step < end; ++i) sum += std::hypot(x[i + step] - x[i], y[i + step] - y[i]);
  return sum / static_cast<double>(end - begin - step);
}

/// Whether two lists of places hold the same places, in any order.
template <class P>
bool samePlaces(std::vector<P> a, std::vector<P> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

}  // namespace

TEST_CASE("world builder: another seed on the same map_seed keeps every place but changes demand",
          "[world_builder][map_seed]") {
  const chan::ScenarioSpec a = spec(1, 7), b = spec(2, 7);
  const Places pa = placesOf(a), pb = placesOf(b);
  CHECK(pa.memberX == pb.memberX);
  CHECK(pa.memberY == pb.memberY);
  CHECK(pa.consumerX == pb.consumerX);
  CHECK(pa.consumerY == pb.consumerY);
  // the stores are placed by draws, not all at one point (the test would pass vacuously)
  CHECK(pa.memberX[1] != pa.memberX[2]);
  // valuations are demand: a normal draw per consumer, redrawn by the seed
  CHECK(pa.valuation != pb.valuation);
  CHECK(unitsSold(a) != unitsSold(b));
}

TEST_CASE("world builder: another map_seed moves stores and consumers", "[world_builder][map_seed]") {
  const Places pa = placesOf(spec(1, 7)), pb = placesOf(spec(1, 8));
  for (std::size_t m = 1; m <= 6; ++m) CHECK(pa.memberX[m] != pb.memberX[m]);  // the six stores
  std::size_t moved = 0;
  for (std::size_t i = 0; i < pa.consumerX.size(); ++i)
    moved += pa.consumerX[i] != pb.consumerX[i] || pa.consumerY[i] != pb.consumerY[i];
  CHECK(moved == pa.consumerX.size());
  // the online store sits mid-map whatever the map: placement is for physical outlets
  CHECK(pa.memberX[7] == 20);
  CHECK(pb.memberX[7] == 20);
}

TEST_CASE("world builder: consumers are numbered in map order within each segment", "[world_builder][map_order]") {
  // 4,000 consumers in two segments around 3 cities; drawn in index order, consecutive
  // consumers stand in random cities
  const std::string yaml = R"(
name: order
seed: 3
ticks: 1
map: {width: 60, height: 60, cities: 3, city_spread: 3}
brands: [{name: b, unit_cost: 10}]
members:
  - {group: maker, kind: manufacturer}
  - {group: stores, kind: offline_store, count: 12, supplier: maker, placement: cities}
consumers:
  count: 4000
  placement: cities
  urban_share: 0.9
  segments:
    - {name: a, share: 0.6, valuation: {dist: normal, mean: 20, sd: 4}}
    - {name: b, share: 0.4, valuation: {dist: normal, mean: 25, sd: 4}}
)";
  const chan::ScenarioSpec s = chan::io::parseScenario(YAML::Load(yaml), "order.yaml");
  const chan::World w = chan::buildWorld(s);
  const auto& c = w.consumers;
  REQUIRE(c.size() == 4000);
  const std::vector<chan::models::Point> cities = chan::models::makeCities(s);
  // each segment keeps its index range and holds the places drawn for that range, reordered
  for (const auto& [begin, end] : {std::pair<std::size_t, std::size_t>{0, 2400}, {2400, 4000}}) {
    std::vector<std::pair<float, float>> built, drawn;
    for (std::size_t i = begin; i < end; ++i) {
      CHECK(c.segment[i] == (begin == 0 ? 0 : 1));
      built.emplace_back(c.x[i], c.y[i]);
      chan::Stream place(s.mapSeed, chan::models::kMapRun, 0, chan::StreamPurpose::Setup, i);
      const chan::models::Point p = chan::models::placePoint(s, cities, "cities", 0.9, place);
      drawn.emplace_back(static_cast<float>(p.x), static_cast<float>(p.y));
    }
    CHECK(samePlaces(built, drawn));
  }
  // neighbours in index order are neighbours on the map: the mean distance between consumers i
  // and i + 1 is a small fraction of that between i and i + 1,000 (in draw order both are the
  // distance between two random consumers, about the cities' spacing)
  CHECK(meanGap(c.x, c.y, 0, 2400, 1) < 0.2 * meanGap(c.x, c.y, 0, 2400, 1000));
}

TEST_CASE("world builder: a large group of stores is numbered in map order, a small one in draw order",
          "[world_builder][map_order]") {
  // 4,500 active stores and 100 in reserve (at least 4,096 sites: map order), then 50 more
  // stores (draw order), around 3 cities; each store's place comes from the stream of its
  // site in draw order (map_seed, key 2^32 + site)
  const std::string yaml = R"(
name: stores
seed: 3
ticks: 1
map: {width: 60, height: 60, cities: 3, city_spread: 3}
brands: [{name: b, unit_cost: 10}]
members:
  - {group: maker, kind: manufacturer}
  - {group: big, kind: offline_store, count: 4500, reserve: 100, supplier: maker, placement: cities}
  - {group: small, kind: offline_store, count: 50, supplier: maker, placement: cities}
consumers:
  count: 100
  segments: [{name: s, valuation: {dist: constant, value: 20}}]
)";
  const chan::ScenarioSpec s = chan::io::parseScenario(YAML::Load(yaml), "stores.yaml");
  const chan::World w = chan::buildWorld(s);
  const auto& mb = w.members;
  REQUIRE(mb.size() == 1 + 4600 + 50);
  const std::vector<chan::models::Point> cities = chan::models::makeCities(s);
  auto drawn = [&](std::size_t site) {
    chan::Stream rng(s.mapSeed, chan::models::kMapRun, 0, chan::StreamPurpose::Setup, 0x100000000ULL + site);
    const chan::models::Point p = chan::models::placePoint(s, cities, "cities", s.consumers.urbanShare, rng);
    return std::pair<double, double>{p.x, p.y};
  };
  // the active stores and the reserve each hold the places drawn for their own range
  for (const auto& [begin, end] : {std::pair<std::size_t, std::size_t>{1, 4501}, {4501, 4601}}) {
    std::vector<std::pair<double, double>> built, draws;
    for (std::size_t m = begin; m < end; ++m) {
      CHECK(mb.active[m] == (m < 4501));
      built.emplace_back(mb.x[m], mb.y[m]);
      draws.push_back(drawn(m));
    }
    CHECK(samePlaces(built, draws));
  }
  // neighbours in index order are neighbours on the map (in draw order both gaps are the
  // distance between two random stores)
  CHECK(meanGap(mb.x, mb.y, 1, 4501, 1) < 0.2 * meanGap(mb.x, mb.y, 1, 4501, 1000));
  // the small group keeps draw order
  for (std::size_t m = 4601; m < 4651; ++m) CHECK(std::pair<double, double>{mb.x[m], mb.y[m]} == drawn(m));
}
