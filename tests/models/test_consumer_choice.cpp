// Consumer choice (models/consumer_choice.hpp) against hand-computed multinomial logit
// shares. The worlds have online outlets only, so distance plays no part and every consumer
// of a segment faces the same utilities:
//   U_o = v theta_o + pref - delta days_o - alpha p_o + w service_o,
//   P_o = exp(U_o / mu) / ([1 if outside option] + sum_j exp(U_j / mu)).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <tbb/global_control.h>

#include "models/consumer_choice.hpp"
#include "sim/engine/world_builder.hpp"
#include "sim/io/scenario_loader.hpp"

using chan::models::chooseOutlets;
using chan::models::computeFactors;
using chan::models::DemandRound;
using chan::models::expectedSales;
using chan::models::OutletFactors;

namespace {

/// A spec and the world built from it (the world points at the spec, so neither moves).
struct Built {
  chan::ScenarioSpec spec;
  chan::World world;
  explicit Built(const std::string& yaml)
      : spec(chan::io::parseScenario(YAML::Load(yaml), "choice.yaml")), world(chan::buildWorld(spec)) {}
  Built(const Built&) = delete;
};

// Three online outlets with different service, delivery and valuation factors.
//   A: e_store,     service 0.5, 1 day,  theta 1
//   B: marketplace, service 0.2, 3 days, theta 1.2
//   C: e_store,     service 0.9, 0 days, theta 1
std::string threeOutlets(const std::string& segment, int count = 200, double weight = 2,
                         const std::string& mode = "expected") {
  return R"(
name: choice
ticks: 1
seed: 7
block_size: 64
brands: [{name: b, unit_cost: 10}]
members:
  - {group: maker, kind: manufacturer}
  - {group: A, kind: e_store, supplier: maker, service_level: 0.5, delivery_days: 1, reach: 1}
  - {group: B, kind: marketplace, supplier: maker, service_level: 0.2, delivery_days: 3, reach: 1, valuation_factor: 1.2}
  - {group: C, kind: e_store, supplier: maker, service_level: 0.9, delivery_days: 0, reach: 1}
consumers:
  count: )" + std::to_string(count) +
         "\n  weight: " + std::to_string(weight) + "\n  mode: " + mode + "\n  segments:\n    - " + segment + "\n";
}

const std::string kSegment =
    "{name: s, valuation: {dist: constant, value: 20}, price_sensitivity: 0.5, travel_cost: 0, delivery_cost: 0.4, "
    "online_preference: 0.3, service_weight: 2, purchase_probability: 0.8, noise: 1.5}";

// Utilities at prices A 30, B 28, C 33 (by hand):
//   U_A = 20*1   + 0.3 - 0.4*1 - 0.5*30 + 2*0.5 =  5.9
//   U_B = 20*1.2 + 0.3 - 0.4*3 - 0.5*28 + 2*0.2 =  9.5
//   U_C = 20*1   + 0.3 - 0.4*0 - 0.5*33 + 2*0.9 =  5.6
const std::vector<double> kPrices = {30, 28, 33};
const std::vector<double> kUtility = {5.9, 9.5, 5.6};

std::vector<double> logitShares(const std::vector<double>& u, double mu, bool outside,
                                const std::vector<bool>& available = {true, true, true}) {
  double total = outside ? 1.0 : 0.0;
  std::vector<double> e(u.size());
  for (std::size_t o = 0; o < u.size(); ++o) total += e[o] = available[o] ? std::exp(u[o] / mu) : 0.0;
  for (double& x : e) x /= total;
  return e;
}

double sales(const chan::World& w, std::vector<int> targets, const std::vector<double>& prices) {
  return expectedSales(w, targets, prices);
}

}  // namespace

TEST_CASE("consumer choice: the world has the three outlets in group order", "[choice]") {
  Built b(threeOutlets(kSegment));
  REQUIRE(b.world.outlets.size() == 3);
  CHECK(b.world.members.kind[static_cast<std::size_t>(b.world.outlets[1])] == chan::MemberKind::Marketplace);
  for (std::size_t i = 0; i < b.world.consumers.size(); ++i)
    REQUIRE(b.world.consumers.rowStart[i + 1] - b.world.consumers.rowStart[i] == 3);  // reach 1: all three
}

TEST_CASE("consumer choice: expected sales equal logit shares with an outside option", "[choice]") {
  Built b(threeOutlets(kSegment));
  const auto p = logitShares(kUtility, 1.5, true);
  const double mass = 200 * 2 * 0.8;  // consumers x weight x purchase probability
  CHECK(sales(b.world, {0}, kPrices) == Approx(mass * p[0]).epsilon(1e-12));
  CHECK(sales(b.world, {1}, kPrices) == Approx(mass * p[1]).epsilon(1e-12));
  CHECK(sales(b.world, {2}, kPrices) == Approx(mass * p[2]).epsilon(1e-12));
  CHECK(sales(b.world, {0, 2}, kPrices) == Approx(mass * (p[0] + p[2])).epsilon(1e-12));
  // everyone: the outside option keeps 1 / (1 + sum exp(U/mu)) of the mass
  const double buy = 1 - 1 / (1 + std::exp(5.9 / 1.5) + std::exp(9.5 / 1.5) + std::exp(5.6 / 1.5));
  CHECK(sales(b.world, {0, 1, 2}, kPrices) == Approx(mass * buy).epsilon(1e-12));
  CHECK(sales(b.world, {}, kPrices) == 0.0);
}

