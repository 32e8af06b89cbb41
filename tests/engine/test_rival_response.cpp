// A rival brand that answers: its maker re-prices by best response every review period, so a
// price move of the other brand changes its price (a decision), not only its sales. Tested on
// partner_review made smaller, with the rival's cost and stores set so that its best response
// lands near the other brand's price (the scenario's comment block has the full-size numbers).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sim/engine/engine.hpp"
#include "sim/io/scenario_loader.hpp"
#include "tests/support/scenario_runs.hpp"

namespace {

/// The rival maker's wholesale price at the end of the run, with acme's retail price `acme`.
double rivalWholesale(double acme) {
  const chan::ScenarioSpec spec = chan::io::loadScenario(
      chan::testing::scenarioPath("partner_review"),
      {"consumers.count=5000", "ticks=120", "disputes.enabled=false", "check=true", "brands[1].unit_cost=15",
       "members[4].pricing.rule=best_response", "members[4].pricing.review_period=30",
       "members[5].pricing.rule=cost_plus", "members[5].pricing.markup=0.75",
       "members[2].pricing.price=" + std::to_string(acme), "members[3].pricing.price=" + std::to_string(acme)});
  chan::Engine engine(spec);
  engine.run();
  const chan::World& w = engine.world();
  return w.members.price[static_cast<std::size_t>(w.groupMembers[4][0])];
}

}  // namespace

TEST_CASE("rival brand: a best-responding rival maker answers a price cut by cutting its own price", "[engine]") {
  const double atParity = rivalWholesale(30), afterCut = rivalWholesale(27);
  // above its unit cost (it earns a margin), and lower once acme's outlets sell for less
  CHECK(atParity > 15);
  CHECK(afterCut < atParity);
  CHECK(afterCut > 15);
}
