// One-dimensional maximisation (models/optimize.hpp) on functions whose maxima are known in
// closed form.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "models/optimize.hpp"

using chan::models::maximizeBrent;
using chan::models::maximizeScanned;
using chan::models::polishNewton;

namespace {

// 3 - 2 (x - 2)^2: maximum 3 at x = 2
double quadratic(double x) { return 3 - 2 * (x - 2) * (x - 2); }
// x e^-x: f' = (1 - x) e^-x, maximum 1/e at x = 1
double xExp(double x) { return x * std::exp(-x); }
// A wide low peak at 1.5 (height 1) and a narrow high peak at 4.6 (height 1.5, sd 0.05).
// The wide peak's slope at 4.6 is 12.4 exp(-19.2) ~ 6e-8, which moves the global maximum
// by slope / |f''| = 6e-8 / 600 ~ 1e-10: the maximum is 4.6 with value 1.5 to 1e-9.
double bimodal(double x) {
  return std::exp(-(x - 1.5) * (x - 1.5) / 0.5) + 1.5 * std::exp(-(x - 4.6) * (x - 4.6) / 0.005);
}

}  // namespace

TEST_CASE("optimize: Brent finds the vertex of a parabola", "[optimize]") {
  const auto [x, fx] = maximizeBrent(quadratic, 0.0, 5.0, 1e-10);
  // the parabolic step through three points of a parabola lands on the vertex
  CHECK(x == Approx(2.0).margin(1e-8));
  CHECK(fx == Approx(3.0).margin(1e-12));
  CHECK(fx == quadratic(x));  // the returned value is f at the returned point
}

TEST_CASE("optimize: Brent maximises x exp(-x) to its tolerance", "[optimize]") {
  for (double tol : {1e-4, 1e-6}) {
    const auto [x, fx] = maximizeBrent(xExp, 0.0, 10.0, tol);
    // Brent stops when the bracket around x is at most 4 (tol |x| + 1e-12) wide
    CHECK(std::fabs(x - 1.0) <= 4 * (tol * 1.0 + 1e-12));
    // near the top f = 1/e - (x - 1)^2 / (2e): the value error is second order
    CHECK(fx == Approx(std::exp(-1.0)).margin(1e-7));
  }
}

TEST_CASE("optimize: scanning finds the global maximum of a bimodal function", "[optimize]") {
  // 41 points on [0, 5] (step 0.125): the grid point 4.625 is 0.025 from the narrow peak and
  // worth 1.5 exp(-0.125) = 1.32 > 1, the best the wide peak offers, so the scan must pick it
  const auto [x, fx] = maximizeScanned(bimodal, 0.0, 5.0, 41, 1e-10);
  CHECK(x == Approx(4.6).margin(1e-6));
  CHECK(fx == Approx(1.5).margin(1e-9));
  // a finer scan gives the same answer
  const auto fine = maximizeScanned(bimodal, 0.0, 5.0, 201, 1e-10);
  CHECK(fine.first == Approx(4.6).margin(1e-6));
}

TEST_CASE("optimize: scanned maximisation of smooth functions", "[optimize]") {
  const auto q = maximizeScanned(quadratic, 0.0, 5.0, 12, 1e-10);
  CHECK(q.first == Approx(2.0).margin(1e-9));
  CHECK(q.second == Approx(3.0).margin(1e-12));
  // x e^-x: Newton polishing on central differences settles where f(x + h) = f(x - h),
  // i.e. at x = h coth h = 1 + h^2 / 3 + O(h^4) with h = 1e-3 (see the polishNewton test):
  // within 4e-7 of the true maximiser.
  const auto e = maximizeScanned(xExp, 0.0, 10.0, 12, 1e-10);
  CHECK(std::fabs(e.first - 1.0) < 4e-7);
  CHECK(e.second == Approx(std::exp(-1.0)).margin(1e-12));
  // without a grid (points < 3) it is Brent on the whole interval, then polished
  const auto g0 = maximizeScanned(quadratic, 0.0, 5.0, 0, 1e-10);
  CHECK(g0.first == Approx(2.0).margin(1e-9));
}

