// Engine (sim/engine/engine.hpp): conservation of goods and money over a multi-tier channel
// with lead times and stock-outs, determinism (threads, repeated runs, seeds), and
// end-to-end checks against hand-computed logit demand.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include <tbb/global_control.h>

#include "sim/engine/engine.hpp"
#include "sim/io/run_output.hpp"
#include "sim/io/scenario_loader.hpp"

namespace {

chan::ScenarioSpec parse(const std::string& yaml) { return chan::io::parseScenario(YAML::Load(yaml), "engine.yaml"); }

// maker (capacity 60/tick) -> 2 distributors (lead 3) -> 4 stores (lead 2, min order 5)
//                                                   -> marketplace (lead 0, round robin)
//                          -> e-store (lead 1, (s,S), fixed price 19)
// Opening stock: 2 x 40 + 4 x 10 + 20 + 5 = 145 units (a cold start: steady_start is off). About 1500 x 5% = 75 consumers shop
// each tick and most of them buy, above the capacity of 60, so outlets run out now and then
// and orders wait in transit.
std::string tiers(const std::string& mode, std::uint64_t seed = 3, int blockSize = 64) {
  return R"(
name: tiers
seed: )" + std::to_string(seed) +
         R"(
ticks: 30
check: true
steady_start: false
block_size: )" + std::to_string(blockSize) +
         R"(
map: {width: 50, height: 50, cities: 3, city_spread: 4}
brands: [{name: b, unit_cost: 10, capacity: 60}]
members:
  - {group: maker, kind: manufacturer, pricing: {rule: cost_plus, markup: 0.2}}
  - {group: dist, kind: distributor, count: 2, supplier: maker, terms: {lead_time: 3, discount: 0.05},
     initial_cash: 1000, replenishment: {rule: order_up_to, cover_days: 3, window: 5, initial_stock: 40}}
  - {group: stores, kind: offline_store, count: 4, supplier: dist, supplier_rule: nearest,
     terms: {lead_time: 2, min_order: 5}, pricing: {rule: cost_plus, markup: 0.4},
     replenishment: {rule: order_up_to, cover_days: 2, window: 4, initial_stock: 10}}
  - {group: web, kind: e_store, supplier: maker, terms: {lead_time: 1}, pricing: {rule: fixed, price: 19},
     replenishment: {rule: min_max, reorder_point: 5, order_up_to: 30, initial_stock: 20}}
  - {group: market, kind: marketplace, supplier: dist, supplier_rule: round_robin, terms: {lead_time: 0},
     replenishment: {rule: order_up_to, cover_days: 1, window: 2, initial_stock: 5}}
consumers:
  count: 1500
  mode: )" + mode + R"(
  segments:
    - {name: s, valuation: {dist: normal, mean: 22, sd: 3}, price_sensitivity: 1, travel_cost: 0.05, noise: 2,
       purchase_probability: 0.05}
)";
}

struct RunText {
  std::string timeseries, members;
  bool operator==(const RunText& o) const { return timeseries == o.timeseries && members == o.members; }
};

RunText runText(const chan::ScenarioSpec& spec) {
  chan::Engine engine(spec);
  engine.run();
  return {chan::io::timeseriesCsv(engine.metrics(), *engine.world().spec), chan::io::membersCsv(engine.world())};
}

RunText runWithThreads(const chan::ScenarioSpec& spec, std::size_t threads) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  return runText(spec);
}

double summaryValue(const chan::Summary& s, const std::string& key) {
  for (const auto& [k, v] : s)
    if (k == key) return v;
  FAIL("summary has no " << key);
  return 0;
}

}  // namespace

