// Calendar demand (mechanisms/calendar.cpp): the decision it changes is whether a consumer shops
// on a given day (and, on event days, where). Tested by today's factors against the product of
// the profile entries written here, by the units an event moves on tiny channels whose demand is
// known by hand (expected mode, conservation checked every tick), and by the loader's checks.
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/engine/engine.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/io/yaml_reader.hpp"
#include "tests/support/scenario_runs.hpp"

using chan::testing::parseSmall;

namespace {

/// A maker selling at 12 to one store (fixed price 20, unlimited stock) and, with `online`, to a
/// marketplace at `marketPrice`; 100 consumers in expected mode, valuation 100, no travel or
/// delivery cost; `segment` adds keys to the one segment, `calendar` is the section (its lines
/// indented by two).
std::string channel(const std::string& calendar, bool online = false, const std::string& segment = "noise: 0",
                    const std::string& marketPrice = "20") {
  std::string doc =
      "name: t\nticks: 8\ncheck: true\nmap: {width: 10, height: 10, cities: 1}\nbrands:\n"
      "  - {name: acme, unit_cost: 10}\nmembers:\n"
      "  - {group: maker, kind: manufacturer, pricing: {rule: fixed, price: 12}}\n"
      "  - {group: store, kind: offline_store, supplier: maker, shipping_cost: 0, holding_cost: 0,\n"
      "     pricing: {rule: fixed, price: 20}, replenishment: {rule: none, initial_stock: 1.0e9}}\n";
  if (online)
    doc +=
        "  - {group: market, kind: marketplace, supplier: maker, shipping_cost: 0, holding_cost: 0, commission: 0,\n"
        "     pricing: {rule: fixed, price: " +
        marketPrice + "}, replenishment: {rule: none, initial_stock: 1.0e9}}\n";
  doc +=
      "consumers:\n  count: 100\n  mode: expected\n  choice_set: {nearest: 5}\n"
      "  segments:\n    - {name: all, valuation: {dist: constant, value: 100}, travel_cost: 0, delivery_cost: 0,\n"
      "       purchase_probability: 0.2, " +
      segment + "}\n";
  if (!calendar.empty()) doc += "calendar:\n" + calendar;
  return doc;
}

chan::ScenarioSpec load(const std::string& doc) { return chan::io::parseScenario(YAML::Load(doc), "t.yaml"); }

/// Units sold per tick (index 0 is tick 1), conservation checked every tick.
std::vector<double> soldPerTick(const std::string& doc) {
  const chan::ScenarioSpec spec = load(doc);
  chan::Engine engine(spec);
  engine.run();
  std::vector<double> sold;
  for (const auto& t : engine.metrics().records()) sold.push_back(t.obs.sold);
  return sold;
}

}  // namespace

TEST_CASE("calendar: today's factor is the product of its weekday, month, trend and event entries", "[mechanisms]") {
  // tick 1 is Monday 2026-11-09; Double 11 (Wednesday 11-11, every year) lasts 1 day, with a
  // 2-day dip before it and a 3-day hangover after it
  const std::string calendar =
      "  start: 2026-11-09\n  weekdays: {monday: 0.9, wednesday: 1.5, sunday: 1.2}\n  months: {november: 0.8}\n"
      "  trend: 0.1\n  events:\n"
      "    - {name: double_11, date: 11-11, uplift: 2, pre_days: 2, pre_dip: 0.25, post_days: 3, post_dip: 0.4}\n";
  const chan::ScenarioSpec spec = load(channel(calendar));
  chan::Engine engine(spec);
  auto grow = [](int day) { return std::pow(1.1, day / 365.0); };  // days since the start
  std::vector<double> expected = {
      0.9 * 0.8 * grow(0) * 0.75,  // Mon 11-09: weekday, month, pre-event dip
      1.0 * 0.8 * grow(1) * 0.75,  // Tue 11-10: pre-event dip
      1.5 * 0.8 * grow(2) * 3.0,   // Wed 11-11: the festival, 1 + uplift
      1.0 * 0.8 * grow(3) * 0.6,   // Thu 11-12: hangover, 1 - post_dip
      1.0 * 0.8 * grow(4) * 0.6,   // Fri
      1.0 * 0.8 * grow(5) * 0.6,   // Sat
      1.2 * 0.8 * grow(6),         // Sun 11-15: over
  };
  for (std::size_t t = 0; t < expected.size(); ++t) {
    engine.step();
    INFO("tick " << t + 1);
    REQUIRE(engine.world().calendar.shop.size() == 1);
    CHECK(engine.world().calendar.shop[0] == Approx(expected[t]).epsilon(1e-12));
  }
}

TEST_CASE("calendar: an event sells more on its days, less before and after, than the same run without it",
          "[mechanisms]") {
  // every shopper buys (valuation 100 against a price of 20, exact choice): units = 100 x 0.2 x factor
  const std::string event =
      "  start: 2026-01-01\n  events:\n"
      "    - {name: sale, date: 2026-01-04, days: 2, uplift: 1.5, pre_days: 1, pre_dip: 0.5, post_days: 2, post_dip: "
      "0.25}\n";
  const std::vector<double> on = soldPerTick(channel(event)), off = soldPerTick(channel(""));
  const std::vector<double> factor = {1, 1, 0.5, 2.5, 2.5, 0.75, 0.75, 1};
  REQUIRE(on.size() == 8);
  for (std::size_t t = 0; t < on.size(); ++t) {
    INFO("tick " << t + 1);
    CHECK(off[t] == Approx(20).epsilon(1e-12));
    CHECK(on[t] == Approx(20 * factor[t]).epsilon(1e-12));
  }
  // a factor that would take the probability above 1 saturates: everyone shops once a tick
  const std::vector<double> capped =
      soldPerTick(channel("  events:\n    - {name: big, date: 2026-01-02, uplift: 9}\n"));
  CHECK(capped[1] == Approx(100).epsilon(1e-12));
}

