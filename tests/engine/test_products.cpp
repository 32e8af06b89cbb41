// Products per channel (brands[].products, members[].assortment): a member of a group that
// carries k products is k listings at one site, each with its own stock, price and orders;
// consumers choose over (outlet, product). Tested on one store and one e-store of one brand with
// no outside option, no travel or delivery cost and logit noise mu = 0.5, so that shares are the
// hand-known exp(u / mu) / sum exp(u / mu).
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/engine/engine.hpp"
#include "sim/engine/world_builder.hpp"
#include "sim/io/run_output.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/io/yaml_reader.hpp"

namespace {

struct Market {
  std::string products = "[{name: a}, {name: b}, {name: c}]";  // brands[0].products
  std::string storeAssortment = "[a, b]";
  std::string webAssortment = "[c]";
  std::string storePricing = "{rule: fixed, price: 20}";
  std::string webPricing = "{rule: fixed, price: 20}";
  std::string segments =
      "    - {name: all, price_sensitivity: 1, travel_cost: 0, delivery_cost: 0, noise: 0.5, outside_option: false}\n";
  std::string extra;  // appended sections
  std::string mode = "expected";
  std::string storeStock = "10000";  // the store's initial_stock, per listing
  std::string webReplenishment = "{rule: order_up_to, cover_days: 1, window: 1, initial_stock: 10000}";
};

/// A maker carrying every product -> a store and an e-store (service 0.5 both), 1,000 consumers
/// of weight 0.1 (100 units a day), 5 days, conservation checked every tick.
std::string yaml(const Market& m) {
  return "name: t\nticks: 5\ncheck: true\n"
         "brands:\n  - {name: x, unit_cost: 5, suggested_retail_price: 30, min_advertised_price: 27, products: " +
         m.products +
         "}\nmembers:\n"
         "  - {group: maker, kind: manufacturer, pricing: {rule: fixed, price: 10}}\n"
         "  - {group: store, kind: offline_store, supplier: maker, terms: {lead_time: 0}, service_level: 0.5,\n"
         "     assortment: " +
         m.storeAssortment + ", pricing: " + m.storePricing +
         ",\n     replenishment: {rule: order_up_to, cover_days: 1, window: 1, initial_stock: " + m.storeStock + "}}\n"
         "  - {group: web, kind: e_store, supplier: maker, terms: {lead_time: 0}, service_level: 0.5, assortment: " +
         m.webAssortment + ",\n     pricing: " + m.webPricing +
         ", replenishment: " + m.webReplenishment + "}\n"
         "consumers:\n  count: 1000\n  weight: 0.1\n  mode: " +
         m.mode + "\n  segments:\n" + m.segments + m.extra;
}

chan::ScenarioSpec parse(const Market& m) { return chan::io::parseScenario(YAML::Load(yaml(m)), "t.yaml"); }

/// Units each outlet (listing) sold, in outlet order, and the summary.
struct Outcome {
  std::vector<double> units;
  chan::Summary summary;
};

Outcome run(const Market& m) {
  const chan::ScenarioSpec spec = parse(m);
  chan::Engine engine(spec);
  engine.run();
  const chan::World& w = engine.world();
  Outcome out{{}, engine.summary()};
  for (int o : w.outlets) out.units.push_back(w.flows.unitsSold[static_cast<std::size_t>(o)]);
  return out;
}

double value(const chan::Summary& s, const std::string& key) {
  for (const auto& [k, v] : s)
    if (k == key) return v;
  FAIL("no summary key " << key);
  return 0;
}

}  // namespace

TEST_CASE("a member carrying k products is k listings at one site, each buying its product", "[products]") {
  const chan::ScenarioSpec spec = parse(Market{});
  const chan::World w = chan::buildWorld(spec);
  const chan::Members& mb = w.members;
  // maker: a, b, c; store: a, b; web: c
  REQUIRE(mb.size() == 6);
  REQUIRE(w.products.size() == 3);
  CHECK(mb.product == std::vector<int>{0, 1, 2, 0, 1, 2});
  CHECK(mb.site == std::vector<int>{0, 0, 0, 3, 3, 5});
  CHECK(mb.x[3] == mb.x[4]);
  CHECK(mb.y[3] == mb.y[4]);
  // each listing buys its own product from the maker's listing of it
  CHECK(mb.supplier[3] == 0);
  CHECK(mb.supplier[4] == 1);
  CHECK(mb.supplier[5] == 2);
  // every consumer considers both of the store's listings and the e-store's one
  for (std::size_t i = 0; i < w.consumers.size(); ++i) REQUIRE(w.consumers.rowStart[i + 1] - w.consumers.rowStart[i] == 3);
}