TEST_CASE("consumer choice: without an outside option the shares add up to one", "[choice]") {
  std::string seg = kSegment;
  seg.replace(seg.size() - 1, 1, ", outside_option: false}");
  Built b(threeOutlets(seg));
  const auto p = logitShares(kUtility, 1.5, false);
  const double mass = 200 * 2 * 0.8;
  for (int o = 0; o < 3; ++o) CHECK(sales(b.world, {o}, kPrices) == Approx(mass * p[static_cast<std::size_t>(o)]).epsilon(1e-12));
  CHECK(sales(b.world, {0, 1, 2}, kPrices) == Approx(mass).epsilon(1e-12));
  // shares depend only on utility differences: adding 100 to every price (alpha 0.5 takes
  // 50 from every U) leaves them unchanged, and no consumer walks away
  const std::vector<double> dear = {130, 128, 133};
  for (int o = 0; o < 3; ++o)
    CHECK(sales(b.world, {o}, dear) == Approx(mass * p[static_cast<std::size_t>(o)]).epsilon(1e-9));
}

TEST_CASE("consumer choice: prices move demand as the logit says", "[choice]") {
  Built b(threeOutlets(kSegment));
  const double mass = 200 * 2 * 0.8;
  // B raises its price 28 -> 32: U_B = 9.5 - 0.5*4 = 7.5; C cuts to 29: U_C = 5.6 + 2 = 7.6
  const std::vector<double> prices = {30, 32, 29};
  const auto p = logitShares({5.9, 7.5, 7.6}, 1.5, true);
  for (int o = 0; o < 3; ++o) CHECK(sales(b.world, {o}, prices) == Approx(mass * p[static_cast<std::size_t>(o)]).epsilon(1e-12));
  // own-price derivative of a logit share: dP_o/dp_o = -alpha/mu P_o (1 - P_o)
  const double h = 1e-4;
  std::vector<double> up = prices, down = prices;
  up[0] += h, down[0] -= h;
  const double slope = (sales(b.world, {0}, up) - sales(b.world, {0}, down)) / (2 * h);
  CHECK(slope == Approx(-mass * 0.5 / 1.5 * p[0] * (1 - p[0])).epsilon(1e-6));
}

TEST_CASE("consumer choice: the noise scale flattens or sharpens the shares", "[choice]") {
  for (double mu : {0.25, 1.0, 4.0, 40.0}) {
    std::string seg = kSegment;
    seg.replace(seg.find("noise: 1.5"), 10, "noise: " + std::to_string(mu));
    Built b(threeOutlets(seg));
    const auto p = logitShares(kUtility, mu, true);
    const double mass = 200 * 2 * 0.8;
    INFO("mu = " << mu);
    for (int o = 0; o < 3; ++o) CHECK(sales(b.world, {o}, kPrices) == Approx(mass * p[static_cast<std::size_t>(o)]).epsilon(1e-12));
  }
  // limits: mu = 0.25 gives B (highest U by 3.6) essentially everything; mu = 40 nearly
  // equal thirds of the buyers, so A (5.9) and C (5.6) differ by only exp(0.3/40) - 1 = 0.75%
  std::string sharp = kSegment, flat = kSegment;
  sharp.replace(sharp.find("noise: 1.5"), 10, "noise: 0.25");
  flat.replace(flat.find("noise: 1.5"), 10, "noise: 40");
  Built s(threeOutlets(sharp)), f(threeOutlets(flat));
  CHECK(sales(s.world, {1}, kPrices) / sales(s.world, {0, 1, 2}, kPrices) > 1 - 2 * std::exp(-3.6 / 0.25));
  CHECK(sales(f.world, {0}, kPrices) / sales(f.world, {2}, kPrices) == Approx(std::exp(0.3 / 40)).epsilon(1e-12));
}

TEST_CASE("consumer choice: segments add their own logit demand", "[choice]") {
  // 200 consumers, shares 1:3 -> the first 50 in segment s1 (alpha 0.5), 150 in s2 (alpha 1,
  // purchase probability 0.5, noise 2). At prices A 30, B 28, C 33, segment s2's utilities:
  //   U_A = 20 + 0.3 - 0.4 - 30 + 1.0 = -9.1
  //   U_B = 24 + 0.3 - 1.2 - 28 + 0.4 = -4.5
  //   U_C = 20 + 0.3 - 0   - 33 + 1.8 = -10.9
  const std::string yaml = threeOutlets(kSegment + "\n    - {name: s2, share: 3, valuation: {dist: constant, value: 20}, "
                                                   "price_sensitivity: 1, travel_cost: 0, delivery_cost: 0.4, "
                                                   "online_preference: 0.3, service_weight: 2, "
                                                   "purchase_probability: 0.5, noise: 2}");
  Built b(yaml);  // s has the default share 1
  const auto p1 = logitShares(kUtility, 1.5, true);
  const auto p2 = logitShares({-9.1, -4.5, -10.9}, 2.0, true);
  for (int o = 0; o < 3; ++o) {
    const auto k = static_cast<std::size_t>(o);
    CHECK(sales(b.world, {o}, kPrices) == Approx(50 * 2 * 0.8 * p1[k] + 150 * 2 * 0.5 * p2[k]).epsilon(1e-12));
  }
}

