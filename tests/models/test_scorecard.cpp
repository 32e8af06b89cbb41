// KPI scorecards (models/scorecard): each KPI checked against its definition on a tiny channel
// whose numbers can be worked out by hand or recomputed from the flows independently.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>

#include "models/scorecard.hpp"
#include "sim/engine/engine.hpp"
#include "sim/io/scenario_loader.hpp"

namespace {

// two brands, each a maker supplying offline stores directly at a fixed price of 20 (acme) or
// 18 (rival); every consumer shops every day and buys `weight` = 2 units at once
std::string channel(const std::string& storeStock, const std::string& extra = "") {
  return R"(
name: kpi
ticks: 20
check: true
map: {width: 20, height: 20, cities: 1, city_spread: 2}
brands: [{name: acme, unit_cost: 8}, {name: rival, unit_cost: 9}]
members:
  - {group: acme_maker, kind: manufacturer, brand: acme, pricing: {rule: fixed, price: 12}}
  - {group: rival_maker, kind: manufacturer, brand: rival, pricing: {rule: fixed, price: 12}}
  - {group: acme_stores, kind: offline_store, count: 2, supplier: acme_maker, terms: {lead_time: 2},
     pricing: {rule: fixed, price: 20}, replenishment: )" +
         storeStock + R"(}
  - {group: rival_stores, kind: offline_store, count: 2, supplier: rival_maker, terms: {lead_time: 2},
     pricing: {rule: fixed, price: 18}, replenishment: {rule: none, initial_stock: 100000}}
consumers:
  count: 300
  weight: 2
  segments:
    - {name: s, valuation: {dist: constant, value: 30}, price_sensitivity: 0.2, travel_cost: 0.05, noise: 2}
)" + extra;
}

struct Ran {
  std::shared_ptr<const chan::ScenarioSpec> spec;  // the world points to it
  chan::World world;                               // a copy: the engine goes out of scope
  std::vector<chan::models::Scorecard> cards;
  std::map<std::string, double> summary;
};

Ran run(const std::string& yaml) {
  auto spec = std::make_shared<const chan::ScenarioSpec>(chan::io::parseScenario(YAML::Load(yaml), "kpi.yaml"));
  chan::Engine engine(*spec);
  engine.run();
  const auto s = engine.summary();
  return {spec, engine.world(), chan::models::scorecards(engine.world()), {s.begin(), s.end()}};
}

}  // namespace

TEST_CASE("average order value is revenue over consumer purchases of weight units each", "[kpi]") {
  const Ran r = run(channel("{rule: none, initial_stock: 100000}"));
  const auto& f = r.world.flows;
  for (int m : r.world.outlets) {
    const auto i = static_cast<std::size_t>(m);
    REQUIRE(f.unitsSold[i] > 0);
    const double purchases = f.unitsSold[i] / 2;  // weight 2: one purchase is two units
    CHECK(r.cards[i].orders == Approx(purchases).epsilon(1e-12));
    CHECK(r.cards[i].aov == Approx(f.revenue[i] / purchases).epsilon(1e-12));
    // a fixed price: every purchase is worth 2 x price
    CHECK(r.cards[i].aov == Approx(2 * r.world.members.price[i]).epsilon(1e-12));
  }
}