TEST_CASE("optimize: Newton polishing of a parabola is exact in one step", "[optimize]") {
  // central differences are exact for a quadratic, so one Newton step lands on the vertex
  // (start within the 10 h = 0.02 basin the polisher accepts)
  CHECK(polishNewton(quadratic, 2.015, 0.0, 5.0, 1) == Approx(2.0).margin(1e-10));
  CHECK(polishNewton(quadratic, 1.995, 0.0, 5.0) == Approx(2.0).margin(1e-10));
}

TEST_CASE("optimize: Newton polishing converges to the central-difference stationary point", "[optimize]") {
  // For f = x e^-x and step h the iteration's fixed point solves f(x + h) = f(x - h):
  // (x + h) e^-h = (x - h) e^h  =>  x = h (e^2h + 1) / (e^2h - 1) = h coth h.
  // From x0 = 0.999, h = 1e-3 max(1, |x0|) = 1e-3.
  const double h = 1e-3;
  const double fixedPoint = h / std::tanh(h);
  const double x = polishNewton(xExp, 0.999, 0.0, 10.0, 6);
  CHECK(x == Approx(fixedPoint).margin(1e-11));
  CHECK(std::fabs(x - 1.0) < 4e-7);  // truncation bias h^2 / 3 = 3.3e-7
}

TEST_CASE("optimize: Newton polishing leaves corners, convex points and far starts alone", "[optimize]") {
  // too close to a bound for x +- h to stay inside: a corner, returned unchanged
  CHECK(polishNewton(quadratic, 0.0005, 0.0, 5.0) == 0.0005);
  CHECK(polishNewton(quadratic, 4.999, 0.0, 5.0) == 4.999);
  // curvature >= 0: not a maximum, nothing to polish
  CHECK(polishNewton([](double x) { return x * x; }, 1.0, -5.0, 5.0) == 1.0);
  CHECK(polishNewton([](double x) { return 2 * x; }, 1.0, -5.0, 5.0) == 1.0);
  // from 3.0 the Newton step is -1, more than 10 h = 0.03: outside the basin, kept as is
  CHECK(polishNewton(quadratic, 3.0, 0.0, 5.0) == 3.0);
}

TEST_CASE("optimize: corner solutions land on the bound", "[optimize]") {
  auto increasing = [](double x) { return x; };
  auto decreasing = [](double x) { return -x; };
  // argmax of an increasing function on [lo, hi] is hi; of a decreasing one, lo
  const auto up = maximizeScanned(increasing, 1.0, 4.0, 12, 1e-10);
  CHECK(up.first == 4.0);
  CHECK(up.second == 4.0);
  const auto down = maximizeScanned(decreasing, 1.0, 4.0, 12, 1e-10);
  CHECK(down.first == 1.0);
  CHECK(down.second == -1.0);
  // Brent alone approaches the bound to within its tolerance
  const auto b = maximizeBrent(increasing, 1.0, 4.0, 1e-9);
  CHECK(b.first <= 4.0);
  CHECK(b.first == Approx(4.0).margin(1e-7));
  // a profit that is negative everywhere on the interval still peaks where it should:
  // -(x - 7)^2 on [0, 5] is largest at 5
  const auto neg = maximizeScanned([](double x) { return -(x - 7) * (x - 7); }, 0.0, 5.0, 12, 1e-10);
  CHECK(neg.first == 5.0);
  CHECK(neg.second == -4.0);
}

TEST_CASE("optimize: the scan never steps past the upper bound", "[optimize]") {
  // The grid is lo + k (hi - lo) / (points - 1); for lo = 0.3, hi = 7.7, points = 20 the last
  // point computes to 7.700000000000001 > hi in floating point. An increasing objective is
  // maximised at hi itself, and no point outside [lo, hi] may be evaluated or returned.
  double largest = -HUGE_VAL;
  auto increasing = [&](double x) {
    largest = std::max(largest, x);
    return x;
  };
  const auto [x, fx] = maximizeScanned(increasing, 0.3, 7.7, 20, 1e-10);
  CHECK(x <= 7.7);
  CHECK(largest <= 7.7);
  CHECK(x == Approx(7.7).margin(1e-12));
}
