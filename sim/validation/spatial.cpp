// Case 6: spatial competition and coverage. Salop's circle (Salop 1979, Bell J. Economics
// 10(1)) in its three regimes, free entry, and Hotelling's line (d'Aspremont, Gabszewicz &
// Thisse 1979 for the linear-cost version with unequal costs). Consumers sit at the quantiles
// of the market, pay price plus transport cost t per unit distance and buy the best option if
// it beats not buying; their choice is logit with a noise of two consumer spacings, which makes
// the market demand the continuum's. Firms set prices by damped best response (weight 0.5):
// undamped responses cycle in Salop's kinked regime.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/optimize.hpp"
#include "sim/validation/cases.hpp"
#include "sim/validation/steady_state.hpp"

namespace chan::validation {
namespace {

struct Market {
  bool circle = true;           // circle of length 1, else the line [0, 1]
  double t = 1, v = 1;          // transport cost per unit distance, valuation
  std::vector<double> firmAt;   // positions
  std::vector<double> cost;     // unit costs
  int consumers = 4000;
  std::vector<std::vector<int>> rival;  // per consumer: the firms it weighs

  double distance(double a, double b) const {
    const double d = std::fabs(a - b);
    return circle ? std::min(d, 1 - d) : d;
  }
  /// Each consumer weighs the two nearest firms on either side (farther ones are never chosen
  /// at the prices best responses consider) and not buying.
  void prepare() {
    rival.assign(static_cast<std::size_t>(consumers), {});
    for (int i = 0; i < consumers; ++i) {
      const double x = (i + 0.5) / consumers;
      std::vector<std::pair<double, int>> byDistance;
      for (std::size_t j = 0; j < firmAt.size(); ++j) byDistance.emplace_back(distance(x, firmAt[j]), static_cast<int>(j));
      std::sort(byDistance.begin(), byDistance.end());
      for (std::size_t k = 0; k < std::min<std::size_t>(4, byDistance.size()); ++k)
        rival[static_cast<std::size_t>(i)].push_back(byDistance[k].second);
    }
  }
  /// Expected purchases (mass; the market has mass 1) from each firm at prices p.
  std::vector<double> demand(const std::vector<double>& p) const {
    const double mu = 2.0 * t / consumers;
    std::vector<double> q(p.size(), 0.0);
    double u[4];
    for (int i = 0; i < consumers; ++i) {
      const double x = (i + 0.5) / consumers;
      const auto& near = rival[static_cast<std::size_t>(i)];
      double best = 0;  // the outside option
      for (std::size_t k = 0; k < near.size(); ++k)
        best = std::max(best, u[k] = v - p[static_cast<std::size_t>(near[k])] - t * distance(x, firmAt[static_cast<std::size_t>(near[k])]));
      double total = std::exp(-best / mu);
      for (std::size_t k = 0; k < near.size(); ++k) total += u[k] = std::exp((u[k] - best) / mu);
      for (std::size_t k = 0; k < near.size(); ++k) q[static_cast<std::size_t>(near[k])] += u[k] / total;
    }
    for (double& x : q) x /= consumers;
    return q;
  }
  /// Damped best-response iteration from prices at cost plus t/n until prices move < 1e-9.
  std::vector<double> equilibrium() const {
    const std::size_t n = firmAt.size();
    std::vector<double> p(n);
    for (std::size_t j = 0; j < n; ++j) p[j] = cost[j] + t / static_cast<double>(n);
    for (int round = 0; round < 300; ++round) {
      std::vector<double> next = p;
      double moved = 0;
      for (std::size_t j = 0; j < n; ++j) {
        auto profit = [&](double x) {
          std::vector<double> trial = p;
          trial[j] = x;
          return (x - cost[j]) * demand(trial)[j];
        };
        const double br = models::maximizeScanned(profit, cost[j], cost[j] + v + t, 24, 1e-12).first;
        next[j] = 0.5 * p[j] + 0.5 * br;
        moved = std::max(moved, std::fabs(next[j] - p[j]));
      }
      p = next;
      if (moved < 1e-9) break;
    }
    return p;
  }
};

Market salop(int n, double t, double v, double c, int consumers) {
  Market m{true, t, v, {}, std::vector<double>(static_cast<std::size_t>(n), c), consumers, {}};
  for (int j = 0; j < n; ++j) m.firmAt.push_back((j + 0.5) / n);
  m.prepare();
  return m;
}

}  // namespace

void spatialCoverage(io::Reader& r, std::vector<Row>& rows) {
  const int n = static_cast<int>(r.integer("n", 5, 1, 50));
  const double t = r.number("t", 1, 1e-9, 1e9), c = r.number("c", 0, 0, 1e9);
  const std::vector<double> values = r.numbers("v", 0, 1e9);
  const double fixedCost = r.number("entry_cost", 0.015, 1e-9, 1e9);
  const int consumers = static_cast<int>(r.integer("consumers", 4000, 100, 1'000'000));
  const double tol = r.number("tolerance", 1e-3, 1e-9, 1);  // VALIDATION.md: damped iteration to 1e-3
  const std::vector<double> hotellingCosts = r.numbers("hotelling_costs", 0, 1e9);
  const double hotellingT = r.number("hotelling_t", 1, 1e-9, 1e9);
  r.finish();
  if (hotellingCosts.size() != 2) r.fail("hotelling_costs", "expected two costs [c1, c2]");
  // the fuzz target (steady_state.hpp): the equilibria below take seconds even at 100 consumers
  if (parseOnly()) return;
  const double nn = n;
  for (double v : values) {
    const Market m = salop(n, t, v, c, consumers);
    const std::vector<double> p = m.equilibrium();
    const std::vector<double> q = m.demand(p);
    const double coverage = std::accumulate(q.begin(), q.end(), 0.0);
    // the regime follows from the parameters, as in the paper
    double pPub, coverPub;
    std::string regime;
    if (v - c <= t / nn) {
      regime = "local monopoly", pPub = (v + c) / 2, coverPub = nn * (v - c) / t;
    } else if (v - c < 1.5 * t / nn) {
      regime = "kinked", pPub = v - t / (2 * nn), coverPub = 1;
    } else {
      regime = "competitive", pPub = c + t / nn, coverPub = 1;
    }
    const std::string variant = "salop v=" + num(v) + " " + regime;
    rows.push_back({variant, "price", pPub, p[0], tol});
    rows.push_back({variant, "coverage", coverPub, coverage, tol});
    if (regime == "competitive") rows.push_back({variant, "profit per firm", t / (nn * nn), (p[0] - c) * q[0], tol});
  }
  // free entry: firms enter (competitive regime) while the equilibrium profit covers the fixed cost
  const double rich = c + 10 * t;  // a valuation high enough for full coverage at any n
  int entered = 0;
  for (int k = 1; k <= 200; ++k) {
    const Market m = salop(k, t, rich, c, consumers);
    const std::vector<double> p = m.equilibrium();
    if ((p[0] - c) * m.demand(p)[0] < fixedCost) break;
    entered = k;
  }
  const double nStar = std::sqrt(t / fixedCost);
  rows.push_back({"free entry F=" + num(fixedCost), "firms (integer part of sqrt(t/F))", std::floor(nStar), static_cast<double>(entered), 0});
  // the planner minimises entry costs plus consumers' simulated travel costs
  int planned = 1;
  double bestCost = 1e300;
  for (int k = 1; k <= 4 * entered + 4; ++k) {
    double travel = 0;
    for (int i = 0; i < consumers; ++i) {
      const double x = (i + 0.5) / consumers;
      double nearest = 1;
      for (int j = 0; j < k; ++j) nearest = std::min(nearest, std::min(std::fabs(x - (j + 0.5) / k), 1 - std::fabs(x - (j + 0.5) / k)));
      travel += t * nearest / consumers;
    }
    if (k * fixedCost + travel < bestCost) bestCost = k * fixedCost + travel, planned = k;
  }
  const double social = 0.5 * nStar;
  rows.push_back({"social optimum", "firms (sqrt(t/F)/2, integer)", social, static_cast<double>(planned), 0.5 / social});
  // Hotelling: firms at the ends of the line
  Market h{false, hotellingT, hotellingCosts[0] + hotellingCosts[1] + 10 * hotellingT, {0.0, 1.0}, hotellingCosts, consumers, {}};
  h.prepare();
  const std::vector<double> p = h.equilibrium();
  const std::vector<double> q = h.demand(p);
  for (std::size_t i = 0; i < 2; ++i) {
    const double ci = hotellingCosts[i], cj = hotellingCosts[1 - i];
    const std::string k = std::to_string(i + 1);
    rows.push_back({"hotelling", "price " + k, hotellingT + (2 * ci + cj) / 3, p[i], tol});
    rows.push_back({"hotelling", "share " + k, 0.5 + (cj - ci) / (6 * hotellingT), q[i], tol});
  }
}

}  // namespace chan::validation