TEST_CASE("engine: goods and money are conserved through tiers, lead times and stock-outs", "[engine]") {
  for (const std::string mode : {"sampled", "expected"}) {
    DYNAMIC_SECTION(mode) {
      const chan::ScenarioSpec spec = parse(tiers(mode));
      chan::Engine engine(spec);  // check: true verifies conservation after set-up and every tick
      const chan::World& w = engine.world();
      CHECK(w.ledger.opening == 145.0);  // 2 x 40 + 4 x 10 + 20 + 5, by hand
      CHECK(w.tierCount() == 3);
      double maxInTransit = 0;
      while (w.tick < spec.ticks) {
        REQUIRE_NOTHROW(engine.step());
        maxInTransit = std::max(maxInTransit, static_cast<double>(w.inTransit.size()));
      }
      // the scenario does what it is meant to exercise
      double stockouts = 0;
      for (int m : w.outlets) stockouts += w.flows.stockoutTicks[static_cast<std::size_t>(m)];
      CHECK(stockouts > 0);
      CHECK(maxInTransit > 0);
      CHECK(w.ledger.soldToConsumers > 145);  // more than the opening stock was sold
      // capacity 60 per tick bounds production
      CHECK(w.ledger.produced <= 60.0 * spec.ticks + 1e-9);

      // goods, recomputed here from the state: produced + opening = sold + on hand + in transit
      double onHand = 0, inTransit = 0;
      std::map<int, double> transitTo;
      for (std::size_t m = 0; m < w.members.size(); ++m) onHand += w.members.stock[m];
      for (const auto& s : w.inTransit) inTransit += s.units, transitTo[s.buyer] += s.units;
      CHECK(w.ledger.produced + w.ledger.opening ==
            Approx(w.ledger.soldToConsumers + onHand + inTransit).epsilon(1e-12));
      // per member: opening + bought = sold + on hand + on its way to it
      double boughtFromMaker = 0, soldByOutlets = 0;
      for (std::size_t m = 0; m < w.members.size(); ++m) {
        const auto& g = spec.groups[static_cast<std::size_t>(w.members.group[m])];
        const double opening = w.members.kind[m] == chan::MemberKind::Manufacturer ? 0.0 : g.replenish.initialStock;
        INFO("member " << m);
        CHECK(opening + w.flows.unitsBought[m] ==
              Approx(w.flows.unitsSold[m] + w.members.stock[m] + transitTo[static_cast<int>(m)]).margin(1e-9));
        if (w.members.supplier[m] == 0) boughtFromMaker += w.flows.unitsBought[m];
        if (chan::isOutlet(w.members.kind[m])) soldByOutlets += w.flows.unitsSold[m];
      }
      // the maker produces to order: everything it made was shipped to its buyers
      CHECK(w.flows.unitsSold[0] == Approx(w.ledger.produced).epsilon(1e-12));
      CHECK(boughtFromMaker == Approx(w.ledger.produced).epsilon(1e-12));
      CHECK(soldByOutlets == Approx(w.ledger.soldToConsumers).epsilon(1e-12));
      // money: the maker paid unit cost 10 per unit produced
      CHECK(w.flows.purchases[0] == Approx(10 * w.ledger.produced).epsilon(1e-12));
      CHECK(w.ledger.balance(chan::External::Production) == Approx(10 * w.ledger.produced).epsilon(1e-12));
      CHECK(w.ledger.balance(chan::External::Capital) == Approx(-2000.0));  // 2 distributors x 1000
      // marketplace commission (default 12%) is the platform's income
      const int market = w.outlets.back();
      CHECK(w.ledger.balance(chan::External::Platform) ==
            Approx(0.12 * w.flows.revenue[static_cast<std::size_t>(market)]).epsilon(1e-12));
      // the e-store sells at its fixed price 19
      const auto web = static_cast<std::size_t>(w.outlets[4]);
      CHECK(w.flows.revenue[web] == Approx(19 * w.flows.unitsSold[web]).epsilon(1e-12));
      REQUIRE_NOTHROW(engine.verifyConservation());
    }
  }
}

TEST_CASE("engine: money paid by consumers equals the outlets' revenue", "[engine]") {
  const chan::ScenarioSpec spec = parse(tiers("sampled"));
  chan::Engine engine(spec);
  engine.run();
  const chan::World& w = engine.world();
  double outletRevenue = 0, units = 0, recordRevenue = 0, recordUnits = 0;
  for (int m : w.outlets) {
    outletRevenue += w.flows.revenue[static_cast<std::size_t>(m)];
    units += w.flows.unitsSold[static_cast<std::size_t>(m)];
  }
  for (const auto& r : engine.metrics().records()) recordRevenue += r.revenue, recordUnits += r.obs.sold;
  CHECK(outletRevenue > 0);
  CHECK(-w.ledger.balance(chan::External::Consumers) == Approx(outletRevenue).epsilon(1e-12));
  CHECK(recordRevenue == Approx(outletRevenue).epsilon(1e-12));
  CHECK(recordUnits == Approx(units).epsilon(1e-12));
  CHECK(w.ledger.total() == Approx(0.0).margin(1e-9 * w.ledger.volume()));
  const chan::Summary s = engine.summary();
  CHECK(summaryValue(s, "sales.revenue") == Approx(outletRevenue).epsilon(1e-12));
  CHECK(summaryValue(s, "sales.units") == Approx(units).epsilon(1e-12));
}

