#pragma once
// One-dimensional maximisation used by best-response pricing.
#include <algorithm>
#include <cmath>
#include <utility>

namespace chan::models {

/// Brent's method (golden section with parabolic steps; Brent 1973, "Algorithms for
/// Minimization without Derivatives", ch. 5) maximising f on [lo, hi]. Converges to a local
/// maximum to within tol * |x| + 1e-12; returns {x, f(x)}.
template <class F>
std::pair<double, double> maximizeBrent(F&& f, double lo, double hi, double tol) {
  constexpr double kGolden = 0.3819660112501051;  // (3 - sqrt 5) / 2
  double a = lo, b = hi;
  double x = a + kGolden * (b - a), w = x, v = x;
  double fx = -f(x), fw = fx, fv = fx;  // minimise -f
  double d = 0, e = 0;
  for (int iter = 0; iter < 200; ++iter) {
    const double mid = 0.5 * (a + b);
    const double tol1 = tol * std::fabs(x) + 1e-12, tol2 = 2 * tol1;
    if (std::fabs(x - mid) <= tol2 - 0.5 * (b - a)) break;
    bool golden = true;
    if (std::fabs(e) > tol1) {  // try a parabola through x, w, v
      double r = (x - w) * (fx - fv), q = (x - v) * (fx - fw), p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      q = std::fabs(q);
      const double eOld = e;
      e = d;
      if (std::fabs(p) < std::fabs(0.5 * q * eOld) && p > q * (a - x) && p < q * (b - x)) {
        d = p / q;
        const double u = x + d;
        if (u - a < tol2 || b - u < tol2) d = x < mid ? tol1 : -tol1;
        golden = false;
      }
    }
    if (golden) {
      e = (x < mid ? b : a) - x;
      d = kGolden * e;
    }
    const double u = std::fabs(d) >= tol1 ? x + d : x + (d > 0 ? tol1 : -tol1);
    const double fu = -f(u);
    if (fu <= fx) {
      (u < x ? b : a) = x;
      v = w, fv = fw, w = x, fw = fx, x = u, fx = fu;
    } else {
      (u < x ? a : b) = u;
      if (fu <= fw || w == x) {
        v = w, fv = fw, w = u, fw = fu;
      } else if (fu <= fv || v == x || v == w) {
        v = u, fv = fu;
      }
    }
  }
  return {x, -fx};
}

/// Newton steps on central differences, from a point Brent has already brought close.
/// Brent's answer depends on its iteration path, so a maximum found by nested optimisers
/// (a tier probing the best responses of the tiers below) would be noisy; polishing makes the
/// answer a smooth function of the problem, accurate to rounding, at three evaluations a step.
template <class F>
double polishNewton(F&& f, double x, double lo, double hi, int steps = 2) {
  // h trades truncation (h^2 f''') against rounding amplified by 1/h at each nesting level
  const double h = 1e-3 * std::max(1.0, std::fabs(x));
  for (int k = 0; k < steps; ++k) {
    if (x - h < lo || x + h > hi) break;  // a corner solution: nothing to polish
    const double fm = f(x - h), f0 = f(x), fp = f(x + h);
    const double slope = (fp - fm) / (2 * h), curvature = (fp - 2 * f0 + fm) / (h * h);
    if (!(curvature < 0)) break;
    const double step = -slope / curvature;
    if (std::fabs(step) > 10 * h) break;  // not in the quadratic basin: keep Brent's answer
    // at a kink the differences straddle it and the step leaves the maximum: keep Brent's
    // answer unless the step does not lose (a margin above evaluation noise of nested probes)
    if (f(x + step) < f0 - 1e-9 * std::fabs(f0)) break;
    x += step;
  }
  return x;
}

/// Point k of maximizeScanned's scan of `points` evenly spaced prices on [lo, hi] (points >= 3),
/// for a caller that evaluates the scan in one batch before the search asks for it.
inline double scanPoint(double lo, double hi, int points, int k) {
  const double step = (hi - lo) / (points - 1);
  return k >= points - 1 ? hi : lo + k * step;  // never past hi by rounding
}

/// Scans `points` evenly spaced prices on [lo, hi] for the best, then refines with Brent on
/// the neighbouring interval: guards against local maxima when demand is not concave.
/// The result is Newton-polished (see polishNewton).
template <class F>
std::pair<double, double> maximizeScanned(F&& f, double lo, double hi, int points, double tol) {
  double a = lo, b = hi, xbest = lo, fbest = -HUGE_VAL;
  if (points >= 3) {
    auto point = [&](int k) { return scanPoint(lo, hi, points, k); };
    int best = 0;
    for (int k = 0; k < points; ++k) {
      const double fk = f(point(k));
      if (fk > fbest) best = k, fbest = fk;
    }
    xbest = point(best);
    a = point(std::max(0, best - 1)), b = point(std::min(points - 1, best + 1));
  }
  auto [x, fx] = maximizeBrent(f, a, b, tol);
  if (fx < fbest) return {xbest, fbest};
  x = polishNewton(f, x, lo, hi);
  return {x, f(x)};
}

}  // namespace chan::models