TEST_CASE("consumer choice: heterogeneous valuations average the individual logits", "[choice]") {
  // valuations at the quantiles of U[10, 30]: v_i = 10 + 20 (i + 0.5) / N, N = 100
  std::string seg = kSegment;
  seg.replace(seg.find("{dist: constant, value: 20}"), 27, "{dist: uniform_quantiles, low: 10, high: 30}");
  Built b(threeOutlets(seg, 100, 1));
  std::vector<double> want(3, 0.0);
  for (int i = 0; i < 100; ++i) {
    const double v = 10 + 20 * (i + 0.5) / 100;
    // utilities with v in place of 20 (theta_B = 1.2)
    const auto p = logitShares({v + 0.3 - 0.4 - 15 + 1.0, 1.2 * v + 0.3 - 1.2 - 14 + 0.4, v + 0.3 - 16.5 + 1.8}, 1.5, true);
    for (std::size_t o = 0; o < 3; ++o) want[o] += 0.8 * p[o];
  }
  for (int o = 0; o < 3; ++o) CHECK(sales(b.world, {o}, kPrices) == Approx(want[static_cast<std::size_t>(o)]).epsilon(1e-12));
}

TEST_CASE("consumer choice: every outlet's expected sales come from one chunked pass, the same at any thread count",
          "[choice]") {
  // 3,000 consumers in 47 blocks of 64 (block_size 64), so 8 chunks of 6 blocks; valuations at
  // the quantiles of U[10, 30]: each outlet's sales are the sum over consumers of
  // 0.8 x weight x P_o(v_i) (hand logit, as in the test above); the chunked pass adds the same
  // terms in another grouping, so it agrees to rounding, and its chunk-order merge makes 1 and
  // 2 threads agree bit for bit
  std::string seg = kSegment;
  seg.replace(seg.find("{dist: constant, value: 20}"), 27, "{dist: uniform_quantiles, low: 10, high: 30}");
  const int n = 3000;
  Built b(threeOutlets(seg, n, 1.5));
  std::vector<double> want(3, 0.0);
  for (int i = 0; i < n; ++i) {
    const double v = 10 + 20 * (i + 0.5) / n;
    const auto p =
        logitShares({v + 0.3 - 0.4 - 15 + 1.0, 1.2 * v + 0.3 - 1.2 - 14 + 0.4, v + 0.3 - 16.5 + 1.8}, 1.5, true);
    for (std::size_t o = 0; o < 3; ++o) want[o] += 1.5 * 0.8 * p[o];
  }
  auto byOutlet = [&](int threads) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    return chan::models::expectedSalesByOutlet(b.world, kPrices);
  };
  const std::vector<double> one = byOutlet(1), two = byOutlet(2);
  REQUIRE(one.size() == 3);
  for (std::size_t o = 0; o < 3; ++o) {
    CHECK(one[o] == Approx(want[o]).epsilon(1e-12));
    CHECK(one[o] == Approx(sales(b.world, {static_cast<int>(o)}, kPrices)).epsilon(1e-13));
    CHECK(one[o] == two[o]);  // exact: the merge order is the block order
  }
}

TEST_CASE("consumer choice: expected-mode demand round matches the logit, unavailable outlets get none", "[choice]") {
  Built b(threeOutlets(kSegment));
  OutletFactors f;
  DemandRound round;
  const double mass = 200 * 2 * 0.8;
  SECTION("all available") {
    const std::vector<std::uint8_t> all = {1, 1, 1};
    computeFactors(b.world, kPrices, all, f);
    chooseOutlets(b.world, f, round);
    const auto p = logitShares(kUtility, 1.5, true);
    for (std::size_t o = 0; o < 3; ++o) CHECK(round.demand[o] == Approx(mass * p[o]).epsilon(1e-12));
    CHECK(round.shoppers == Approx(mass).epsilon(1e-12));
    CHECK(round.reached == 200);
  }
  SECTION("B out of stock") {
    const std::vector<std::uint8_t> someB = {1, 0, 1};
    computeFactors(b.world, kPrices, someB, f);
    chooseOutlets(b.world, f, round);
    const auto p = logitShares(kUtility, 1.5, true, {true, false, true});
    CHECK(round.demand[1] == 0.0);
    CHECK(round.demand[0] == Approx(mass * p[0]).epsilon(1e-12));
    CHECK(round.demand[2] == Approx(mass * p[2]).epsilon(1e-12));
  }
  SECTION("nothing available") {
    const std::vector<std::uint8_t> none = {0, 0, 0};
    computeFactors(b.world, kPrices, none, f);
    chooseOutlets(b.world, f, round);
    for (double d : round.demand) CHECK(d == 0.0);
    CHECK(round.reached == 0);
  }
}