TEST_CASE("calendar: an event lifts the outlet kinds it names and only the segments it names", "[mechanisms]") {
  // store and marketplace at the same price, logit, no outside option: 50/50 on ordinary days;
  // on the event day the marketplace's weight doubles (uplift 1): its share is 2 / 3
  const std::string lift =
      "  start: 2026-01-01\n  events:\n"
      "    - {name: festival, date: 01-03, channels: [{kind: marketplace, uplift: 1}]}\n";
  const chan::ScenarioSpec spec = load(channel(lift, true, "noise: 1, service_weight: 0, outside_option: false"));
  chan::Engine engine(spec);
  engine.run();
  const auto& records = engine.metrics().records();
  REQUIRE(records.size() == 8);
  CHECK(records[1].obs.onlineSold / records[1].obs.sold == Approx(0.5).epsilon(1e-12));
  CHECK(records[2].obs.onlineSold / records[2].obs.sold == Approx(2.0 / 3.0).epsilon(1e-12));
  CHECK(records[2].obs.sold == Approx(20).epsilon(1e-12));  // no uplift of shopping itself
  // an event for another segment leaves this one's demand alone
  const std::string other = "  events:\n    - {name: sale, date: 2026-01-02, uplift: 1, segments: [young]}\n";
  std::string twoSegments = channel(other, false, "noise: 0, share: 0.5");
  twoSegments.replace(twoSegments.find("calendar:"), 0,
                      "    - {name: young, valuation: {dist: constant, value: 100}, travel_cost: 0, noise: 0,\n"
                      "       purchase_probability: 0.2, share: 0.5}\n");
  const std::vector<double> sold = soldPerTick(twoSegments);
  // two segments of 50 consumers each: 20 a day, 30 when the young's probability doubles
  CHECK(sold[0] == Approx(20).epsilon(1e-12));
  CHECK(sold[1] == Approx(30).epsilon(1e-12));
}

TEST_CASE("calendar: the loader rejects bad dates, unknown keys and out-of-range uplifts with their place",
          "[loader]") {
  // parseSmall's extra text starts on line 10: `calendar:` there, its keys from line 11
  const auto spec = parseSmall(
      "calendar:\n  start: 2027-02-01\n  months: {february: 0.7}\n  events:\n"
      "    - {name: spring_festival, date: 2027-02-06, days: 7, uplift: 0.3, post_days: 10, "
      "post_dip: 0.5}\n");
  const YAML::Node written = chan::io::toYaml(spec)["calendar"];
  REQUIRE(written);
  CHECK(written["start"].as<std::string>() == "2027-02-01");
  CHECK(written["months"]["february"].as<double>() == 0.7);
  CHECK(written["events"][0]["post_dip"].as<double>() == 0.5);
  CHECK_FALSE(chan::io::toYaml(parseSmall(""))["calendar"]);  // off: not written
  REQUIRE_THROWS_WITH(parseSmall("calendar:\n  start: 2026-02-30\n"),
                      Catch::StartsWith("t.yaml:11:10: calendar.start: '2026-02-30' is not a date"));
  REQUIRE_THROWS_WITH(parseSmall("calendar:\n  events:\n    - {name: x, date: 13-01}\n"),
                      Catch::StartsWith("t.yaml:12:23: calendar.events[0].date: '13-01' is not a date"));
  REQUIRE_THROWS_WITH(parseSmall("calendar:\n  events:\n    - {name: x, date: 11-11, uplift: -0.5}\n"),
                      Catch::StartsWith("t.yaml:12:38: calendar.events[0].uplift:"));
  REQUIRE_THROWS_WITH(parseSmall("calendar:\n  weekdays: {monday: 1, funday: 2}\n"),
                      Catch::StartsWith("t.yaml:11:25: calendar.weekdays.funday:"));
  REQUIRE_THROWS_WITH(parseSmall("calendar:\n  events:\n    - {name: x, date: 11-11, channels: [{kind: distributor, "
                                 "uplift: 1}]}\n"),
                      Catch::Contains("calendar.events[0].channels[0].kind: not an outlet kind"));
}

TEST_CASE("calendar: price sensitivity scaled on event days sends more shoppers to the cheaper outlet", "[mechanisms]") {
  // store at 20, marketplace at 15, logit with alpha 0.1 and no outside option: the marketplace's
  // share is 1 / (1 + exp(-0.1 x 5)); on the event day alpha doubles: 1 / (1 + exp(-0.2 x 5))
  const std::string hunt = "  start: 2026-01-01\n  events:\n    - {name: sale, date: 2026-01-02, price_sensitivity: 2}\n";
  const chan::ScenarioSpec spec =
      load(channel(hunt, true, "noise: 1, service_weight: 0, price_sensitivity: 0.1, outside_option: false", "15"));
  chan::Engine engine(spec);
  engine.run();
  const auto& records = engine.metrics().records();
  CHECK(records[0].obs.onlineSold / records[0].obs.sold == Approx(1 / (1 + std::exp(-0.5))).epsilon(1e-12));
  CHECK(records[1].obs.onlineSold / records[1].obs.sold == Approx(1 / (1 + std::exp(-1.0))).epsilon(1e-12));
  CHECK(records[2].obs.onlineSold / records[2].obs.sold == Approx(1 / (1 + std::exp(-0.5))).epsilon(1e-12));
}