TEST_CASE("engine: results do not depend on the number of threads", "[engine][determinism]") {
  for (const std::string mode : {"sampled", "expected"}) {
    DYNAMIC_SECTION(mode) {
      const chan::ScenarioSpec spec = parse(tiers(mode));
      const RunText one = runWithThreads(spec, 1);
      const RunText two = runWithThreads(spec, 2);
      const RunText four = runWithThreads(spec, 4);
      CHECK(one.timeseries == two.timeseries);
      CHECK(one.members == two.members);
      CHECK(one.timeseries == four.timeseries);
      CHECK(one.members == four.members);
      // sanity: the text has a header and one row per tick
      CHECK(std::count(one.timeseries.begin(), one.timeseries.end(), '\n') == spec.ticks + 1);
    }
  }
}

TEST_CASE("engine: a sampled run repeats exactly, another seed differs", "[engine][determinism]") {
  const chan::ScenarioSpec spec = parse(tiers("sampled"));
  const RunText first = runText(spec);
  const RunText again = runText(spec);
  CHECK(first == again);
  const RunText other = runText(parse(tiers("sampled", 4)));
  CHECK(other.timeseries != first.timeseries);
  CHECK(other.members != first.members);
  // the run index keys the streams too
  chan::ScenarioSpec run1 = spec;
  run1.run = 1;
  CHECK(runText(run1).timeseries != first.timeseries);
}

TEST_CASE("engine: sampled results with unit weights do not depend on the block size", "[engine][determinism]") {
  // In sampled mode every draw is keyed by the consumer, and with weight 1 each block sum is a
  // sum of whole units, exact in floating point: merging blocks of any size gives the same.
  // The one exception is cannibalized_units, a sum of expected fractions (source of volume,
  // Rao-Blackwellised), whose rounding depends on where blocks are cut: it is left out.
  RunText b64 = runText(parse(tiers("sampled", 3, 64)));
  RunText b1000 = runText(parse(tiers("sampled", 3, 1000)));
  auto withoutCannibalized = [](const std::string& csv) {
    std::istringstream in(csv);
    std::string line, out;
    std::size_t column = std::string::npos;
    while (std::getline(in, line)) {
      std::vector<std::string> cells;
      std::istringstream row(line);
      for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
      if (column == std::string::npos)
        column = static_cast<std::size_t>(std::find(cells.begin(), cells.end(), "cannibalized_units") - cells.begin());
      REQUIRE(column < cells.size());
      cells.erase(cells.begin() + static_cast<std::ptrdiff_t>(column));
      for (const std::string& c : cells) out += c + ",";
      out += "\n";
    }
    return out;
  };
  CHECK(b64.members == b1000.members);
  CHECK(withoutCannibalized(b64.timeseries) == withoutCannibalized(b1000.timeseries));
}

TEST_CASE("engine: with ample stock every request is filled", "[engine]") {
  for (const std::string mode : {"sampled", "expected"}) {
    DYNAMIC_SECTION(mode) {
      std::string yaml = tiers(mode);
      // every outlet opens with a million units and never runs short in 30 ticks
      for (const char* from : {"initial_stock: 10}", "initial_stock: 20}", "initial_stock: 5}"}) {
        const auto at = yaml.find(from);
        REQUIRE(at != std::string::npos);
        yaml.replace(at, std::string(from).size(), "initial_stock: 1000000}");
      }
      const chan::ScenarioSpec spec = parse(yaml);
      chan::Engine engine(spec);
      engine.run();
      const chan::Summary s = engine.summary();
      CHECK(summaryValue(s, "coverage.fill_rate") == 1.0);
      CHECK(summaryValue(s, "coverage.lost_units") == 0.0);
      CHECK(summaryValue(s, "coverage.stockout_rate") == 0.0);
      CHECK(summaryValue(s, "coverage.numeric_distribution") == 1.0);
      for (const auto& r : engine.metrics().records()) {
        CHECK(r.obs.sold == Approx(r.obs.demand).epsilon(1e-12));
        CHECK(r.obs.outletsStockedOut == 0);
      }
    }
  }
}