TEST_CASE("consumer choice: sampled choices converge to the logit probabilities", "[choice]") {
  // 20,000 consumers x 5 ticks = 1e5 independent draws, weight 1. Each outlet's count is
  // binomial(n, q) with q = 0.8 P_o (shop, then choose); tolerance 5 sqrt(q (1 - q) / n).
  const int n = 20000, ticks = 5;
  Built b(threeOutlets(kSegment, n, 1, "sampled"));
  OutletFactors f;
  DemandRound round;
  const double draws = static_cast<double>(n) * ticks;
  auto frequencies = [&](const std::vector<std::uint8_t>& available) {
    computeFactors(b.world, kPrices, available, f);
    std::vector<double> count(3, 0.0);
    double shoppers = 0;
    for (int t = 1; t <= ticks; ++t) {
      b.world.tick = t;
      chooseOutlets(b.world, f, round);
      for (std::size_t o = 0; o < 3; ++o) count[o] += round.demand[o];
      shoppers += round.shoppers;
      // every pick recorded on the consumer agrees with the counts
      std::vector<double> picks(3, 0.0);
      for (std::int32_t pick : b.world.consumers.pick)
        if (pick >= 0) picks[static_cast<std::size_t>(pick)] += 1;
      for (std::size_t o = 0; o < 3; ++o) REQUIRE(picks[o] == round.demand[o]);
    }
    for (double& c : count) c /= draws;
    return std::make_pair(count, shoppers / draws);
  };
  SECTION("all available") {
    const auto [freq, shopRate] = frequencies({1, 1, 1});
    const auto p = logitShares(kUtility, 1.5, true);
    CHECK(std::fabs(shopRate - 0.8) < 5 * std::sqrt(0.8 * 0.2 / draws));
    for (std::size_t o = 0; o < 3; ++o) {
      const double q = 0.8 * p[o];
      INFO("outlet " << o << " expected " << q);
      CHECK(std::fabs(freq[o] - q) < 5 * std::sqrt(q * (1 - q) / draws));
    }
  }
  SECTION("A out of stock: nobody picks it, the rest renormalise") {
    const auto [freq, shopRate] = frequencies({0, 1, 1});
    const auto p = logitShares(kUtility, 1.5, true, {false, true, true});
    CHECK(freq[0] == 0.0);
    for (std::size_t o = 1; o < 3; ++o) {
      const double q = 0.8 * p[o];
      CHECK(std::fabs(freq[o] - q) < 5 * std::sqrt(q * (1 - q) / draws));
    }
  }
}

TEST_CASE("consumer choice: partial reach puts an outlet in that share of choice sets", "[choice]") {
  // a social seller with reach 0.3 among 4000 consumers: binomial, tolerance 5 sd
  const int n = 4000;
  std::string yaml = threeOutlets(kSegment, n, 1);
  yaml.replace(yaml.find("consumers:"), 10,
               "  - {group: S, kind: social_seller, supplier: maker, service_level: 0.3, delivery_days: 4, reach: 0.3}\n"
               "consumers:");
  Built b(yaml);
  REQUIRE(b.world.outlets.size() == 4);
  const double reached = static_cast<double>(b.world.outletConsumers[3].size());
  CHECK(std::fabs(reached / n - 0.3) < 5 * std::sqrt(0.3 * 0.7 / n));
  for (int o = 0; o < 3; ++o) CHECK(b.world.outletConsumers[static_cast<std::size_t>(o)].size() == static_cast<std::size_t>(n));
  // S's expected sales come only from the consumers who see it, each of whom sees all four:
  //   U_S = 20 + 0.3 - 0.4*4 - 0.5*25 + 2*0.3 = 6.8 at price 25
  const std::vector<double> prices = {30, 28, 33, 25};
  const auto p = logitShares({5.9, 9.5, 5.6, 6.8}, 1.5, true, {true, true, true, true});
  CHECK(sales(b.world, {3}, prices) == Approx(reached * 0.8 * p[3]).epsilon(1e-12));
}

TEST_CASE("consumer choice: sampled draws from rows of different lengths never pick an option outside the row",
          "[choice]") {
  // The sampled kernel draws 8 consumers at a time with rows padded to the longest of them. A
  // social seller S with reach 0.3 gives rows of 3 or 4 options side by side. Consumers who
  // do not see S must never pick it; over n x ticks draws (weight 1) S's count is binomial
  // with q_S = r 0.8 P4_S (r: share of rows holding S), and A's with
  // q_A = 0.8 (r P4_A + (1 - r) P3_A); tolerance 5 sd.
  const int n = 20000, ticks = 5;
  std::string yaml = threeOutlets(kSegment, n, 1, "sampled");
  yaml.replace(
      yaml.find("consumers:"), 10,
      "  - {group: S, kind: social_seller, supplier: maker, service_level: 0.3, delivery_days: 4, reach: 0.3}\n"
      "consumers:");
  Built b(yaml);
  REQUIRE(b.world.outlets.size() == 4);
  const auto& c = b.world.consumers;
  std::vector<std::uint8_t> seesS(static_cast<std::size_t>(n), 0);
  for (int i : b.world.outletConsumers[3]) seesS[static_cast<std::size_t>(i)] = 1;
  const double r = static_cast<double>(b.world.outletConsumers[3].size()) / n;
  const std::vector<double> prices = {30, 28, 33, 25};  // U_S = 6.8 (see the partial-reach case)
  OutletFactors f;
  computeFactors(b.world, prices, std::vector<std::uint8_t>{1, 1, 1, 1}, f);
  DemandRound round;
  std::vector<double> count(4, 0.0);
  for (int t = 1; t <= ticks; ++t) {
    b.world.tick = t;
    chooseOutlets(b.world, f, round);
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (c.pick[i] < 0) continue;
      count[static_cast<std::size_t>(c.pick[i])] += 1;
      if (!seesS[i]) REQUIRE(c.pick[i] != 3);
    }
  }
  const double draws = static_cast<double>(n) * ticks;
  const auto p4 = logitShares({5.9, 9.5, 5.6, 6.8}, 1.5, true, {true, true, true, true});
  const auto p3 = logitShares(kUtility, 1.5, true);
  const double qS = r * 0.8 * p4[3], qA = 0.8 * (r * p4[0] + (1 - r) * p3[0]);
  CHECK(std::fabs(count[3] / draws - qS) < 5 * std::sqrt(qS * (1 - qS) / draws));
  CHECK(std::fabs(count[0] / draws - qA) < 5 * std::sqrt(qA * (1 - qA) / draws));
}

