// Case 4: competing resellers. Cournot (equal and unequal costs), a manufacturer selling to n
// Cournot retailers, differentiated Bertrand, and a binding price floor. Each reseller picks
// its quantity or price by numerical best response to the others' current choices; the
// market settles by damped best-response iteration (Jacobi with weight 1/2, which converges
// where undamped Cournot dynamics with three or more firms cycle).
#include <algorithm>
#include <numeric>

#include "models/optimize.hpp"
#include "sim/validation/cases.hpp"

namespace chan::validation {
namespace {

constexpr double kSearchTol = 1e-12;

/// Damped simultaneous best responses until no choice moves by more than 1e-13 (relative).
template <class BestResponse>
std::vector<double> settle(std::vector<double> x, const BestResponse& br) {
  for (int round = 0; round < 10000; ++round) {
    std::vector<double> next(x.size());
    double moved = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      next[i] = 0.5 * x[i] + 0.5 * br(i, x);
      moved = std::max(moved, std::fabs(next[i] - x[i]) / std::max(1.0, std::fabs(next[i])));
    }
    x = next;
    if (moved < 1e-13) break;
  }
  return x;
}

/// Cournot quantities for inverse demand P = a - b Q and unit costs c_i.
std::vector<double> cournot(double a, double b, const std::vector<double>& cost) {
  auto br = [&](std::size_t i, const std::vector<double>& q) {
    const double others = std::accumulate(q.begin(), q.end(), 0.0) - q[i];
    auto profit = [&](double qi) { return (a - b * (qi + others) - cost[i]) * qi; };
    return models::maximizeScanned(profit, 0.0, a / b, 0, kSearchTol).first;
  };
  return settle(std::vector<double>(cost.size(), 0.0), br);
}

void cournotRows(const std::string& variant, double a, double b, const std::vector<double>& cost,
                 std::vector<Row>& rows) {
  const std::vector<double> q = cournot(a, b, cost);
  const double n = static_cast<double>(cost.size());
  const double sumCost = std::accumulate(cost.begin(), cost.end(), 0.0);
  const double price = a - b * std::accumulate(q.begin(), q.end(), 0.0);
  rows.push_back({variant, "price", (a + sumCost) / (n + 1), price, kIterativeTol});
  for (std::size_t i = 0; i < q.size(); ++i) {
    const double published = (a - (n + 1) * cost[i] + sumCost) / (b * (n + 1));
    rows.push_back({variant, "quantity " + std::to_string(i + 1), published, q[i], kIterativeTol});
    rows.push_back({variant, "profit " + std::to_string(i + 1), b * published * published,
                    (price - cost[i]) * q[i], kIterativeTol});
  }
}

}  // namespace

void competingResellers(io::Reader& r, std::vector<Row>& rows) {
  const double a = r.number("a", 100, 1e-9, 1e9), b = r.number("b", 1, 1e-9, 1e9), c = r.number("c", 10, 0, 1e9);
  const int n = static_cast<int>(r.integer("n", 3, 1, 50));
  const std::vector<double> costs = r.numbers("costs", 0, 1e9);
  const double alpha = r.number("alpha", 100, 1e-9, 1e9), beta = r.number("beta", 2, 1e-9, 1e9);
  const double gamma = r.number("gamma", 0.5, 0, 1e9), floor = r.number("floor", 45, 0, 1e9);
  r.finish();
  if (c >= a) r.fail("c", "must lie below a");
  for (double ci : costs)
    if ((a - (costs.size() + 1.0) * ci + std::accumulate(costs.begin(), costs.end(), 0.0)) <= 0)
      r.fail("costs", "every firm must produce in equilibrium (a - (n+1) c_i + sum c > 0)");
  if (2 * beta <= gamma * (n - 1)) r.fail("gamma", "needs 2 beta > gamma (n - 1) for a price equilibrium");

  const std::string cn = "cournot n=" + std::to_string(n);
  cournotRows(cn, a, b, std::vector<double>(static_cast<std::size_t>(n), c), rows);
  cournotRows("cournot costs", a, b, costs, rows);

  // manufacturer (cost c) sets w anticipating the retailers' Cournot equilibrium at cost w
  auto retailQuantity = [&](double w) {
    const auto q = cournot(a, b, std::vector<double>(static_cast<std::size_t>(n), w));
    return std::accumulate(q.begin(), q.end(), 0.0);
  };
  const double w = models::maximizeScanned([&](double x) { return (x - c) * retailQuantity(x); }, c, a, 0, kSearchTol).first;
  const double bigQ = retailQuantity(w);
  const double nn = n;
  const double wPub = (a + c) / 2, qPub = nn * (a - wPub) / (b * (nn + 1));
  const std::string mv = "maker + " + std::to_string(n) + " cournot";
  rows.push_back({mv, "wholesale price", wPub, w, kIterativeTol});
  rows.push_back({mv, "total quantity", qPub, bigQ, kIterativeTol});
  rows.push_back({mv, "retail price", a - b * qPub, a - b * bigQ, kIterativeTol});
  rows.push_back({mv, "maker profit", (wPub - c) * qPub, (w - c) * bigQ, kIterativeTol});
  rows.push_back({mv, "retailer profit", b * (qPub / nn) * (qPub / nn), (a - b * bigQ - w) * bigQ / nn, kIterativeTol});

  // differentiated Bertrand: q_i = alpha - beta p_i + gamma sum_{j != i} p_j, optionally floored
  auto bertrand = [&](double lowest) {
    auto br = [&](std::size_t i, const std::vector<double>& p) {
      const double others = std::accumulate(p.begin(), p.end(), 0.0) - p[i];
      auto profit = [&](double pi) { return (pi - c) * (alpha - beta * pi + gamma * others); };
      const double hi = std::max(lowest, c) + (alpha + gamma * others) / beta;
      return models::maximizeScanned(profit, std::max(lowest, c), hi, 0, kSearchTol).first;
    };
    return settle(std::vector<double>(static_cast<std::size_t>(n), std::max(c, lowest)), br);
  };
  const double pStar = (alpha + beta * c) / (2 * beta - gamma * (n - 1));
  for (const auto& [variant, lowest] : {std::pair{std::string("bertrand"), 0.0}, std::pair{std::string("price floor"), floor}}) {
    const std::vector<double> p = bertrand(lowest);
    const double pPub = std::max(pStar, lowest);
    const double qPub = alpha - beta * pPub + gamma * (n - 1) * pPub;
    const double q1 = alpha - beta * p[0] + gamma * (std::accumulate(p.begin(), p.end(), 0.0) - p[0]);
    rows.push_back({variant, "price", pPub, p[0], kIterativeTol});
    rows.push_back({variant, "quantity", qPub, q1, kIterativeTol});
    rows.push_back({variant, "profit", (pPub - c) * qPub, (p[0] - c) * q1, kIterativeTol});
  }
}

}  // namespace chan::validation