TEST_CASE("engine: expected-mode sales per tick equal the hand-computed logit demand", "[engine]") {
  // Two online outlets at fixed prices, ample stock, constant valuation 20, 400 consumers of
  // weight 0.5, purchase probability 0.6, noise 2:
  //   U_e = 20 - 0.1*2 (delivery 2 days) - 1*18 + 1*0.6 (service) = 2.4
  //   U_m = 20 - 0.1*3 (delivery 3 days) - 1*17 + 1*0.4 (service) = 3.1
  // units per tick = 400 x 0.5 x 0.6 x (e^1.2 + e^1.55) / (1 + e^1.2 + e^1.55)
  const chan::ScenarioSpec spec = parse(R"(
name: logit
ticks: 5
check: true
brands: [{name: b, unit_cost: 10}]
members:
  - {group: maker, kind: manufacturer}
  - {group: e, kind: e_store, supplier: maker, service_level: 0.6, delivery_days: 2, pricing: {rule: fixed, price: 18},
     replenishment: {rule: none, initial_stock: 100000}}
  - {group: m, kind: marketplace, supplier: maker, service_level: 0.4, delivery_days: 3, pricing: {rule: fixed, price: 17},
     replenishment: {rule: none, initial_stock: 100000}}
consumers:
  count: 400
  weight: 0.5
  mode: expected
  segments:
    - {name: s, valuation: {dist: constant, value: 20}, price_sensitivity: 1, delivery_cost: 0.1, service_weight: 1,
       purchase_probability: 0.6, noise: 2}
)");
  chan::Engine engine(spec);
  engine.run();
  const double ee = std::exp(2.4 / 2), em = std::exp(3.1 / 2);
  const double perTick = 400 * 0.5 * 0.6 * (ee + em) / (1 + ee + em);
  for (const auto& r : engine.metrics().records()) {
    CHECK(r.obs.sold == Approx(perTick).epsilon(1e-12));
    CHECK(r.obs.onlineSold == Approx(perTick).epsilon(1e-12));
    CHECK(r.revenue == Approx(400 * 0.5 * 0.6 * (18 * ee + 17 * em) / (1 + ee + em)).epsilon(1e-12));
  }
  const chan::World& w = engine.world();
  CHECK(w.flows.unitsSold[1] == Approx(5 * 400 * 0.5 * 0.6 * ee / (1 + ee + em)).epsilon(1e-12));
  CHECK(w.ledger.produced == 0.0);  // rule none: nothing was ever ordered
}

TEST_CASE("engine: expected-mode substitution sends the unserved share to the outlets with stock", "[engine]") {
  // One tick, 400 consumers of weight 1 who all shop; U_A = 12 - 10 = 2, U_B = 12 - 11 = 1
  // (no service, delivery or preference terms), mu = 1. A holds only 10 units.
  //   round 1: D_A = 400 e^2 / (1 + e^2 + e), D_B = 400 e / (1 + e^2 + e); A serves 10
  //   round 2: the unserved D_A - 10 choose between B and walking away: P'_B = e / (1 + e)
  const chan::ScenarioSpec spec = parse(R"(
name: substitution
ticks: 1
check: true
brands: [{name: b, unit_cost: 5}]
members:
  - {group: maker, kind: manufacturer}
  - {group: A, kind: e_store, supplier: maker, service_level: 0, delivery_days: 0, pricing: {rule: fixed, price: 10},
     replenishment: {rule: none, initial_stock: 10}}
  - {group: B, kind: e_store, supplier: maker, service_level: 0, delivery_days: 0, pricing: {rule: fixed, price: 11},
     replenishment: {rule: none, initial_stock: 100000}}
consumers:
  count: 400
  mode: expected
  segments: [{name: s, valuation: {dist: constant, value: 12}, service_weight: 0, delivery_cost: 0, noise: 1}]
)");
  chan::Engine engine(spec);
  engine.run();
  const double eA = std::exp(2.0), eB = std::exp(1.0);
  const double dA = 400 * eA / (1 + eA + eB), dB = 400 * eB / (1 + eA + eB);
  const double secondB = (dA - 10) * eB / (1 + eB);
  const chan::World& w = engine.world();
  CHECK(w.flows.unitsSold[1] == Approx(10.0).epsilon(1e-12));
  CHECK(w.members.stock[1] == Approx(0.0).margin(1e-9));
  CHECK(w.flows.unitsSold[2] == Approx(dB + secondB).epsilon(1e-12));
  CHECK(w.flows.lostUnits[1] == Approx(dA - 10).epsilon(1e-12));  // A's first-round shortfall
  CHECK(w.flows.lostUnits[2] == 0.0);
  CHECK(w.flows.stockoutTicks[1] == 1);
  const auto& r = engine.metrics().records().at(0);
  CHECK(r.obs.demand == Approx(dA + dB).epsilon(1e-12));
  CHECK(r.obs.sold == Approx(10 + dB + secondB).epsilon(1e-12));
  CHECK(r.obs.outletsStockedOut == 1);
}

