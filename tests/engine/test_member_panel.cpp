// The per-member daily panel (sim/engine/member_panel.hpp, member_timeseries.csv): its rows
// add up to members.csv, and stock and goods on order move by the shipments the panel itself
// shows (conservation through the lead times of a hand-made chain).
#include <catch2/catch.hpp>

#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/io/run_output.hpp"
#include "sim/io/scenario_loader.hpp"

namespace {

// maker -> one distributor (lead 3) -> two stores (lead 2). Stores cover 1 day with a 3-day
// forecast and run short now and then (lost requests); the maker produces to order.
constexpr int kDistLead = 3, kStoreLead = 2, kTicks = 40;

chan::ScenarioSpec chain(bool panel) {
  std::string yaml = R"(
name: chain
seed: 5
ticks: )" + std::to_string(kTicks) + R"(
check: true
block_size: 64
map: {width: 20, height: 20, cities: 1, city_spread: 2}
brands: [{name: b, unit_cost: 10}]
members:
  - {group: maker, kind: manufacturer, pricing: {rule: cost_plus, markup: 0.2}}
  - {group: dist, kind: distributor, supplier: maker, terms: {lead_time: )" + std::to_string(kDistLead) + R"(},
     replenishment: {rule: order_up_to, cover_days: 2, window: 3, initial_stock: 30}}
  - {group: stores, kind: offline_store, count: 2, supplier: dist, terms: {lead_time: )" + std::to_string(kStoreLead) + R"(},
     pricing: {rule: cost_plus, markup: 0.4}, replenishment: {rule: order_up_to, cover_days: 1, window: 3, initial_stock: 8}}
consumers:
  count: 600
  segments:
    - {name: s, valuation: {dist: normal, mean: 22, sd: 3}, price_sensitivity: 1, travel_cost: 0.05, noise: 2,
       purchase_probability: 0.05}
)";
  if (panel) yaml += "outputs: {member_timeseries: true}\n";
  return chan::io::parseScenario(YAML::Load(yaml), "chain.yaml");
}

/// A CSV text as rows of fields (the outputs quote nothing), header first.
std::vector<std::vector<std::string>> rowsOf(const std::string& csv) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(csv);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> fields;
    std::istringstream l(line);
    for (std::string f; std::getline(l, f, ',');) fields.push_back(f);
    rows.push_back(fields);
  }
  return rows;
}

/// Column `name` of a CSV as numbers, keyed by (first column, second column) when `keyed`.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  explicit Table(const std::string& csv) {
    rows = rowsOf(csv);
    header = rows.front();
    rows.erase(rows.begin());
  }
  std::size_t col(const std::string& name) const {
    for (std::size_t c = 0; c < header.size(); ++c)
      if (header[c] == name) return c;
    FAIL("no column " << name);
    return 0;
  }
  double num(std::size_t row, const std::string& name) const { return std::stod(rows[row][col(name)]); }
};

}  // namespace

TEST_CASE("member panel: off by default, nothing recorded", "[member_panel]") {
  const chan::ScenarioSpec spec = chain(false);
  chan::Engine engine(spec);  // (keeps a pointer to spec)
  engine.run();
  CHECK(engine.memberPanel() == nullptr);
}