TEST_CASE("consumer choice: near-deterministic choice keeps options whose weights underflow separately",
          "[choice]") {
  // A dual channel with little noise (mu = 0.001): valuation 1, the online outlet B valued at
  // theta = 0.2. Static utilities / mu: A 1000, B 200; prices / mu: A 900.5, B 100. So
  //   U_A / mu = 99.5, U_B / mu = 100, outside 0  =>  P_A = 1 / (e^-99.5 + 1 + e^0.5),
  //                                                    P_B = 1 / (e^-100 + e^-0.5 + 1).
  // Taken apart, B's static weight relative to the best static part is e^-800 and A's price
  // factor relative to the lowest price is e^-800.5: both underflow to 0 in double precision,
  // though the products that matter are moderate. Every consumer should buy (P_A + P_B ~ 1).
  const std::string yaml = R"(
name: underflow
ticks: 1
seed: 3
block_size: 64
brands: [{name: b, unit_cost: 0.01}]
members:
  - {group: maker, kind: manufacturer}
  - {group: A, kind: offline_store, supplier: maker, placement: centre, service_level: 0}
  - {group: B, kind: e_store, supplier: maker, service_level: 0, delivery_days: 0, valuation_factor: 0.2}
consumers:
  count: 20000
  placement: centre
  segments: [{name: s, valuation: {dist: constant, value: 1}, price_sensitivity: 1, travel_cost: 0, delivery_cost: 0,
              service_weight: 0, noise: 0.001}]
)";
  Built b(yaml);
  const std::vector<double> prices = {0.9005, 0.1};
  const double pA = 1 / (std::exp(-99.5) + 1 + std::exp(0.5)), pB = 1 / (std::exp(-100.0) + std::exp(-0.5) + 1);
  CHECK(sales(b.world, {0}, prices) == Approx(20000 * pA).epsilon(1e-9));
  CHECK(sales(b.world, {1}, prices) == Approx(20000 * pB).epsilon(1e-9));
  // sampled draws: binomial, tolerance 5 sd
  OutletFactors f;
  DemandRound round;
  computeFactors(b.world, prices, std::vector<std::uint8_t>{1, 1}, f);
  b.world.tick = 1;
  chooseOutlets(b.world, f, round);
  CHECK(round.reached == 20000);
  CHECK(std::fabs(round.demand[0] / 20000 - pA) < 5 * std::sqrt(pA * (1 - pA) / 20000));
  CHECK(std::fabs(round.demand[1] / 20000 - pB) < 5 * std::sqrt(pB * (1 - pB) / 20000));
}

TEST_CASE("consumer choice: sampled shoppers without an outside option follow the hand logit", "[choice]") {
  // Everyone shops (purchase probability 1) and nobody may walk away: the lane kernel's groups of
  // 8 shoppers without an outside option (their targets u T in one vector step). 20,003
  // consumers: the last group is partial and goes lane by lane. Two stores at the centre and an
  // e-store, no travel or delivery cost, mu = 1: U = -p, shares e^-1 : e^-2 : e^-1.5.
  const std::string yaml = R"(
name: plain_groups
ticks: 1
seed: 11
block_size: 64
brands: [{name: b, unit_cost: 0.01}]
members:
  - {group: maker, kind: manufacturer}
  - {group: A, kind: offline_store, count: 2, supplier: maker, placement: centre, service_level: 0}
  - {group: B, kind: e_store, supplier: maker, service_level: 0, delivery_days: 0}
consumers:
  count: 20003
  placement: centre
  mode: sampled
  segments: [{name: s, valuation: {dist: constant, value: 0}, price_sensitivity: 1, travel_cost: 0, delivery_cost: 0,
              service_weight: 0, noise: 1, purchase_probability: 1, outside_option: false}]
)";
  Built b(yaml);
  const std::vector<double> prices = {1.0, 2.0, 1.5};
  OutletFactors f;
  DemandRound round;
  computeFactors(b.world, prices, std::vector<std::uint8_t>{1, 1, 1}, f);
  b.world.tick = 1;
  chooseOutlets(b.world, f, round);
  const double n = 20003, total = std::exp(-1.0) + std::exp(-2.0) + std::exp(-1.5);
  CHECK(round.reached == n);
  CHECK(round.shoppers == n);
  CHECK(round.demand[0] + round.demand[1] + round.demand[2] == n);  // every shopper buys exactly once
  for (std::size_t o = 0; o < 3; ++o) {
    const double p = std::exp(-prices[o]) / total;
    CHECK(std::fabs(round.demand[o] / n - p) < 5 * std::sqrt(p * (1 - p) / n));
  }
}