TEST_CASE("engine: sampled consumers are not sent to an outlet holding less than one purchase",
          "[engine]") {
  // Sampled consumers buy whole purchases of `weight` units, but proportional rationing
  // upstream leaves outlets with fractional stock. A holds 0.5 units: it cannot fill a single
  // purchase, yet it is counted in stock and offered to consumers, and (without substitution)
  // everyone who picks it is lost. It should be treated as out of stock, as at 0 units.
  const chan::ScenarioSpec spec = parse(R"(
name: phantom
ticks: 1
check: true
brands: [{name: b, unit_cost: 5}]
members:
  - {group: maker, kind: manufacturer}
  - {group: A, kind: e_store, supplier: maker, service_level: 0, delivery_days: 0, pricing: {rule: fixed, price: 10},
     replenishment: {rule: none, initial_stock: 0.5}}
  - {group: B, kind: e_store, supplier: maker, service_level: 0, delivery_days: 0, pricing: {rule: fixed, price: 11},
     replenishment: {rule: none, initial_stock: 100000}}
consumers:
  count: 4000
  substitution: false
  segments: [{name: s, valuation: {dist: constant, value: 12}, service_weight: 0, delivery_cost: 0, noise: 1}]
)");
  chan::Engine engine(spec);
  engine.run();
  const chan::World& w = engine.world();
  const auto& r = engine.metrics().records().at(0);
  CHECK(r.obs.outletsInStock == 1);     // only B can sell
  CHECK(w.flows.lostUnits[1] == 0.0);   // nobody was sent to A
  // B alone against walking away: P = e / (1 + e); binomial tolerance 5 sd
  const double p = std::exp(1.0) / (1 + std::exp(1.0));
  CHECK(std::fabs(w.flows.unitsSold[2] / 4000 - p) < 5 * std::sqrt(p * (1 - p) / 4000));
}

namespace {

// One tick, 400 consumers who all shop; two stores at equal prices, U = 12 - 10 = 2 each
// (no travel, service or preference terms), mu = 1. Store A's shelf is empty, B has plenty.
std::string emptyShelf(const std::string& visible) {
  return R"(
name: empty_shelf
ticks: 1
check: true
brands: [{name: b, unit_cost: 5}]
members:
  - {group: maker, kind: manufacturer}
  - {group: A, kind: offline_store, supplier: maker, service_level: 0, pricing: {rule: fixed, price: 10},
     replenishment: {rule: none, initial_stock: 0}}
  - {group: B, kind: offline_store, supplier: maker, service_level: 0, pricing: {rule: fixed, price: 10},
     replenishment: {rule: none, initial_stock: 100000}}
consumers:
  count: 400
  mode: expected
)" + visible + R"(
  segments: [{name: s, valuation: {dist: constant, value: 12}, service_weight: 0, travel_cost: 0, noise: 1}]
)";
}

}  // namespace

TEST_CASE("engine: shoppers find a store's empty shelf on arrival, a stock-out and lost first choices", "[engine]") {
  // Round 1 offers both stores (a store's stock is not visible): D_A = D_B = 400 e^2 / (1 + 2 e^2).
  // A serves nothing; its shoppers choose again between B and walking away: e^2 / (1 + e^2).
  const chan::ScenarioSpec spec = parse(emptyShelf(""));
  chan::Engine engine(spec);
  engine.run();
  const double e2 = std::exp(2.0);
  const double d = 400 * e2 / (1 + 2 * e2);
  const double substituted = d * e2 / (1 + e2);
  const chan::World& w = engine.world();
  const auto& r = engine.metrics().records().at(0);
  CHECK(r.obs.demand == Approx(2 * d).epsilon(1e-12));
  CHECK(r.obs.sold == Approx(d + substituted).epsilon(1e-12));
  CHECK(w.flows.lostUnits[1] == Approx(d).epsilon(1e-12));
  CHECK(w.flows.stockoutTicks[1] == 1);
  CHECK(r.obs.outletsInStock == 1);
  CHECK(r.obs.reached == 1.0);  // everyone still has B within reach
  const auto summary = engine.summary();
  const std::map<std::string, double> s(summary.begin(), summary.end());
  CHECK(s.at("coverage.fill_rate") == Approx((d + substituted) / (2 * d)).epsilon(1e-12));
  CHECK(s.at("coverage.stockout_rate") == Approx(0.5));  // one outlet-day of two
  CHECK(s.at("coverage.lost_units") == Approx(d - substituted).epsilon(1e-9));
}

