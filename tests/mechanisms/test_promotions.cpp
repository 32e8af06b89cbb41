// Promotions (mechanisms/promotions.cpp): the decision it changes is the promoted outlets'
// price; tested by the units it moves, the money the maker pays back, and the loader's checks.
#include <catch2/catch.hpp>

#include "sim/io/scenario_loader.hpp"
#include "tests/support/scenario_runs.hpp"

using chan::testing::groupSum;
using chan::testing::parseSmall;
using chan::testing::run;
using chan::testing::Run;

TEST_CASE("promotions: a store promotion sells more at the stores and the brand pays back its share", "[mechanisms]") {
  const std::vector<std::string> small{"consumers.count=8000", "ticks=90"};
  auto none = small;
  none.push_back("promotions=[]");
  const Run on = run("store_promotion", small), off = run("store_promotion", none);  // conservation checked
  const double discount = on.metrics.at("promotions.discount");
  REQUIRE(on.metrics.at("promotions.units") > 0);
  CHECK(off.metrics.at("promotions.units") == 0);
  // 15% off the stores' list price: maker 18, wholesaler cost plus 10%, stores cost plus 50%
  CHECK(discount / on.metrics.at("promotions.units") == Approx(0.15 * 18 * 1.1 * 1.5).epsilon(1e-12));
  CHECK(on.metrics.at("kpi.channel.offline_store.units") > off.metrics.at("kpi.channel.offline_store.units"));
  CHECK(on.metrics.at("sales.online_share") < off.metrics.at("sales.online_share"));
  // the maker (group 0, no other such payments here) pays the stores (group 2) half the discount
  CHECK(groupSum(on, on.otherIncome, 2) == Approx(0.5 * discount).epsilon(1e-9));
  CHECK(groupSum(on, on.otherExpense, 0) == Approx(0.5 * discount).epsilon(1e-9));
  CHECK(on.metrics.at("promotions.reimbursed") == Approx(0.5 * discount).epsilon(1e-9));
  CHECK(groupSum(off, off.otherIncome, 2) == 0.0);
}

TEST_CASE("promotions: the loader reads them and writes them back, run at outlets, one at a time per group", "[loader]") {
  const auto spec = parseSmall("promotions:\n  - {group: shop, start: 5, days: 3, discount: 0.2, maker_share: 0.5}\n"
                               "  - {group: shop, start: 8, days: 2, discount: 0.1}\n");
  const YAML::Node written = chan::io::toYaml(spec)["promotions"];
  REQUIRE(written.size() == 2);
  CHECK(written[0]["group"].as<std::string>() == "shop");
  CHECK(written[0]["maker_share"].as<double>() == 0.5);
  CHECK(written[1]["start"].as<int>() == 8);
  CHECK(written[1]["maker_share"].as<double>() == 0);  // the default
  // lines: the promotions key is line 10, its items 11 and 12 ("  - {" puts the first key at column 6)
  REQUIRE_THROWS_WITH(parseSmall("promotions:\n  - {group: maker, start: 5, days: 3, discount: 0.2}\n"),
                      "t.yaml:11:13: promotions[0].group: promotions run at outlets");
  REQUIRE_THROWS_WITH(parseSmall("promotions:\n  - {group: shop, start: 5, days: 3, discount: 0.2}\n"
                                 "  - {group: shop, start: 7, days: 3, discount: 0.1}\n"),
                      "t.yaml:12:26: promotions[1].start: overlaps another promotion of the same group");
  REQUIRE_THROWS_WITH(parseSmall("promotions:\n  - {group: shop, start: 5, days: 3}\n"),
                      Catch::Contains("promotions[0]: missing required key 'discount'"));
}