TEST_CASE("a product's appeal shifts its utility, for its segments only", "[products]") {
  Market m;
  m.products = "[{name: a}, {name: b, appeal: 0.4}, {name: c}]";
  const Outcome all = run(m);
  // equal prices and service: shares 1 : e^(0.4 / 0.5) : 1 over 5 days x 100 units
  const double lift = std::exp(0.4 / 0.5);
  CHECK(all.units[0] == Approx(500 / (2 + lift)).epsilon(1e-9));
  CHECK(all.units[1] == Approx(500 * lift / (2 + lift)).epsilon(1e-9));
  CHECK(all.units[2] == Approx(500 / (2 + lift)).epsilon(1e-9));
  // the appeal for one of two equal segments: half the consumers see it, the others 1 : 1 : 1
  m.products = "[{name: a}, {name: b, appeal: 0.4, segments: [young]}, {name: c}]";
  m.segments =
      "    - {name: old, share: 1, travel_cost: 0, delivery_cost: 0, noise: 0.5, outside_option: false}\n"
      "    - {name: young, share: 1, travel_cost: 0, delivery_cost: 0, noise: 0.5, outside_option: false}\n";
  const Outcome young = run(m);
  CHECK(young.units[1] == Approx(250 * lift / (2 + lift) + 250.0 / 3).epsilon(1e-9));
  CHECK(value(young.summary, "product.x.b.units") == Approx(young.units[1]).epsilon(1e-12));
  CHECK(value(young.summary, "product.x.b.brand_share") == Approx(young.units[1] / 500).epsilon(1e-9));
  CHECK(value(young.summary, "product.x.c.online_units") == Approx(young.units[2]).epsilon(1e-12));
}

TEST_CASE("each product has its own cost and MSRP: production and fixed prices follow it", "[products]") {
  Market m;
  m.products = "[{name: a}, {name: b, unit_cost: 8, suggested_retail_price: 24, min_advertised_price: 0}, {name: c}]";
  m.storePricing = "{rule: fixed}";  // the product's MSRP
  m.storeStock = "20";                // (so that the store reorders)
  m.segments =  // (price-insensitive enough that both of the store's listings sell)
      "    - {name: all, price_sensitivity: 0.05, travel_cost: 0, delivery_cost: 0, noise: 0.5, outside_option: false}\n";
  const chan::ScenarioSpec spec = parse(m);
  chan::Engine engine(spec);
  engine.run();
  const chan::World& w = engine.world();
  CHECK(w.members.price[3] == 30);  // a: the brand's MSRP
  CHECK(w.members.price[4] == 24);  // b: its own
  // the maker's listings paid their product's unit cost for every unit they made
  REQUIRE(w.flows.unitsBought[0] > 0);
  REQUIRE(w.flows.unitsBought[1] > 0);
  CHECK(w.flows.purchases[0] == Approx(5 * w.flows.unitsBought[0]));
  CHECK(w.flows.purchases[1] == Approx(8 * w.flows.unitsBought[1]));
  // members.csv names each listing's product and site: the store's two rows share site 3
  const std::string csv = chan::io::membersCsv(w);
  CHECK(csv.find(",product,site\n") != std::string::npos);
  CHECK(csv.find(",a,3\n") != std::string::npos);
  CHECK(csv.find(",b,3\n") != std::string::npos);
}

TEST_CASE("an online-exclusive product that changes nothing else changes no decision, only the price comparison",
          "[products]") {
  // the e-store sells the stores' product a at 24, below its MAP 27 (an undercut the stores see),
  // or its own product c with the same cost and appeal and its own MSRP 24 (no MAP): consumers'
  // utilities are the same, so every outlet sells the same units, and only the undercut is gone
  Market same;
  same.products = "[{name: a}, {name: b}, {name: c, suggested_retail_price: 24, min_advertised_price: 0}]";
  same.storeAssortment = "[a]";
  same.webAssortment = "[a]";
  same.storePricing = "{rule: fixed}";  // the MSRP, 30
  same.webPricing = "{rule: fixed, price: 24}";
  Market exclusive = same;
  exclusive.webAssortment = "[c]";
  const Outcome s = run(same), e = run(exclusive);
  REQUIRE(s.units.size() == 2);
  CHECK(s.units == e.units);
  CHECK(value(s.summary, "conflict.undercut_rate") == Approx(s.units[1] / (s.units[0] + s.units[1])).epsilon(1e-12));
  CHECK(value(e.summary, "conflict.undercut_rate") == 0);
}