TEST_CASE("member panel: its rows add up to members.csv and conserve stock through the lead times",
          "[member_panel]") {
  const chan::ScenarioSpec spec = chain(true);
  chan::Engine engine(spec);
  engine.run();  // (check: true verifies the engine's own conservation every tick as well)
  REQUIRE(engine.memberPanel() != nullptr);
  const chan::World& w = engine.world();
  const Table panel(chan::io::memberTimeseriesCsv(*engine.memberPanel(), w));
  const Table members(chan::io::membersCsv(w));
  const std::size_t n = w.members.size();  // maker 0, distributor 1, stores 2 and 3
  REQUIRE(n == 4);
  CHECK(panel.header == std::vector<std::string>{"tick", "member", "group", "price", "stock", "on_order",
                                                 "orders_placed", "units_requested", "sold", "lost", "cash"});
  REQUIRE(panel.rows.size() == n * kTicks);  // one row per member per tick, ticks in order
  // at(t, m): member m's value at tick t (1-based)
  auto at = [&](int t, std::size_t m, const char* column) {
    const std::size_t row = static_cast<std::size_t>(t - 1) * n + m;
    REQUIRE(panel.num(row, "tick") == t);
    REQUIRE(panel.num(row, "member") == static_cast<double>(m));
    return panel.num(row, column);
  };
  CHECK(panel.rows[2][panel.col("group")] == "stores");

  // summed over the ticks, the flows are members.csv's run totals; the last row is its end state
  double lostAll = 0;
  for (std::size_t m = 0; m < n; ++m) {
    double sold = 0, lost = 0, requested = 0;
    for (int t = 1; t <= kTicks; ++t) sold += at(t, m, "sold"), lost += at(t, m, "lost"), requested += at(t, m, "units_requested");
    INFO("member " << m);
    CHECK(sold == Approx(members.num(m, "units_sold")).epsilon(1e-12));
    CHECK(lost == Approx(members.num(m, "lost_units")).epsilon(1e-12).margin(1e-9));
    CHECK(requested == Approx(members.num(m, "units_requested")).epsilon(1e-12));
    CHECK(at(kTicks, m, "stock") == members.num(m, "stock"));
    CHECK(at(kTicks, m, "cash") == members.num(m, "cash"));
    CHECK(at(kTicks, m, "price") == members.num(m, "price"));
    lostAll += lost;
  }
  CHECK(lostAll > 0);  // the stores did run short: the lost column was exercised

  // what one tier orders is what the tier above is asked for the same tick, and the maker,
  // producing to order without a capacity, ships all of it
  for (int t = 1; t <= kTicks; ++t) {
    INFO("tick " << t);
    CHECK(at(t, 2, "orders_placed") + at(t, 3, "orders_placed") == Approx(at(t, 1, "units_requested")).epsilon(1e-12));
    CHECK(at(t, 1, "orders_placed") == Approx(at(t, 0, "units_requested")).epsilon(1e-12));
    CHECK(at(t, 0, "sold") == Approx(at(t, 1, "orders_placed")).epsilon(1e-12));
    CHECK(at(t, 0, "stock") == 0);
  }
  double shippedToDist = 0;
  for (int t = 1; t <= kTicks; ++t) shippedToDist += at(t, 0, "sold");
  CHECK(shippedToDist > 0);  // the distributor did reorder

  // conservation: stock(t) = stock(t-1) + arrivals(t) - sold(t), where a shipment arrives
  // lead-time ticks after the supplier's sale. The distributor's goods come from the maker;
  // the stores', together, from the distributor. (From the first tick whose arrivals the panel
  // shows: earlier ones were on their way when the run began.)
  for (int t = kDistLead + 1; t <= kTicks; ++t) {
    INFO("distributor, tick " << t);
    CHECK(at(t, 1, "stock") ==
          Approx(at(t - 1, 1, "stock") + at(t - kDistLead, 0, "sold") - at(t, 1, "sold")).margin(1e-9));
    // on order: + what the maker shipped today - what arrived today
    CHECK(at(t, 1, "on_order") ==
          Approx(at(t - 1, 1, "on_order") + at(t, 0, "sold") - at(t - kDistLead, 0, "sold")).margin(1e-9));
  }
  for (int t = kStoreLead + 1; t <= kTicks; ++t) {
    INFO("stores, tick " << t);
    const double before = at(t - 1, 2, "stock") + at(t - 1, 3, "stock");
    CHECK(at(t, 2, "stock") + at(t, 3, "stock") ==
          Approx(before + at(t - kStoreLead, 1, "sold") - at(t, 2, "sold") - at(t, 3, "sold")).margin(1e-9));
  }
}