TEST_CASE("engine: reach counts the consumers with a stocked store in their choice set, not an empty shelf", "[engine]") {
  // stores A and C have empty shelves (not visible), B has stock; each consumer's choice set is
  // its 2 nearest stores: reach is the share whose set holds B, read off the sets themselves
  for (const std::string mode : {"expected", "sampled"}) {
    const chan::ScenarioSpec spec = parse(R"(
name: reach
ticks: 1
check: true
map: {width: 40, height: 40, cities: 3, city_spread: 5}
brands: [{name: b, unit_cost: 5}]
members:
  - {group: maker, kind: manufacturer}
  - {group: A, kind: offline_store, supplier: maker, pricing: {rule: fixed, price: 10}, replenishment: {rule: none, initial_stock: 0}}
  - {group: B, kind: offline_store, supplier: maker, pricing: {rule: fixed, price: 10}, replenishment: {rule: none, initial_stock: 100000}}
  - {group: C, kind: offline_store, supplier: maker, pricing: {rule: fixed, price: 10}, replenishment: {rule: none, initial_stock: 0}}
consumers:
  count: 3000
  mode: )" + mode + R"(
  choice_set: {nearest: 2}
  segments: [{name: s, valuation: {dist: constant, value: 12}, purchase_probability: 0.3}]
)");
    chan::Engine engine(spec);
    engine.run();
    const chan::World& w = engine.world();
    const auto& c = w.consumers;
    const int b = 1;  // outlet index of B (A, B, C in order)
    REQUIRE(w.groupOf(w.outlets[b]).name == "B");
    std::size_t withB = 0;
    for (std::size_t i = 0; i < c.size(); ++i)
      for (std::uint32_t j = c.rowStart[i]; j < c.rowStart[i + 1]; ++j) withB += c.choiceOutlet[j] == b;
    REQUIRE(withB > 0);
    REQUIRE(withB < c.size());  // some consumers see only the empty shelves
    CHECK(engine.metrics().records().at(0).obs.reached == Approx(static_cast<double>(withB) / c.size()).epsilon(1e-12));
  }
}

TEST_CASE("engine: a store whose stock consumers can see is left out when empty", "[engine]") {
  // consumers.stock_visible lists offline stores: A is not offered, B alone against walking away
  const chan::ScenarioSpec spec = parse(emptyShelf("  stock_visible: [offline_store, e_store]"));
  chan::Engine engine(spec);
  engine.run();
  const double e2 = std::exp(2.0);
  const auto& r = engine.metrics().records().at(0);
  CHECK(r.obs.demand == Approx(400 * e2 / (1 + e2)).epsilon(1e-12));
  CHECK(r.obs.sold == Approx(400 * e2 / (1 + e2)).epsilon(1e-12));
  CHECK(engine.world().flows.stockoutTicks[1] == 0);
}

