// Case 3: the bullwhip effect (Chen, Drezner, Ryan & Simchi-Levi 2000, Management Science
// 46(3)). AR(1) consumer demand feeds stages that forecast (moving average or exponential
// smoothing) and order up to L x forecast; the variance of orders over the variance of demand
// is measured over many simulated periods and set beside the paper's expression.
#include <cmath>

#include "models/forecast.hpp"
#include "sim/core/rng.hpp"
#include "sim/validation/cases.hpp"
#include "sim/validation/steady_state.hpp"

namespace chan::validation {
namespace {

/// Running variance (Welford), numerically stable over millions of periods.
struct Variance {
  double n = 0, mean = 0, m2 = 0;
  void add(double x) {
    n += 1;
    const double d = x - mean;
    mean += d / n;
    m2 += d * (x - mean);
  }
  double value() const { return m2 / (n - 1); }
};

struct DemandProcess {
  double mu, rho, sd, last;
  Stream rng;
  DemandProcess(double mu_, double rho_, double sd_, std::uint64_t seed)
      : mu(mu_), rho(rho_), sd(sd_), last(mu_ / (1 - rho_)), rng(seed, 0, 0, StreamPurpose::Shopping, 0xB011) {}
  double next() { return last = mu + rho * last + sd * rng.normal(); }
};

constexpr int kWarmUp = 1000;

/// Var(orders of each stage) / Var(demand) for a chain of stages.
template <class MakeForecaster>
std::vector<double> varianceRatios(double rho, const std::vector<double>& leads, bool shared, long periods,
                                   double mu, double sd, std::uint64_t seed, MakeForecaster make) {
  using Stage = models::OrderUpToStage<decltype(make())>;
  std::vector<Stage> stages;
  for (double L : leads) stages.emplace_back(L, make());
  DemandProcess demand(mu, rho, sd, seed);
  Variance dv;
  std::vector<Variance> qv(leads.size());
  for (long t = 0; t < periods + kWarmUp; ++t) {
    const double d = demand.next();
    double incoming = d;
    for (std::size_t k = 0; k < stages.size(); ++k) {
      incoming = stages[k].order(shared ? d : incoming, incoming);
      if (t >= kWarmUp) qv[k].add(incoming);
    }
    if (t >= kWarmUp) dv.add(d);
  }
  std::vector<double> ratios;
  for (const auto& v : qv) ratios.push_back(v.value() / dv.value());
  return ratios;
}

double movingAverageBound(double rho, double L, double p) {
  return 1 + (2 * L / p + 2 * L * L / (p * p)) * (1 - std::pow(rho, p));
}

std::string fmt(double x) { return num(x); }

/// One moving-average order-up-to stage as a linear filter of its input (lags 0..p):
/// q_t = x_t + (L/p)(x_t - x_{t-p}), up to a common delay that leaves variances unchanged.
std::vector<double> stageFilter(double L, int p) {
  std::vector<double> g(static_cast<std::size_t>(p) + 1, 0.0);
  g[0] = 1 + L / p;
  g[static_cast<std::size_t>(p)] = -L / p;
  return g;
}

std::vector<double> convolve(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> c(a.size() + b.size() - 1, 0.0);
  for (std::size_t i = 0; i < a.size(); ++i)
    for (std::size_t j = 0; j < b.size(); ++j) c[i + j] += a[i] * b[j];
  return c;
}

/// Var(sum g_i D_{t-i}) / Var(D) for AR(1) demand: sum_ij g_i g_j rho^|i-j|.
double filteredVarianceRatio(const std::vector<double>& g, double rho) {
  double v = 0;
  for (std::size_t i = 0; i < g.size(); ++i)
    for (std::size_t j = 0; j < g.size(); ++j)
      v += g[i] * g[j] * std::pow(rho, static_cast<double>(i > j ? i - j : j - i));
  return v;
}

}  // namespace

void bullwhip(io::Reader& r, std::vector<Row>& rows) {
  const double mu = r.number("mu", 100, 0, 1e9), sd = r.number("sd", 1, 1e-9, 1e9);
  long periods = static_cast<long>(r.integer("periods", 1'000'000, 10'000, 100'000'000));
  if (parseOnly()) periods = 10'000;  // the fuzz target (steady_state.hpp)
  const auto seed = static_cast<std::uint64_t>(r.integer("seed", 1, 0, 1'000'000'000));
  const double tol = r.number("tolerance", 0.015, 1e-6, 1);  // VALIDATION.md: +-1.5% at >= 1e6 periods
  std::vector<Row> out;
  for (io::Reader& c : r.list("moving_average")) {
    const double rho = c.number("rho", -0.99, 0.99), L = c.number("lead", 0, 1000);
    const int p = static_cast<int>(c.integer("window", 1, 10000));
    c.finish();
    const auto ratio = varianceRatios(rho, {L}, false, periods, mu, sd, seed,
                                      [&] { return models::MovingAverage(p); })[0];
    rows.push_back({"MA rho=" + fmt(rho) + " L=" + fmt(L) + " p=" + std::to_string(p), "Var(q)/Var(D)",
                    movingAverageBound(rho, L, p), ratio, tol});
  }
  for (io::Reader& c : r.list("exponential_smoothing")) {
    const double rho = c.number("rho", -0.99, 0.99), a = c.number("alpha", 1e-6, 1), L = c.number("lead", 0, 1000);
    c.finish();
    const double start = mu / (1 - rho);
    const auto ratio = varianceRatios(rho, {L}, false, periods, mu, sd, seed,
                                      [&] { return models::ExponentialSmoothing(a, start); })[0];
    const double k = 1 - (1 - a) * rho;
    const double published = 1 + 2 * L * a * (1 - rho) / k + 2 * L * L * a * a * (1 - rho) / ((2 - a) * k);
    rows.push_back({"ES rho=" + fmt(rho) + " a=" + fmt(a) + " L=" + fmt(L), "Var(q)/Var(D)", published, ratio, tol});
  }
  io::Reader m = r.map("multi_stage");
  const double rho = m.number("rho", -0.99, 0.99);
  const int p = static_cast<int>(m.integer("window", 1, 10000));
  const std::vector<double> leads = m.numbers("leads", 0, 1000);
  m.finish();
  r.finish();
  const auto make = [&] { return models::MovingAverage(p); };
  const auto centralised = varianceRatios(rho, leads, true, periods, mu, sd, seed, make);
  const auto decentralised = varianceRatios(rho, leads, false, periods, mu, sd, seed, make);
  double cumulativeLead = 0;
  std::vector<double> chain{1.0};  // impulse response of the decentralised chain
  for (std::size_t k = 0; k < leads.size(); ++k) {
    cumulativeLead += leads[k];
    chain = convolve(chain, stageFilter(leads[k], p));
    const std::string stage = "stage " + std::to_string(k + 1);
    rows.push_back({"shared demand", stage, movingAverageBound(rho, cumulativeLead, p), centralised[k], tol});
    // own orders: the paper's product of single-stage ratios is only a lower bound; the exact
    // ratio is that of the chain's linear filter applied to AR(1) demand
    rows.push_back({"own orders", stage, filteredVarianceRatio(chain, rho), decentralised[k], tol});
  }
}

}  // namespace chan::validation
