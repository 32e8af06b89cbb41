// Vertical disputes (mechanisms/disputes.cpp): the decision it changes is the reseller's
// supply terms (a concession raises its discount); tested on partner_review made smaller, with
// conservation checked every tick, and the loader's checks of the section.
#include <catch2/catch.hpp>

#include "sim/io/scenario_loader.hpp"
#include "tests/support/scenario_runs.hpp"

using chan::testing::parseSmall;
using chan::testing::run;
using chan::testing::Run;

TEST_CASE("disputes: a wholesale price rise squeezes resellers' margins into more vertical disputes", "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=5000", "ticks=90", "partner_policy.enabled=false",
                                      "disputes.resolution=none"};
  auto squeezed = base;
  squeezed.push_back("members[0].pricing.price=19");
  const Run calm = run("partner_review", base), squeeze = run("partner_review", squeezed);
  CHECK(squeeze.metrics.at("disputes.raised") > calm.metrics.at("disputes.raised"));
  CHECK(squeeze.metrics.at("disputes.mean_shortfall") > 0);
  CHECK(squeeze.metrics.at("conflict.events.vertical_dispute") == squeeze.metrics.at("disputes.raised"));
  // shortfall = floor - margin: positive, and at most the floor 0.25 since every reseller still
  // sells above its buying price (retail 30 against at most 26.6)
  for (const chan::Event& e : squeeze.events)
    if (e.type == chan::Event::Type::VerticalDispute) CHECK((e.severity > 0 && e.severity <= 0.25));
}

TEST_CASE("disputes: conceding the discount that restores the margin floor settles later disputes", "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=5000", "ticks=90", "partner_policy.enabled=false",
                                      "members[0].pricing.price=19"};
  auto none = base, concede = base, mediate = base;
  none.push_back("disputes.resolution=none");
  concede.push_back("disputes.resolution=concession");
  mediate.push_back("disputes.resolution=mediation");
  const Run n = run("partner_review", none), c = run("partner_review", concede), m = run("partner_review", mediate);
  CHECK(c.metrics.at("disputes.concessions") > 0);
  CHECK(c.metrics.at("disputes.raised") < n.metrics.at("disputes.raised") / 2);
  CHECK(c.metrics.at("partners.mean_discount") > n.metrics.at("partners.mean_discount"));
  // mediation pays compensation but leaves the terms, so the disputes go on
  CHECK(m.metrics.at("disputes.compensation") > 0);
  CHECK(m.metrics.at("disputes.raised") == n.metrics.at("disputes.raised"));
}

TEST_CASE("disputes: an arbiter awards its share of what mediation would pay, and charges its fee", "[mechanisms]") {
  const std::vector<std::string> base{"consumers.count=5000", "ticks=90", "partner_policy.enabled=false",
                                      "members[0].pricing.price=19"};
  auto mediate = base, arbitrate = base;
  mediate.push_back("disputes.resolution=mediation");
  arbitrate.insert(arbitrate.end(), {"disputes.resolution=arbitration", "disputes.award_share=0.25",
                                     "disputes.arbitration_fee=10"});
  const Run m = run("partner_review", mediate), a = run("partner_review", arbitrate);  // conservation checked
  const double cases = a.metrics.at("disputes.raised");
  REQUIRE(cases > 0);
  // payments do not feed back into prices or orders here, so the same disputes arise, and the
  // award is a quarter of the full shortfall that mediation makes good
  CHECK(cases == m.metrics.at("disputes.raised"));
  CHECK(a.metrics.at("disputes.compensation") == Approx(0.25 * m.metrics.at("disputes.compensation")).epsilon(1e-9));
  CHECK(a.metrics.at("disputes.arbitration_fees") == Approx(10 * cases).epsilon(1e-12));
  CHECK(m.metrics.at("disputes.arbitration_fees") == 0);
}

TEST_CASE("disputes: the section is read strictly and written back only when on", "[loader]") {
  // the extra text starts on line 10
  const YAML::Node arbitration =
      chan::io::toYaml(parseSmall("disputes: {resolution: arbitration, award_share: 0.3, arbitration_fee: 5}"))["disputes"];
  CHECK(arbitration["award_share"].as<double>() == 0.3);
  CHECK(arbitration["arbitration_fee"].as<double>() == 5);
  CHECK(arbitration["review_period"].as<int>() == 7);  // the default
  REQUIRE_THROWS_WITH(parseSmall("disputes: {resolution: mediation, award_share: 0.3}"),
                      "t.yaml:10:48: disputes.award_share: only with resolution: arbitration");
  REQUIRE_THROWS_WITH(parseSmall("disputes: {resolution: arbitration, award_share: 1.5}"),
                      Catch::Contains("disputes.award_share: must be between 0 and 1"));
  REQUIRE_THROWS_WITH(parseSmall("disputes: {resolution: concesion}"),
                      "t.yaml:10:24: disputes.resolution: unknown value 'concesion' (did you mean 'concession'?)");
  REQUIRE_THROWS_WITH(parseSmall("disputes: {review_period: 0}"),
                      "t.yaml:10:27: disputes.review_period: must be between 1 and 10000000, got 0");
  REQUIRE_THROWS_WITH(parseSmall("disputes: {margin_floor: high}"),
                      "t.yaml:10:26: disputes.margin_floor: expected a number, got \"high\"");
  REQUIRE_THROWS_WITH(parseSmall("disputes: {margin_flor: 0.2}"), Catch::Contains("did you mean 'margin_floor'"));
  // an empty section switches it on with every default; no section, or enabled: false, is off
  const YAML::Node on = chan::io::toYaml(parseSmall("disputes: {}"))["disputes"];
  REQUIRE(on.IsMap());
  CHECK(on["resolution"].as<std::string>() == "none");
  CHECK_FALSE(on["award_share"]);  // arbitration keys only with arbitration
  CHECK_FALSE(chan::io::toYaml(parseSmall(""))["disputes"]);
  CHECK_FALSE(chan::io::toYaml(parseSmall("disputes: {enabled: false}"))["disputes"]);
}
