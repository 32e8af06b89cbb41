#include "sim/sweep/stats.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace chan::sweep {
namespace {

// Continued fraction of the incomplete beta function, modified Lentz's method
// (Numerical Recipes 3rd ed., 6.4).
double betaFraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300, kEps = 1e-16;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const double m2 = 2.0 * m;
    for (const double coefficient :
         {m * (b - m) * x / ((a + m2 - 1) * (a + m2)), -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))}) {
      d = 1 + coefficient * d;
      if (std::fabs(d) < kTiny) d = kTiny;
      c = 1 + coefficient / c;
      if (std::fabs(c) < kTiny) c = kTiny;
      d = 1 / d;
      h *= d * c;
    }
    if (std::fabs(d * c - 1) < kEps) break;
  }
  return h;
}

// Regularised incomplete beta function I_x(a, b).
double incompleteBeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double front =
      std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
  // the fraction converges fast only below the mean; use the symmetry I_x(a,b) = 1 - I_{1-x}(b,a)
  if (x < (a + 1) / (a + b + 2)) return front * betaFraction(a, b, x) / a;
  return 1 - front * betaFraction(b, a, 1 - x) / b;
}

double studentCdf(double t, double dof) {
  const double tail = 0.5 * incompleteBeta(dof / 2, 0.5, dof / (dof + t * t));
  return t >= 0 ? 1 - tail : tail;
}

}  // namespace

double studentQuantile(double p, double dof) {
  if (!(p > 0 && p < 1) || !(dof > 0)) throw std::invalid_argument("studentQuantile: need 0 < p < 1 and dof > 0");
  if (p < 0.5) return -studentQuantile(1 - p, dof);
  double lo = 0, hi = 1;
  while (studentCdf(hi, dof) < p) hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; ++i) {  // bisection: the CDF is monotone
    const double mid = (lo + hi) / 2;
    (studentCdf(mid, dof) < p ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

Interval meanInterval(const std::vector<double>& values) {
  const double n = static_cast<double>(values.size());
  Interval out;
  for (double v : values) out.mean += v;
  out.mean /= n;
  if (values.size() < 2) {
    out.sd = out.low = out.high = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  double squares = 0;
  for (double v : values) squares += (v - out.mean) * (v - out.mean);
  out.sd = std::sqrt(squares / (n - 1));
  const double half = studentQuantile(0.975, n - 1) * out.sd / std::sqrt(n);
  out.low = out.mean - half;
  out.high = out.mean + half;
  return out;
}

}  // namespace chan::sweep
