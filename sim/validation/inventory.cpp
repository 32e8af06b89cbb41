// Case 8: inventory and contracts. A newsvendor that learns its order from observed demand
// (Arrow, Harris & Marschak 1951), base-stock and (s,S) stock points simulated period by period
// (Zipkin 2000, "Foundations of Inventory Management", ch. 6-7), and the supply contracts of
// Cachon (2003, "Supply chain coordination with contracts", Handbooks in OR/MS 11): wholesale
// price, buyback and revenue sharing.
#include <cmath>

#include "models/inventory_policy.hpp"
#include "models/optimize.hpp"
#include "sim/core/rng.hpp"
#include "sim/validation/cases.hpp"
#include "sim/validation/steady_state.hpp"

namespace chan::validation {
namespace {

// ---- published side: distributions and closed forms -------------------------------------

double normalPdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI); }
double normalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
/// Inverse normal CDF: Acklam's rational approximation refined by one Halley step (~1e-15).
double normalQuantile(double p) {
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                             1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  double z;
  if (p < 0.02425) {
    const double q = std::sqrt(-2 * std::log(p));
    z = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p > 1 - 0.02425) {
    const double q = std::sqrt(-2 * std::log1p(-p));
    z = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else {
    const double q = p - 0.5, r = q * q;
    z = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  const double e = normalCdf(z) - p, u = e * std::sqrt(2 * M_PI) * std::exp(z * z / 2);
  return z - u / (1 + z * u / 2);
}

/// Poisson(mean) probabilities up to where the tail is negligible.
std::vector<double> poissonPmf(double mean) {
  std::vector<double> pmf{std::exp(-mean)};
  for (int k = 1; k < 60 + 4 * mean; ++k) pmf.push_back(pmf.back() * mean / k);
  return pmf;
}
double expectedExcess(const std::vector<double>& pmf, double level) {  // E[(X - level)+]
  double e = 0;
  for (std::size_t k = 0; k < pmf.size(); ++k) e += pmf[k] * std::max(0.0, static_cast<double>(k) - level);
  return e;
}

/// Exact (s,S) figures (base stock: s = S - 1) from the stationary distribution of the
/// inventory position after ordering, solved by power iteration.
models::StockStats exactStock(double lambda, int lead, int s, int S) {
  const std::vector<double> d = poissonPmf(lambda), x = poissonPmf(lambda * (lead + 1)), y = poissonPmf(lambda * lead);
  const int n = S - s;  // states s+1..S
  std::vector<double> pi(static_cast<std::size_t>(n), 1.0 / n);
  for (int it = 0; it < 100000; ++it) {
    std::vector<double> next(static_cast<std::size_t>(n), 0.0);
    for (int i = 0; i < n; ++i) {
      const int level = s + 1 + i;
      for (std::size_t k = 0; k < d.size(); ++k) {
        const int to = level - static_cast<int>(k);
        next[static_cast<std::size_t>(to > s ? to - s - 1 : n - 1)] += pi[static_cast<std::size_t>(i)] * d[k];
      }
    }
    double moved = 0;
    for (int i = 0; i < n; ++i) moved += std::fabs(next[static_cast<std::size_t>(i)] - pi[static_cast<std::size_t>(i)]);
    pi = next;
    if (moved < 1e-15) break;
  }
  models::StockStats st;
  for (int i = 0; i < n; ++i) {
    const double p = pi[static_cast<std::size_t>(i)], level = s + 1 + i;
    double below = 0;  // P(X <= level)
    for (std::size_t k = 0; k < x.size() && k <= static_cast<std::size_t>(level); ++k) below += x[k];
    double reorder = 0;  // P(one period's demand takes the position to s or below)
    for (std::size_t k = static_cast<std::size_t>(level - s); k < d.size(); ++k) reorder += d[k];
    const double excess = expectedExcess(x, level);
    st.readyRate += p * below;
    st.backorders += p * excess;
    st.onHand += p * (level - lambda * (lead + 1) + excess);
    st.fillRate += p * (excess - expectedExcess(y, level));
    st.orderFrequency += p * reorder;
  }
  st.fillRate = 1 - st.fillRate / lambda;
  return st;
}

// ---- simulated side ------------------------------------------------------------------------

double poissonDraw(Stream& rng, double mean) {  // inversion by sequential search
  double u = rng.uniform(), p = std::exp(-mean), cdf = p;
  int k = 0;
  while (u > cdf && k < 10000) p *= mean / ++k, cdf += p;
  return k;
}

/// n demand observations by jittered stratified sampling (one uniform draw inside each of n
/// equal probability strata, mapped through the quantile function): a Monte Carlo sample whose
/// empirical distribution is within 1/n of the true one, so that agents optimising over it
/// (the newsvendor, and the manufacturer anticipating it) are not thrown off by sampling noise.
std::vector<double> stratifiedDraws(std::size_t n, const std::function<double(double)>& quantile, std::uint64_t seed,
                                    std::uint64_t stream) {
  Stream rng(seed, 0, 0, StreamPurpose::Shopping, stream);
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = quantile((static_cast<double>(i) + rng.uniform()) / static_cast<double>(n));
  return v;
}

void stockRows(const std::string& variant, const models::StockStats& pub, const models::StockStats& sim,
               double rateTol, double levelTol, bool withOrders, std::vector<Row>& rows) {
  // rates: absolute tolerance (VALIDATION.md: +-0.005), written as relative to the published rate
  rows.push_back({variant, "ready rate", pub.readyRate, sim.readyRate, rateTol / pub.readyRate});
  rows.push_back({variant, "fill rate", pub.fillRate, sim.fillRate, rateTol / pub.fillRate});
  rows.push_back({variant, "mean backorders", pub.backorders, sim.backorders, levelTol});
  rows.push_back({variant, "mean on hand", pub.onHand, sim.onHand, levelTol});
  if (withOrders) rows.push_back({variant, "order frequency", pub.orderFrequency, sim.orderFrequency, rateTol / pub.orderFrequency});
}

}  // namespace

void inventoryContracts(io::Reader& r, std::vector<Row>& rows) {
  const auto seed = static_cast<std::uint64_t>(r.integer("seed", 1, 0, 1'000'000'000));
  auto samples = static_cast<std::size_t>(r.integer("samples", 1'000'000, 1000, 50'000'000));
  long periods = static_cast<long>(r.integer("periods", 1'000'000, 1000, 100'000'000));
  if (parseOnly()) samples = 1000, periods = 1000;  // the fuzz target (steady_state.hpp)
  const double mcTol = r.number("tolerance", 0.005, 1e-6, 1);
  const double rateTol = r.number("rate_tolerance", 0.005, 1e-6, 1);
  const double levelTol = r.number("level_tolerance", 0.02, 1e-6, 1);
  // the manufacturer's profit is flat in w at its optimum, so sampling noise moves the w it picks
  // (and what follows from w) more than it moves anything else
  const double leaderTol = r.number("leader_tolerance", 0.005, 1e-6, 1);

  // newsvendor with normal demand
  io::Reader nv = r.map("newsvendor");
  const double mu = nv.number("mu", 0, 1e9), sd = nv.number("sd", 1e-9, 1e9);
  const double p = nv.number("price", 1e-9, 1e9), c = nv.number("cost", 0, 1e9), sv = nv.number("salvage", 0, 1e9);
  nv.finish();
  if (!(sv < c && c < p)) r.fail("newsvendor", "needs salvage < cost < price");
  {
    const auto normal = [&](double u) { return mu + sd * normalQuantile(u); };
    const models::SampleAverageNewsvendor learner(stratifiedDraws(samples, normal, seed, 1));
    const double q = learner.bestOrder(p, c, sv);
    const models::SampleAverageNewsvendor season(stratifiedDraws(samples, normal, seed, 2));  // demand it then meets
    const double sales = season.meanSales(q);
    const double z = normalQuantile((p - c) / (p - sv));
    const double qPub = mu + z * sd, salesPub = mu - sd * (normalPdf(z) - z * (1 - normalCdf(z)));
    rows.push_back({"newsvendor", "order quantity", qPub, q, mcTol});
    rows.push_back({"newsvendor", "expected sales", salesPub, sales, mcTol});
    rows.push_back({"newsvendor", "expected profit", p * salesPub + sv * (qPub - salesPub) - c * qPub,
                    p * sales + sv * (q - sales) - c * q, mcTol});
    rows.push_back({"newsvendor", "fill rate", salesPub / mu, sales / mu, mcTol});
  }

  // base stock and (s,S) with Poisson demand and backorders
  io::Reader bs = r.map("base_stock");
  const double lambda = bs.number("lambda", 1e-6, 1000);
  const int lead = static_cast<int>(bs.integer("lead", 0, 1000)), S = static_cast<int>(bs.integer("S", 0, 100000));
  bs.finish();
  io::Reader ss = r.map("s_S");
  const double lambda2 = ss.number("lambda", 1e-6, 1000);
  const int lead2 = static_cast<int>(ss.integer("lead", 0, 1000));
  const int sLow = static_cast<int>(ss.integer("s", -1000, 100000)), sHigh = static_cast<int>(ss.integer("S", 0, 100000));
  ss.finish();
  if (sHigh <= sLow) r.fail("s_S", "needs S > s");
  for (const auto& [variant, l, L, low, high] :
       {std::tuple{std::string("base stock"), lambda, lead, S - 1, S}, std::tuple{std::string("(s,S)"), lambda2, lead2, sLow, sHigh}}) {
    Stream rng(seed, 0, 0, StreamPurpose::Shopping, variant == "base stock" ? 3 : 4);
    const double mean = l;
    const models::StockStats sim = models::simulateStock({static_cast<double>(low), static_cast<double>(high), L},
                                                         [&] { return poissonDraw(rng, mean); }, periods);
    stockRows(variant, exactStock(l, L, low, high), sim, rateTol, levelTol, variant != "base stock", rows);
  }

  // contracts: uniform demand U[0, A]; the manufacturer (cost c) picks the wholesale price
  // anticipating the retailer's learned order; buyback and revenue sharing at given terms
  io::Reader ct = r.map("contracts");
  const double A = ct.number("demand_max", 1e-6, 1e9), price = ct.number("price", 1e-9, 1e9), cost = ct.number("cost", 0, 1e9);
  const double bw = ct.number("buyback_wholesale", 0, 1e9), bb = ct.number("buyback_price", 0, 1e9);
  const double share = ct.number("revenue_share", 1e-9, 1), sw = ct.number("share_wholesale", 0, 1e9);
  ct.finish();
  r.finish();
  if (!(cost < price) || !(bb < bw && bw < price) || !(sw < share * price)) r.fail("contracts", "terms leave no margin");
  const auto uniform = [&](double u) { return A * u; };
  const models::SampleAverageNewsvendor retailer(stratifiedDraws(samples, uniform, seed, 5));
  const models::SampleAverageNewsvendor season(stratifiedDraws(samples, uniform, seed, 6));
  auto pubSales = [&](double q) { return q - q * q / (2 * A); };  // E[min(D, q)] for U[0, A]
  // retailUnit: what the retailer keeps per unit sold (the manufacturer gets price - retailUnit)
  auto retailerProfit = [&](double q, double sales, double retailUnit, double wholesale, double buyback) {
    return retailUnit * sales + buyback * (q - sales) - wholesale * q;
  };
  auto makerProfit = [&](double q, double sales, double retailUnit, double wholesale, double buyback) {
    return (wholesale - cost) * q - buyback * (q - sales) + (price - retailUnit) * sales;
  };
  auto contractRows = [&](const std::string& v, double q, double qPub, double retailUnit, double wholesale,
                          double wholesalePub, double buyback, double tol) {
    const double s = season.meanSales(q), sp = pubSales(qPub);
    rows.push_back({v, "order", qPub, q, tol});
    rows.push_back({v, "retailer profit", retailerProfit(qPub, sp, retailUnit, wholesalePub, buyback),
                    retailerProfit(q, s, retailUnit, wholesale, buyback), tol});
    rows.push_back({v, "manufacturer profit", makerProfit(qPub, sp, retailUnit, wholesalePub, buyback),
                    makerProfit(q, s, retailUnit, wholesale, buyback), tol});
  };
  const double w = models::maximizeScanned([&](double x) { return (x - cost) * retailer.bestOrder(price, x, 0); },
                                           cost, price, 64, 1e-10).first;
  const double wPub = (price + cost) / 2;
  rows.push_back({"wholesale only", "wholesale price", wPub, w, leaderTol});
  contractRows("wholesale only", retailer.bestOrder(price, w, 0), A * (1 - wPub / price), price, w, wPub, 0, leaderTol);
  const double qInt = retailer.bestOrder(price, cost, 0);
  rows.push_back({"integrated", "order", A * (1 - cost / price), qInt, mcTol});
  rows.push_back({"integrated", "channel profit", price * pubSales(A * (1 - cost / price)) - cost * A * (1 - cost / price),
                  price * season.meanSales(qInt) - cost * qInt, mcTol});
  contractRows("buyback", retailer.bestOrder(price, bw, bb), A * (price - bw) / (price - bb), price, bw, bw, bb, mcTol);
  contractRows("revenue sharing", retailer.bestOrder(share * price, sw, 0), A * (share * price - sw) / (share * price),
               share * price, sw, sw, 0, mcTol);
}

}  // namespace chan::validation