TEST_CASE("consumer choice: the log-space fallback recovers a row whose products all underflow", "[choice]") {
  // mu = 0.001, valuation 1, three outlets (service and delivery play no part):
  //   C: theta 1,   price 1.5   static / mu 1000, price / mu 1500  U / mu = -500
  //   D: theta 0.2, price 0.05  static / mu  200, price / mu   50  U / mu =  150
  //   E: theta 0.6, price 0.4   static / mu  600, price / mu  400  U / mu =  200
  // Relative to the best static part (C) and the lowest price (D) the weights are
  //   C: 1 x e^-1450 = 0,  D: e^-800 x 1 = 0,  E: e^-400 x e^-350 = e^-750 = 0 (below 4.9e-324),
  // so every product underflows; E's two parts are representable, and in log space E wins.
  // Exact logit: P_E = 1 / (1 + e^-50 + e^-200 + e^-700) = 1 - 2e-22: all consumers buy at E.
  const std::string yaml = R"(
name: fallback
ticks: 1
seed: 3
block_size: 64
brands: [{name: b, unit_cost: 0.01}]
members:
  - {group: maker, kind: manufacturer}
  - {group: C, kind: offline_store, supplier: maker, placement: centre, service_level: 0}
  - {group: D, kind: e_store, supplier: maker, service_level: 0, delivery_days: 0, valuation_factor: 0.2}
  - {group: E, kind: marketplace, supplier: maker, service_level: 0, delivery_days: 0, valuation_factor: 0.6}
consumers:
  count: 2000
  placement: centre
  segments: [{name: s, valuation: {dist: constant, value: 1}, price_sensitivity: 1, travel_cost: 0, delivery_cost: 0,
              service_weight: 0, noise: 0.001}]
)";
  Built b(yaml);
  const std::vector<double> prices = {1.5, 0.05, 0.4};
  CHECK(sales(b.world, {2}, prices) == Approx(2000.0).epsilon(1e-12));
  CHECK(sales(b.world, {0, 1}, prices) == Approx(0.0).margin(1e-12));
  OutletFactors f;
  DemandRound round;
  computeFactors(b.world, prices, std::vector<std::uint8_t>{1, 1, 1}, f);
  b.world.tick = 1;
  chooseOutlets(b.world, f, round);
  CHECK(round.reached == 2000);
  CHECK(round.demand[2] == 2000);
}

TEST_CASE("consumer choice: a choice set holds the nearest stores, weighted by travel cost", "[choice]") {
  // 6 stores and 300 consumers placed uniformly; each row lists the 3 nearest stores nearest
  // first, then the online outlet. Static weights relative to the row's best option are
  // exp((U_j - U_best) / mu) with U_j = v - tau d_j for stores and v + pref - delta days online.
  const std::string yaml = R"(
name: distance
ticks: 1
seed: 11
map: {width: 40, height: 30}
brands: [{name: b, unit_cost: 10}]
members:
  - {group: maker, kind: manufacturer}
  - {group: stores, kind: offline_store, count: 6, supplier: maker, placement: uniform}
  - {group: web, kind: e_store, supplier: maker, delivery_days: 2}
consumers:
  count: 300
  placement: uniform
  choice_set: {nearest: 3}
  segments: [{name: s, valuation: {dist: constant, value: 5}, travel_cost: 0.2, delivery_cost: 0.5,
              online_preference: 0.3, noise: 1.5}]
)";
  Built b(yaml);
  const chan::World& w = b.world;
  const auto& c = w.consumers;
  REQUIRE(w.outlets.size() == 7);
  for (std::size_t i = 0; i < c.size(); ++i) {
    INFO("consumer " << i);
    // brute force: distances from the consumer to every store, sorted
    std::vector<std::pair<double, int>> d;
    for (int o = 0; o < 6; ++o) {
      const auto m = static_cast<std::size_t>(w.outlets[static_cast<std::size_t>(o)]);
      d.emplace_back(std::hypot(w.members.x[m] - c.x[i], w.members.y[m] - c.y[i]), o);
    }
    std::sort(d.begin(), d.end());
    const std::uint32_t begin = c.rowStart[i];
    REQUIRE(c.rowStart[i + 1] - begin == 4);
    std::vector<double> u;
    for (int k = 0; k < 3; ++k) {
      REQUIRE(c.choiceOutlet[begin + static_cast<std::uint32_t>(k)] == d[static_cast<std::size_t>(k)].second);
      u.push_back(5 - 0.2 * d[static_cast<std::size_t>(k)].first);
    }
    REQUIRE(c.choiceOutlet[begin + 3] == 6);  // the e-store, reach 1
    u.push_back(5 + 0.3 - 0.5 * 2);
    const double best = *std::max_element(u.begin(), u.end());
    for (std::uint32_t k = 0; k < 4; ++k)
      REQUIRE(c.choiceWeight[begin + k] == Approx(std::exp((u[k] - best) / 1.5)).epsilon(1e-12));
    // the outside option (utility 0) on the same scale
    REQUIRE(c.logOutside[i] == Approx(-best / 1.5).epsilon(1e-12));
  }
}

