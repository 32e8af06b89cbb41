// Exit and entry (mechanisms/exit_entry.cpp): the decisions it changes are whether a member stays
// in the channel and whether a reserve member joins it. Tested on tiny channels whose profits
// are known by hand, with conservation checked every tick, and by the loader's checks.
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "sim/engine/engine.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/io/yaml_reader.hpp"
#include "tests/support/scenario_runs.hpp"

namespace {

/// A maker selling at 12 to `stores` (3 stores, 2 in reserve) that sell at a fixed 20 to 100
/// consumers who all buy one unit a tick (valuation 100, exact choice): the stores together sell
/// 100 units a tick at a margin of 8, 800 a tick, less their fixed costs.
std::string channel(const std::string& stores) {
  return "name: t\nticks: 30\ncheck: true\nmap: {width: 10, height: 10, cities: 1}\nbrands:\n"
         "  - {name: acme, unit_cost: 10}\nmembers:\n"
         "  - {group: maker, kind: manufacturer, pricing: {rule: fixed, price: 12}}\n"
         "  - {group: stores, kind: offline_store, count: 3, reserve: 2, supplier: maker, terms: {lead_time: 0},\n"
         "     holding_cost: 0, shipping_cost: 0, pricing: {rule: fixed, price: 20},\n"
         "     replenishment: {rule: order_up_to, cover_days: 2, window: 1, initial_stock: 100}" +
         stores +
         "}\n"
         "consumers:\n  count: 100\n  choice_set: {nearest: 5, radius: 100}\n"
         "  segments: [{name: s, valuation: {dist: constant, value: 100}, travel_cost: 0, noise: 0}]\n";
}

struct Result {
  std::map<std::string, double> summary;
  int active = 0;
  std::vector<int> exitTicks, entryTicks;
  double soldAfterTick10 = 0;
};

Result run(const std::string& stores) {
  const chan::ScenarioSpec spec = chan::io::parseScenario(YAML::Load(channel(stores)), "t.yaml");
  chan::Engine engine(spec);
  engine.run();  // conservation checked every tick
  Result r;
  const chan::Summary s = engine.summary();
  r.summary = {s.begin(), s.end()};
  const chan::World& w = engine.world();
  for (int m : w.groupMembers[1]) r.active += w.members.active[static_cast<std::size_t>(m)];
  for (const chan::Event& e : w.events) {
    if (e.type == chan::Event::Type::Termination && e.action == "exit: losses") r.exitTicks.push_back(e.tick);
    if (e.type == chan::Event::Type::Recruitment && e.action == "entry") r.entryTicks.push_back(e.tick);
  }
  for (const auto& t : engine.metrics().records())
    if (t.tick > 10) r.soldAfterTick10 += t.obs.sold;
  return r;
}

}  // namespace

TEST_CASE("exit and entry: stores that lose money period after period leave the channel", "[mechanisms]") {
  // a fixed cost of 1,000 a tick each: at most 800 of margin between them, so every store loses
  // in every period; reviewed every 5 ticks, they leave at the second review (tick 10)
  const Result r = run(", fixed_cost: 1000, exit_entry: {review_period: 5, exit_after: 2}");
  CHECK(r.exitTicks == std::vector<int>{10, 10, 10});
  CHECK(r.active == 0);
  CHECK(r.summary.at("exit_entry.exits") == 3);
  CHECK(r.soldAfterTick10 == 0);  // nobody is left to sell: coverage shows it
  CHECK(r.summary.at("coverage.consumer_reach") < 0.5);
  // the same stores without the mechanism stay and sell every tick
  const Result stay = run(", fixed_cost: 1000");
  CHECK(stay.active == 3);
  CHECK(stay.soldAfterTick10 == 100 * 20);
}

TEST_CASE("exit and entry: a margin that lasts draws reserve members in, one per streak", "[mechanisms]") {
  // no fixed cost: margin 8/20 = 0.4 >= 0.1 in every period; two periods in a row draw one
  // entrant (ticks 10 and 20), then the reserve of 2 is used up
  const Result r = run(", fixed_cost: 0, exit_entry: {review_period: 5, exit_after: 2, entry_margin: 0.1, entry_after: 2}");
  CHECK(r.entryTicks == std::vector<int>{10, 20});
  CHECK(r.active == 5);
  CHECK(r.exitTicks.empty());
  CHECK(r.summary.at("exit_entry.entries") == 2);
  // a margin below the bar draws nobody
  const Result none = run(", fixed_cost: 0, exit_entry: {review_period: 5, entry_margin: 0.5, entry_after: 2}");
  CHECK(none.entryTicks.empty());
  CHECK(none.active == 3);
}

TEST_CASE("exit and entry: entry needs a reserve, and the section reads back", "[mechanisms]") {
  std::string text = channel(", exit_entry: {review_period: 7, exit_after: 3, entry_margin: 0.25, entry_after: 4}");
  const chan::ScenarioSpec spec = chan::io::parseScenario(YAML::Load(text), "t.yaml");
  CHECK(chan::testing::readsBack(spec));
  CHECK(chan::testing::resolvedText(spec).find("entry_after: 4") != std::string::npos);
  text.replace(text.find(" reserve: 2,"), 12, "");
  CHECK_THROWS_WITH(chan::io::parseScenario(chan::io::loadYamlText(text, "t.yaml"), "t.yaml"),
                    Catch::Contains("t.yaml:") && Catch::Contains("exit_entry") && Catch::Contains("needs a reserve"));
}