TEST_CASE("fill rate is 1 when stock never runs out and falls with a stock-out", "[kpi]") {
  const Ran plenty = run(channel("{rule: none, initial_stock: 100000}"));
  const Ran scarce = run(channel("{rule: none, initial_stock: 60}"));  // a few days of sales, then nothing
  for (int m : plenty.world.outlets)
    CHECK(plenty.cards[static_cast<std::size_t>(m)].fillRate == Approx(1).epsilon(1e-12));
  const auto acme = static_cast<std::size_t>(scarce.world.groupMembers[2][0]);
  CHECK(scarce.world.flows.stockoutTicks[acme] > 0);
  CHECK(scarce.cards[acme].fillRate < 0.9);
  CHECK(scarce.cards[acme].fillRate ==
        Approx(scarce.world.flows.unitsSold[acme] / scarce.world.flows.unitsRequested[acme]));
  // satisfaction = fill rate x on-time rate x service level (offline store default 0.5)
  CHECK(plenty.cards[acme].satisfaction == Approx(0.5).epsilon(1e-12));
  CHECK(scarce.cards[acme].satisfaction == Approx(0.5 * scarce.cards[acme].fillRate).epsilon(1e-12));
  CHECK(scarce.summary.at("kpi.channel.offline_store.fill_rate") <
        plenty.summary.at("kpi.channel.offline_store.fill_rate"));
}

TEST_CASE("a late shipment counts against the supplier's on-time rate and delivery time", "[kpi]") {
  // stores restock from their makers; every shipment is delayed 3 days past its 2-day lead time
  const Ran r = run(channel("{rule: order_up_to, cover_days: 2, initial_stock: 30}",
                            "coordination: {delay_probability: 1, delay_ticks: 3}\n"));
  const auto maker = static_cast<std::size_t>(r.world.groupMembers[0][0]);
  REQUIRE(r.cards[maker].units > 0);
  CHECK(r.cards[maker].onTimeRate == 0);
  CHECK(r.cards[maker].deliveryDays == Approx(5).epsilon(1e-12));
  CHECK(r.cards[maker].satisfaction == 0);
  CHECK(r.cards[maker].orders > 0);
  CHECK(r.cards[maker].aov == Approx(r.world.flows.revenue[maker] / r.cards[maker].orders).epsilon(1e-12));
}

TEST_CASE("brand shares against competing brands sum to 1 and match the units sold", "[kpi]") {
  const Ran r = run(channel("{rule: none, initial_stock: 100000}"));
  const auto& f = r.world.flows;
  double acme = 0, all = 0;
  for (int m : r.world.outlets) {
    all += f.unitsSold[static_cast<std::size_t>(m)];
    if (r.world.members.brand[static_cast<std::size_t>(m)] == 0) acme += f.unitsSold[static_cast<std::size_t>(m)];
  }
  REQUIRE(acme > 0);
  REQUIRE(acme < all);
  CHECK(r.summary.at("kpi.channel.offline_store.brand_share.acme") == Approx(acme / all).epsilon(1e-12));
  CHECK(r.summary.at("kpi.channel.offline_store.brand_share.acme") +
            r.summary.at("kpi.channel.offline_store.brand_share.rival") ==
        Approx(1).epsilon(1e-12));
  for (int m : r.world.outlets) {
    const auto i = static_cast<std::size_t>(m);
    const double brandUnits = r.world.members.brand[i] == 0 ? acme : all - acme;
    CHECK(r.cards[i].brandShare == Approx(brandUnits / all).epsilon(1e-12));
    CHECK(r.cards[i].shareOfBrand == Approx(f.unitsSold[i] / brandUnits).epsilon(1e-12));
  }
  // a maker's outlets are its whole brand
  CHECK(r.cards[static_cast<std::size_t>(r.world.groupMembers[0][0])].shareOfBrand == Approx(1).epsilon(1e-12));
}

TEST_CASE("cost-effectiveness is profit per unit of cost", "[kpi]") {
  const Ran r = run(channel("{rule: order_up_to, cover_days: 2, initial_stock: 30}"));
  const auto& f = r.world.flows;
  for (std::size_t m = 0; m < r.world.members.size(); ++m) {
    const double cost =
        f.cogs[m] + f.commission[m] + f.shipping[m] + f.holding[m] + f.fixed[m];  // no fees or fines here
    // the rival maker ships nothing (its stores never reorder): no cost, and 0 by convention
    CHECK(r.cards[m].costEffectiveness == (cost > 0 ? Approx(f.profit(m) / cost).epsilon(1e-12) : Approx(0)));
  }
}