TEST_CASE("engine: source of volume and cannibalisation follow the logit diversion ratios", "[engine]") {
  // VALIDATION.md "Diversion ratios": consumer A has store weight 2, online weight 1 and the
  // outside option 1; consumer B store 0.5, online 1, outside 1 (mu = 1, no travel or delivery
  // cost). Store price 10 - ln 2 and online price 10; A values the good at 10 (U_store = ln 2,
  // U_online = 0), B at 10 - 2 ln 2 with an online preference of 2 ln 2 (U_store = -ln 2,
  // U_online = 0). Expected mode, everyone shops, stock is ample.
  //   online units 0.25 + 0.4 = 0.65; without it, to the store 0.25 (0.5/0.75) + 0.4 (0.2/0.6) = 0.3
  //   store units 0.5 + 0.2 = 0.7; without it, online 0.5 (0.25/0.5) + 0.2 (0.4/0.8) = 0.35
  const double ln2 = std::log(2.0);
  const std::string doc = R"(
name: diversion
ticks: 1
check: true
brands: [{name: b, unit_cost: 1}]
members:
  - {group: maker, kind: manufacturer}
  - {group: store, kind: offline_store, supplier: maker, service_level: 0, pricing: {rule: fixed, price: )" +
                          std::to_string(10 - ln2) + R"(}, replenishment: {rule: none, initial_stock: 100}}
  - {group: online, kind: e_store, supplier: maker, service_level: 0, delivery_days: 0, pricing: {rule: fixed, price: 10},
     replenishment: {rule: none, initial_stock: 100}}
consumers:
  count: 2
  mode: expected
  segments:
    - {name: a, share: 0.5, valuation: {dist: constant, value: 10}, travel_cost: 0, delivery_cost: 0, service_weight: 0, noise: 1}
    - {name: b, share: 0.5, valuation: {dist: constant, value: )" +
                          std::to_string(10 - 2 * ln2) + R"(}, online_preference: )" + std::to_string(2 * ln2) +
                          R"(, travel_cost: 0, delivery_cost: 0, service_weight: 0, noise: 1}
)";
  const chan::ScenarioSpec spec = parse(doc);
  chan::Engine engine(spec);
  engine.run();
  const auto& source = engine.metrics().sourceOfVolume();
  const double tol = 1e-5;  // prices and valuations pass through decimal text (6 digits)
  CHECK(source.at(2, 1) == Approx(0.3).margin(tol));   // online, from the store
  CHECK(source.at(2, 3) == Approx(0.35).margin(tol));  // online, new demand
  CHECK(source.at(1, 2) == Approx(0.35).margin(tol));  // store, from online
  CHECK(source.at(1, 3) == Approx(0.35).margin(tol));  // store, new demand
  CHECK(source.at(1, 1) == 0.0);                       // a group never takes volume from itself
  // every unit sold goes somewhere: a row adds up to the group's sales
  const chan::World& w = engine.world();
  CHECK(source.at(2, 1) + source.at(2, 3) == Approx(w.flows.unitsSold[2]).epsilon(1e-12));
  CHECK(source.at(1, 2) + source.at(1, 3) == Approx(w.flows.unitsSold[1]).epsilon(1e-12));
  const auto summary = engine.summary();
  const std::map<std::string, double> s(summary.begin(), summary.end());
  CHECK(s.at("conflict.cannibalization") == Approx(0.3 / 0.65).margin(tol));
  const std::string csv = chan::io::sourceOfVolumeCsv(source, engine.world());
  CHECK(csv.rfind("seller,units,store,online,no_purchase\n", 0) == 0);
}

TEST_CASE("engine: a sale with nowhere else to go is all new demand, counted block by block", "[engine]") {
  // One group of stores, so a sale could only have come from walking away. Segment `loyal`
  // has no outside option: a block of only its consumers is attributed by counting its sales
  // (SourceOfVolume::blockGroup); `casual` (outside option) rows go consumer by consumer. Stock
  // runs out on the first day: the shoppers who find empty shelves buy nothing and must not be
  // counted.
  const std::string doc = R"(
name: one_group
ticks: 3
seed: 5
block_size: 64
check: true
brands: [{name: b, unit_cost: 1}]
members:
  - {group: maker, kind: manufacturer}
  - {group: stores, kind: offline_store, count: 4, supplier: maker, pricing: {rule: fixed, price: 3},
     replenishment: {rule: none, initial_stock: 150}}
consumers:
  count: 2000
  mode: sampled
  substitution: false
  choice_set: {nearest: 2}
  segments:
    - {name: loyal, share: 0.98, outside_option: false}
    - {name: casual, share: 0.02, valuation: {dist: constant, value: 5}}
)";
  const chan::ScenarioSpec spec = parse(doc);
  chan::Engine engine(spec);
  engine.run();
  const auto& source = engine.metrics().sourceOfVolume();
  const auto& blocks = engine.metrics().tickSourceOfVolume().blockGroup;
  const auto shortcut = std::count_if(blocks.begin(), blocks.end(), [](int g) { return g >= 0; });
  REQUIRE(shortcut > 0);                                             // blocks counted whole
  REQUIRE(shortcut < static_cast<std::ptrdiff_t>(blocks.size()));    // and blocks read row by row
  const auto& unitsSold = engine.world().flows.unitsSold;  // per member: the maker, then the 4 stores
  const double sold = std::accumulate(unitsSold.begin() + 1, unitsSold.end(), 0.0);
  REQUIRE(sold == Approx(600).epsilon(1e-12));  // all 4 x 150 units sold; the rest went unfilled
  CHECK(source.at(1, 2) == Approx(sold).epsilon(1e-12));
  CHECK(source.at(1, 0) == 0.0);
  CHECK(source.at(1, 1) == 0.0);
}

TEST_CASE("engine: a run without the source of volume takes the same decisions and reads no cannibalisation", "[engine]") {
  // the source of volume is a counterfactual measurement: leaving it out (calibration's panels)
  // must change no sale, price, order or payment, only the cannibalisation it measures
  for (const std::string mode : {"expected", "sampled"}) {
    const chan::ScenarioSpec spec = parse(tiers(mode));
    chan::Engine full(spec), lean(spec, chan::EngineOptions{.sourceOfVolume = false});
    full.run();
    lean.run();
    CHECK(chan::io::membersCsv(lean.world()) == chan::io::membersCsv(full.world()));
    const chan::Summary with = full.summary(), without = lean.summary();
    CHECK(summaryValue(with, "sales.units") == summaryValue(without, "sales.units"));
    CHECK(summaryValue(with, "conflict.cannibalization") > 0);
    CHECK(summaryValue(without, "conflict.cannibalization") == 0);
  }
}