// Exact choice (noise 0): a uniform_quantiles population stands for the continuous uniform
// distribution, so demand is the textbook valuation model's, kinks included. Two online
// outlets, valuation factors 1 (a store-like channel, price p1) and theta (price p2), v ~ U[0,1]:
// by hand, buy at 1 if v - p1 >= max(0, theta v - p2), at 2 if theta v - p2 > max(0, v - p1):
//   both sell (p2 < theta p1): d1 = 1 - (p1 - p2)/(1 - theta), d2 = (theta p1 - p2)/(theta (1 - theta))
//   otherwise:                 d1 = 1 - p1, d2 = 0.
namespace {

std::string twoChannels(double theta, int count, const std::string& valuation = "{dist: uniform_quantiles, low: 0, high: 1}",
                        const std::string& mode = "expected") {
  return R"(
name: exact
ticks: 1
seed: 3
block_size: 64
brands: [{name: b, unit_cost: 0}]
members:
  - {group: maker, kind: manufacturer}
  - {group: one, kind: e_store, supplier: maker, reach: 1, service_level: 0, delivery_days: 0}
  - {group: two, kind: e_store, supplier: maker, reach: 1, service_level: 0, delivery_days: 0, valuation_factor: )" +
         std::to_string(theta) + "}\nconsumers:\n  count: " + std::to_string(count) + "\n  weight: 1\n  mode: " + mode +
         "\n  segments:\n    - {name: s, valuation: " + valuation +
         ", price_sensitivity: 1, travel_cost: 0, delivery_cost: 0, service_weight: 0, noise: 0}\n";
}

}  // namespace

TEST_CASE("consumer choice: exact choice of a quantile population gives the continuous demand", "[choice]") {
  const double theta = 0.8;
  for (int count : {7, 100}) {
    Built b(twoChannels(theta, count));
    const double n = count;
    // both channels sell: the e-store band of valuations lies inside single cells' edges
    for (const auto& [p1, p2] : std::vector<std::pair<double, double>>{{0.575, 0.45}, {0.6, 0.41}, {0.7, 0.55}}) {
      const double d1 = 1 - (p1 - p2) / (1 - theta), d2 = (theta * p1 - p2) / (theta * (1 - theta));
      CHECK(sales(b.world, {0}, {p1, p2}) == Approx(n * d1).epsilon(1e-12));
      CHECK(sales(b.world, {1}, {p1, p2}) == Approx(n * d2).epsilon(1e-12));
    }
    // the second channel priced out (p2 >= theta p1): linear demand 1 - p1 at the first
    for (double p1 : {0.1, 0.333, 0.75}) {
      CHECK(sales(b.world, {0}, {p1, theta * p1 + 0.01}) == Approx(n * (1 - p1)).epsilon(1e-12));
      CHECK(sales(b.world, {1}, {p1, theta * p1 + 0.01}) == 0.0);
    }
  }
}

TEST_CASE("consumer choice: exact choice of point valuations takes the best option, ties shared", "[choice]") {
  // every consumer values the good at 1: U_1 = 1 - p1, U_2 = 0.5 - p2, outside 0
  Built b(twoChannels(0.5, 10, "{dist: constant, value: 1}"));
  CHECK(sales(b.world, {1}, {0.7, 0.1}) == 10.0);   // U_1 = 0.3 < U_2 = 0.4
  CHECK(sales(b.world, {0}, {0.7, 0.1}) == 0.0);
  CHECK(sales(b.world, {0}, {0.5, 0.3}) == 10.0);   // 0.5 > 0.2
  CHECK(sales(b.world, {0}, {0.6, 0.1}) == 5.0);    // 0.4 = 0.4: shared
  CHECK(sales(b.world, {1}, {0.6, 0.1}) == 5.0);
  CHECK(sales(b.world, {0, 1}, {1.5, 0.9}) == 0.0);  // both negative: the outside option
}

TEST_CASE("consumer choice: sampled exact choices follow the cell shares", "[choice]") {
  // one consumer per cell of width 1/4: at p1 = 0.6 (second channel priced out) the cell
  // [0.5, 0.75) buys with probability 0.6; the others always (above) or never (below)
  Built b(twoChannels(0.8, 4, "{dist: uniform_quantiles, low: 0, high: 1}", "sampled"));
  OutletFactors f;
  computeFactors(b.world, std::vector<double>{0.6, 0.9}, std::vector<std::uint8_t>{1, 1}, f);
  std::vector<double> weights(2);
  const double outside = chan::models::choiceWeights(b.world, f, 2, weights);
  CHECK(weights[0] == Approx(0.6).epsilon(1e-12));
  CHECK(weights[1] == 0.0);
  CHECK(outside == Approx(0.4).epsilon(1e-12));
  CHECK(chan::models::choiceWeights(b.world, f, 3, weights) == 0.0);
  CHECK(weights[0] == 1.0);
}

