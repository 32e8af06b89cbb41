// Channel-control mechanisms (models/channel_control): each is tested for the direction of
// its effect on the scenario that asks about it (scenarios/*.yaml, made smaller), with
// conservation checked every tick.
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
  const std::vector<std::string> base{"consumers.count=6000", "ticks=90"};
  auto cheap = base, dear = base;
  cheap.push_back("members[2].diversion.transport_cost=0.6");
  dear.push_back("members[2].diversion.transport_cost=5");  // above the gap: nothing to gain
  const Run c = run("territory_diversion", cheap), d = run("territory_diversion", dear);
  CHECK(c.metrics.at("diversion.units") > 0);
  CHECK(c.metrics.at("conflict.cross_territory_share") > 0);
  CHECK(d.metrics.at("diversion.units") == 0);
  // east stores selling diverted goods price below what their own distributor's price implies
  CHECK(c.metrics.at("diversion.price_erosion") > 0);
}

TEST_CASE("information sharing: forecasting from consumer sales damps upstream order swings", "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=10000", "ticks=200"};
  auto shared = base;
  shared.push_back("coordination.shared_sales=true");
  const Run off = run("information_sharing", base), on = run("information_sharing", shared);
  CHECK(on.metrics.at("bullwhip.tier1") < off.metrics.at("bullwhip.tier1"));
  CHECK(on.metrics.at("bullwhip.tier2") < off.metrics.at("bullwhip.tier2"));
}

TEST_CASE("risk: reassigning a disrupted distributor's stores saves sales and recovers sooner", "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=15000", "ticks=160"};
  auto none = base;
  none.insert(none.end(), {"risk.response.reassign=false", "risk.response.price_cap=0"});
  const Run with = run("distributor_default", base), without = run("distributor_default", none);
  CHECK(with.metrics.at("risk.events") >= 1);
  CHECK(with.metrics.at("risk.lost_units_in_disruption") < without.metrics.at("risk.lost_units_in_disruption"));
  CHECK(with.metrics.at("risk.recovery_ticks") < without.metrics.at("risk.recovery_ticks"));
}

TEST_CASE("risk: a member whose cash falls below its credit line goes bankrupt", "[mechanisms]") {
  // stores start without cash and a credit line of 0: buying their first stock defaults them
  const Run r = run("distributor_default", {"consumers.count=3000", "ticks=5", "risk.credit_line=0",
                                            "members[2].initial_cash=0", "risk.disruptions=[]"});
  CHECK(r.metrics.at("risk.defaults") > 0);
}

TEST_CASE("gray market: a bigger gap between authorised retail and wholesale prices sells more into the gray channel",
          "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=6000", "ticks=90"};
  auto narrow = base, closed = base;
  narrow.push_back("members[2].pricing.markup=0.15");
  closed.push_back("members[3].diversion.transport_cost=100");  // above any gap: no seller will sell
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

TEST_CASE("gray market: traceability detects a larger share of gray units", "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=6000", "ticks=90"};
  auto traced = base;
  traced.push_back("monitoring.traceability=true");
  CHECK(run("gray_market", traced).metrics.at("gray.detected_share") >
        run("gray_market", base).metrics.at("gray.detected_share") + 0.2);
}

TEST_CASE("gray market: a higher expected penalty means fewer gray shipments and at a prohibitive one none",
          "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=6000", "ticks=90"};
  auto risky = base, prohibitive = base;
  risky.push_back("enforcement.fine=20000");
  prohibitive.push_back("enforcement.fine=1000000");
  const Run low = run("gray_market", base), high = run("gray_market", risky), huge = run("gray_market", prohibitive);
  auto shipments = [](const Run& r) {
    return std::count_if(r.events.begin(), r.events.end(), [](const chan::Event& e) { return e.type == chan::Event::Type::GrayMarket; });
  };
  REQUIRE(shipments(low) > 0);
  CHECK(shipments(high) < shipments(low));
  CHECK(high.metrics.at("gray.units") <= low.metrics.at("gray.units"));
  CHECK(huge.metrics.at("gray.units") == 0);
}

TEST_CASE("visibility: ordering on echelon stock with real-time sales damps upstream order swings", "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=10000", "ticks=200"};
  auto visible = base;
  visible.push_back("coordination.visibility=true");
  const Run off = run("information_sharing", base), on = run("information_sharing", visible);
  CHECK(on.metrics.at("bullwhip.tier1") < off.metrics.at("bullwhip.tier1"));
  CHECK(on.metrics.at("bullwhip.tier2") < off.metrics.at("bullwhip.tier2"));
  CHECK(on.metrics.at("coverage.stockout_rate") <= off.metrics.at("coverage.stockout_rate"));
}

TEST_CASE("logistics providers: a less reliable carrier delivers late more often and fills less demand", "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=8000", "ticks=120"};
  auto reliable = base, unreliable = base;
  reliable.push_back("members[1].logistics.delay_probability=0");
  unreliable.push_back("members[1].logistics.delay_probability=0.6");
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

TEST_CASE("data breaches: a compromised sales feed brings the bullwhip back, and each incident costs", "[mechanisms]") {
  const std::vector<std::string> small{"consumers.count=10000", "ticks=150"};
  auto secure = small, leaky = small;
  secure.push_back("risk.breach_probability=0");
  leaky.push_back("risk.breach_probability=0.01");
  const Run s = run("data_breach", secure), l = run("data_breach", leaky);  // conservation checked
  const double breaches = l.metrics.at("risk.data_breaches");
  REQUIRE(breaches > 0);
  CHECK(s.metrics.at("risk.data_breaches") == 0);
  CHECK(l.metrics.at("risk.events") == breaches);  // nothing else goes wrong in this chain
  CHECK(l.metrics.at("bullwhip.tier1") > s.metrics.at("bullwhip.tier1"));
  CHECK(l.metrics.at("bullwhip.tier2") > s.metrics.at("bullwhip.tier2"));
  // the stores (group 3, after maker, national and regionals) pay 500 per incident, and only
  // the stores are breached
  CHECK(groupSum(l, l.otherExpense, 3) == Approx(500 * breaches).epsilon(1e-12));
  for (const chan::Event& e : l.events)
    if (e.type == chan::Event::Type::DataBreach) CHECK(l.kind[static_cast<std::size_t>(e.member)] == chan::MemberKind::OfflineStore);
}