TEST_CASE("engine: the undercut rate weighs by units, the index by volume, the brand owns its e-store", "[engine]") {
  // MAP 10. Store A sells at 9 (below MAP), B at 11, the brand's e-store at 12; U = 14 - p,
  // mu = 1, no travel or delivery cost, one tick, 300 consumers who all shop (expected mode).
  // Units: A e^5, B e^3, E e^2, each x 300 / (1 + e^5 + e^3 + e^2).
  const std::string doc = R"(
name: undercut
ticks: 1
check: true
brands: [{name: b, unit_cost: 5, suggested_retail_price: 12, min_advertised_price: 10}]
members:
  - {group: maker, kind: manufacturer, pricing: {rule: fixed, price: 6}}
  - {group: A, kind: offline_store, supplier: maker, service_level: 0, pricing: {rule: fixed, price: 9},
     replenishment: {rule: none, initial_stock: 1000}}
  - {group: B, kind: offline_store, supplier: maker, service_level: 0, pricing: {rule: fixed, price: 11},
     replenishment: {rule: none, initial_stock: 1000}}
  - {group: E, kind: e_store, supplier: maker, service_level: 0, delivery_days: 0, pricing: {rule: fixed, price: 12},
     replenishment: {rule: none, initial_stock: 1000}}
consumers:
  count: 300
  mode: expected
  segments: [{name: s, valuation: {dist: constant, value: 14}, travel_cost: 0, delivery_cost: 0, service_weight: 0, noise: 1}]
)";
  const double a = std::exp(5.0), b = std::exp(3.0), e = std::exp(2.0);
  const double below = a / (a + b + e);
  {
    const chan::ScenarioSpec spec = parse(doc);
    chan::Engine engine(spec);
    engine.run();
    const auto summary = engine.summary();
    const std::map<std::string, double> s(summary.begin(), summary.end());
    CHECK(s.at("conflict.undercut_rate") == Approx(below).epsilon(1e-12));
    CHECK(s.at("conflict.undercut_outlet_days") == Approx(1.0 / 3));  // one outlet of three
    // no distributors: the index pools units below MAP and cannibalised online units over
    // the units sold and the online units
    const double sold = 300 * (a + b + e) / (1 + a + b + e), online = 300 * e / (1 + a + b + e);
    CHECK(s.at("conflict.index") ==
          Approx((below * sold + s.at("conflict.cannibalization") * online) / (sold + online)).epsilon(1e-12));
    const chan::World& w = engine.world();
    CHECK(s.at("margin.brand_profit") == Approx(w.flows.profit(0) + w.flows.profit(3)).epsilon(1e-12));
    CHECK(s.at("margin.brand_profit") > s.at("margin.manufacturer_profit"));
  }
  {
    chan::ScenarioSpec spec = parse(doc + "conflict_weights: {undercut: 1, cross_territory: 1, cannibalization: 2}\n");
    chan::Engine engine(spec);
    engine.run();
    const auto summary = engine.summary();
    const std::map<std::string, double> s(summary.begin(), summary.end());
    CHECK(s.at("conflict.index") ==
          Approx((below + 0 + 2 * s.at("conflict.cannibalization")) / 4).epsilon(1e-12));
  }
}

TEST_CASE("engine: every unit sold in a tick is a buyer's pick, after substitution too", "[engine]") {
  // Store A opens with 20 units and store B with 120, no replenishment; ~200 of 400 consumers
  // (weight 1) shop each day, split between the two. A runs short in the first round; its
  // unserved shoppers turn to B, which their second round makes short too. The second round
  // rations only those substituters: B's first-round buyers keep their purchase, so the
  // consumers whose pick is an outlet number exactly the units that outlet sold that day.
  const std::string yaml = R"(
name: picks
ticks: 3
check: true
map: {width: 10, height: 10, cities: 1, city_spread: 1}
brands: [{name: x, unit_cost: 1}]
members:
  - {group: maker, kind: manufacturer}
  - {group: a, kind: offline_store, supplier: maker, pricing: {rule: fixed, price: 5}, replenishment: {rule: none, initial_stock: 20}}
  - {group: b, kind: offline_store, supplier: maker, pricing: {rule: fixed, price: 5}, replenishment: {rule: none, initial_stock: 120}}
consumers:
  count: 400
  segments:
    - {name: all, valuation: {dist: constant, value: 20}, travel_cost: 0, noise: 1, purchase_probability: 0.5}
)";
  const chan::ScenarioSpec spec = parse(yaml);
  chan::Engine engine(spec);
  const chan::World& w = engine.world();
  bool secondRoundShort = false;
  for (int t = 0; t < spec.ticks; ++t) {
    const std::vector<double> before = w.flows.unitsSold;
    engine.step();
    for (std::size_t o = 0; o < w.outlets.size(); ++o) {
      const auto m = static_cast<std::size_t>(w.outlets[o]);
      const auto buyers = std::count(w.consumers.pick.begin(), w.consumers.pick.end(), static_cast<std::int32_t>(o));
      CHECK(static_cast<double>(buyers) == w.flows.unitsSold[m] - before[m]);
    }
    // (the case the test is about: B sold out on the first day, after A had)
    if (t == 0) secondRoundShort = w.members.stock[1] < 1 && w.members.stock[2] < 1;
  }
  CHECK(secondRoundShort);
}