TEST_CASE("consumer choice: demand at one uniform price in closed form equals the hand logit and the per-outlet pass",
          "[choice]") {
  // every outlet at price p: U_A = 20 + 0.3 - 0.4 + 1.0 - 0.5 p, U_B = 24 + 0.3 - 1.2 + 0.4 - 0.5 p,
  // U_C = 20 + 0.3 + 1.8 - 0.5 p (kUtility's terms with one price); unit revenue p x slope - intercept
  // with slopes 1, 0.9, 0.8 and intercepts 11, 12, 10.5
  Built b(threeOutlets(kSegment));
  const std::vector<double> slope = {1, 0.9, 0.8}, intercept = {11, 12, 10.5};
  const chan::models::UniformPriceDemand uniform(b.world, slope, intercept);
  REQUIRE(uniform.applies());
  const double mass = 200 * 2 * 0.8;
  const std::vector<double> prices = {5.0, 20.0, 31.5, 60.0};
  const auto batch = uniform.at(prices);  // every price from one pass
  REQUIRE(batch.size() == prices.size());
  for (std::size_t k = 0; k < prices.size(); ++k) {
    const double p = prices[k];
    const auto share = logitShares({20.9 - 0.5 * p, 23.5 - 0.5 * p, 22.1 - 0.5 * p}, 1.5, true);
    double units = 0, revenue = 0;
    for (std::size_t o = 0; o < 3; ++o) units += mass * share[o], revenue += mass * share[o] * (p * slope[o] - intercept[o]);
    const chan::models::UniformPriceDemand::Totals t = uniform.at(p);
    CHECK(t.units == Approx(units).epsilon(1e-12));
    CHECK(t.revenue == Approx(revenue).epsilon(1e-12));
    CHECK(batch[k].units == Approx(units).epsilon(1e-12));
    CHECK(batch[k].revenue == Approx(revenue).epsilon(1e-12));
    // the per-outlet pass (expectedSalesByOutlet) at the same prices agrees to rounding
    const std::vector<double> byOutlet = chan::models::expectedSalesByOutlet(b.world, std::vector<double>(3, p));
    double passRevenue = 0;
    for (std::size_t o = 0; o < 3; ++o) passRevenue += byOutlet[o] * (p * slope[o] - intercept[o]);
    CHECK(t.revenue == Approx(passRevenue).epsilon(1e-12));
  }
  // an exact-choice segment (noise 0) has no weights to factor: the per-outlet pass must be used
  std::string exact = kSegment;
  exact.replace(exact.find("noise: 1.5"), 10, "noise: 0");
  Built e(threeOutlets(exact));
  CHECK_FALSE(chan::models::UniformPriceDemand(e.world, slope, intercept).applies());
}

TEST_CASE("consumer choice: reach counts the consumers with an open store in their choice set", "[choice][reach]") {
  // 40 stores and 3,001 consumers (a partial last lane group) in two segments; a choice set
  // is the 3 nearest stores within 6 km, so some consumers have none. Reach is counted by
  // hand: consumers with at least one open store in their row.
  const std::string yaml = R"(
name: reach
ticks: 1
seed: 5
block_size: 256
map: {width: 60, height: 60, cities: 4, city_spread: 6}
brands: [{name: b, unit_cost: 10}]
members:
  - {group: maker, kind: manufacturer}
  - {group: stores, kind: offline_store, count: 40, supplier: maker, placement: cities}
consumers:
  count: 3001
  mode: sampled
  placement: cities
  urban_share: 0.8
  choice_set: {nearest: 3, radius: 6}
  segments:
    - {name: a, share: 0.5, valuation: {dist: constant, value: 25}, travel_cost: 0.2, noise: 1.5, purchase_probability: 0.1}
    - {name: b, share: 0.5, valuation: {dist: constant, value: 25}, travel_cost: 0.4, noise: 1, purchase_probability: 0.3,
       outside_option: false}
)";
  Built b(yaml);
  const auto& c = b.world.consumers;
  const std::size_t outlets = b.world.outlets.size();
  REQUIRE(outlets == 40);
  auto byHand = [&](const std::vector<std::uint8_t>& open) {
    double reached = 0;
    for (std::size_t i = 0; i < c.size(); ++i) {
      bool any = false;
      for (std::uint32_t j = c.rowStart[i]; j < c.rowStart[i + 1]; ++j) any = any || open[static_cast<std::size_t>(c.choiceOutlet[j])];
      reached += any;
    }
    return reached;
  };
  const std::vector<double> prices(outlets, 14.0);
  std::vector<std::uint8_t> all(outlets, 1), none(outlets, 0), some(outlets, 1);
  for (std::size_t o = 0; o < outlets; o += 3) some[o] = 0;
  for (std::size_t o = 1; o < outlets; o += 7) some[o] = 0;
  const double withRows = byHand(all);
  // the cases are not vacuous: empty rows, and consumers whose every store is closed
  REQUIRE(withRows < static_cast<double>(c.size()));
  REQUIRE(byHand(some) < withRows);
  REQUIRE(byHand(some) > 0);
  for (const auto* open : {&all, &some, &none}) {
    OutletFactors f;
    computeFactors(b.world, prices, *open, f);
    DemandRound round;
    chooseOutlets(b.world, f, round);
    CHECK(round.reached == byHand(*open));
    CHECK(chan::models::consumersReached(b.world, f) == byHand(*open));
  }
}
