#pragma once
// Statistics across replications: mean, sample standard deviation and the 95% confidence
// interval of the mean from Student's t distribution (computed, not tabulated, so any number
// of replications is exact).
#include <vector>

namespace chan::sweep {

/// Quantile of Student's t distribution with dof > 0 degrees of freedom, for p in (0, 1).
double studentQuantile(double p, double dof);

struct Interval {
  double mean = 0;
  double sd = 0;             // sample standard deviation (n - 1); NaN for n < 2
  double low = 0, high = 0;  // 95% confidence interval of the mean; NaN for n < 2
};

/// Mean, sd and 95% CI of values (summed in order, so the result is reproducible).
Interval meanInterval(const std::vector<double>& values);

}  // namespace chan::sweep