TEST_CASE("showroomers visit a store only for a product it sells", "[products]") {
  // showrooming lifts an online listing by the service of the nearest store selling its product:
  // the e-store's own product c gets no lift, the stores' product a does
  Market base;
  base.storeAssortment = "[a]";
  base.webAssortment = "[a]";
  Market showroom = base;
  showroom.extra = "showrooming: {share: 0.5, spillover: 0.6}\n";
  const Outcome sameOff = run(base), sameOn = run(showroom);
  CHECK(sameOn.units[1] > sameOff.units[1]);
  base.webAssortment = showroom.webAssortment = "[c]";
  const Outcome exclusiveOff = run(base), exclusiveOn = run(showroom);
  CHECK(exclusiveOn.units == exclusiveOff.units);
  CHECK(value(exclusiveOn.summary, "showrooming.showroomers") == 0);
}

TEST_CASE("ship-from-store fills an online order only from a store listing of the same product", "[products]") {
  // the e-store holds no stock and orders none: with O2O its orders are filled from the store
  // when the store sells its product, never otherwise
  Market m;
  m.webReplenishment = "{rule: none}";
  m.extra = "o2o: {online: [web], stores: [store], ship_from_store: stockouts}\n";
  m.storeAssortment = "[a, b]";
  m.webAssortment = "[c]";
  const Outcome other = run(m);
  CHECK(value(other.summary, "o2o.units_from_stores") == 0);
  CHECK(other.units[2] == 0);
  m.storeAssortment = "[a, c]";
  const Outcome same = run(m);
  CHECK(value(same.summary, "o2o.units_from_stores") > 0);
  CHECK(value(same.summary, "o2o.units_from_stores") == Approx(same.units[2]).epsilon(1e-12));
}

TEST_CASE("a brand listing one product with its own values runs as the brand without a list", "[products]") {
  // the same world, sampled choice: the implicit product and a listed one with the brand's values
  Market listed;
  listed.products = "[{name: only}]";
  listed.storeAssortment = listed.webAssortment = "[only]";
  listed.mode = "sampled";
  Market implicit = listed;
  implicit.products = "[]";
  implicit.storeAssortment = implicit.webAssortment = "[]";
  const Outcome a = run(listed), b = run(implicit);
  REQUIRE(a.units.size() == 2);
  CHECK(a.units == b.units);
  CHECK(a.units[0] + a.units[1] > 0);
}

TEST_CASE("bad products and assortments get one clear error", "[products][io]") {
  Market m;
  m.storeAssortment = "[aa]";
  CHECK_THROWS_WITH(parse(m), Catch::Contains("members[1].assortment") && Catch::Contains("'aa'") &&
                                  Catch::Contains("did you mean 'a'"));
  m = Market{};
  m.products = "[{name: a}, {name: a}]";
  CHECK_THROWS_WITH(parse(m), Catch::Contains("duplicate product name 'a'"));
  m = Market{};
  m.products = "[{name: a, min_advertised_price: 40}, {name: b}, {name: c}]";  // the brand's MSRP is 30
  CHECK_THROWS_WITH(parse(m), Catch::Contains("product 'a'") && Catch::Contains("must not exceed"));
  m = Market{};
  m.products = "[{name: a, appeal: 1, segments: [yuong]}, {name: b}, {name: c}]";
  CHECK_THROWS_WITH(parse(m), Catch::Contains("segments") && Catch::Contains("'yuong'"));
}

TEST_CASE("a group's supplier must carry its products", "[products][io]") {
  const std::string text =
      "name: t\nticks: 5\nbrands: [{name: x, unit_cost: 5, products: [{name: a}, {name: b}]}]\nmembers:\n"
      "  - {group: maker, kind: manufacturer}\n"
      "  - {group: dist, kind: distributor, supplier: maker, assortment: [a]}\n"
      "  - {group: store, kind: offline_store, supplier: dist, assortment: [b]}\n"
      "consumers: {count: 10}\n";
  CHECK_THROWS_WITH(chan::io::parseScenario(YAML::Load(text), "t.yaml"),
                    Catch::Contains("t.yaml:7") && Catch::Contains("does not carry product 'b'"));
}
