// Channel mechanisms on the scenarios that ask about them (scenarios/*.yaml, made smaller):
// each is tested for the direction of its effect, with conservation checked every tick.
// (Monitoring, enforcement, mediation, risk and coordination are tested in tests/mechanisms/.)
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>

#include "models/channel_control.hpp"
#include "tests/support/scenario_runs.hpp"

using chan::testing::groupSum;
using chan::testing::run;
using chan::testing::Run;

TEST_CASE("diversion: a price gap above the transport cost pulls goods across the border", "[mechanisms]") {
  // the east distributor sells at 1.25 x 17.92 = 22.40 against 17.92 in the west: a gap of 4.48
  // (dear: transport above the gap, nothing to gain)
  const std::vector<std::string> cheap{"consumers.count=6000", "ticks=90", "members[2].diversion.transport_cost=0.6"},
      dear{"consumers.count=6000", "ticks=90", "members[2].diversion.transport_cost=5"};
  const Run c = run("territory_diversion", cheap), d = run("territory_diversion", dear);
  CHECK(c.metrics.at("diversion.units") > 0);
  CHECK(c.metrics.at("conflict.cross_territory_share") > 0);
  CHECK(d.metrics.at("diversion.units") == 0);
  // east stores selling diverted goods price below what their own distributor's price implies
  CHECK(c.metrics.at("diversion.price_erosion") > 0);
}

TEST_CASE("gray market: a bigger gap between authorised retail and wholesale prices sells more into the gray channel",
          "[mechanisms]") {
  // (closed: transport above any gap, no seller will sell)
  const std::vector<std::string> base{"consumers.count=6000", "ticks=90"},
      narrow{"consumers.count=6000", "ticks=90", "members[2].pricing.markup=0.15"},
      closed{"consumers.count=6000", "ticks=90", "members[3].diversion.transport_cost=100"};
  const Run wide = run("gray_market", base), small = run("gray_market", narrow), none = run("gray_market", closed);
  REQUIRE(wide.metrics.at("gray.units") > 0);
  CHECK(wide.metrics.at("gray.units") > small.metrics.at("gray.units"));
  CHECK(wide.metrics.at("gray.share") > small.metrics.at("gray.share"));
  CHECK(none.metrics.at("gray.units") == 0);
  // the gray channel takes sales from the authorised stores
  CHECK(none.metrics.at("gray.authorised_units") > wide.metrics.at("gray.authorised_units"));
  // sellers are the distributors, buyers the unauthorised reseller; the brand never polices the latter
  for (const chan::Event& e : wide.events) {
    if (e.type == chan::Event::Type::GrayMarket) {
      CHECK(wide.kind[static_cast<std::size_t>(e.member)] == chan::MemberKind::Distributor);
      CHECK(wide.group[static_cast<std::size_t>(e.counterparty)] == 3);
    }
    if (e.type == chan::Event::Type::PriceUndercut) CHECK(wide.group[static_cast<std::size_t>(e.member)] != 3);
  }
}

TEST_CASE("gray market: a higher expected penalty means fewer gray shipments and at a prohibitive one none",
          "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=6000", "ticks=90"},
      risky{"consumers.count=6000", "ticks=90", "enforcement.fine=20000"},
      prohibitive{"consumers.count=6000", "ticks=90", "enforcement.fine=1000000"};
  const Run low = run("gray_market", base), high = run("gray_market", risky), huge = run("gray_market", prohibitive);
  auto shipments = [](const Run& r) {
    return std::count_if(r.events.begin(), r.events.end(), [](const chan::Event& e) { return e.type == chan::Event::Type::GrayMarket; });
  };
  REQUIRE(shipments(low) > 0);
  CHECK(shipments(high) < shipments(low));
  CHECK(high.metrics.at("gray.units") <= low.metrics.at("gray.units"));
  CHECK(huge.metrics.at("gray.units") == 0);
}

TEST_CASE("logistics providers: a less reliable carrier delivers late more often and fills less demand", "[mechanisms]") {
  const std::vector<std::string>
      reliable{"consumers.count=8000", "ticks=120", "members[1].logistics.delay_probability=0"},
      unreliable{"consumers.count=8000", "ticks=120", "members[1].logistics.delay_probability=0.6"};
  const Run good = run("logistics_providers", reliable), bad = run("logistics_providers", unreliable);
  CHECK(good.metrics.at("logistics.economy.on_time_share") == 1);
  CHECK(bad.metrics.at("logistics.economy.on_time_share") < 0.6);
  CHECK(bad.metrics.at("logistics.on_time_share") < good.metrics.at("logistics.on_time_share"));
  CHECK(bad.metrics.at("coverage.fill_rate") < good.metrics.at("coverage.fill_rate"));
  // the other provider's service does not depend on this one's reliability
  CHECK(bad.metrics.at("logistics.express.on_time_share") == good.metrics.at("logistics.express.on_time_share"));
}

TEST_CASE("logistics providers: the fees the stores pay are what the providers earn", "[mechanisms]") {
  const Run r = run("logistics_providers", {"consumers.count=8000", "ticks=120"});
  const int express = 0, economy = 1, westStores = 4, eastStores = 5;
  const double expressFees = groupSum(r, r.otherIncome, express), economyFees = groupSum(r, r.otherIncome, economy);
  const double expressUnits = r.metrics.at("logistics.express.units"), economyUnits = r.metrics.at("logistics.economy.units");
  REQUIRE(expressUnits > 0);
  CHECK(expressFees == Approx(0.5 * expressUnits).epsilon(1e-9));
  CHECK(economyFees == Approx(0.2 * economyUnits).epsilon(1e-9));
  // every unit the stores bought travelled with their provider
  CHECK(expressUnits == Approx(groupSum(r, r.unitsBought, westStores)).epsilon(1e-9));
  CHECK(groupSum(r, r.otherExpense, westStores) + groupSum(r, r.otherExpense, eastStores) ==
        Approx(expressFees + economyFees).epsilon(1e-9));
  CHECK(r.metrics.at("logistics.fees") == Approx(expressFees + economyFees).epsilon(1e-12));
}
