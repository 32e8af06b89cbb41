#pragma once
// Sensitivity estimators over a design's outputs (one value per design point). They work on
// unit coordinates and plain numbers, so tests can feed them analytic functions (Ishigami,
// linear) without running a simulation. Confidence half-widths are 1.96 x the standard
// deviation of the estimate over bootstrap resamples (as in SALib), from a fixed random
// stream so that the numbers are reproducible.
#include <cstddef>
#include <vector>

#include "sim/sweep/design.hpp"

namespace chan::sweep {

/// Bootstrap resamples behind the confidence half-widths.
inline constexpr int kBootstrapResamples = 1000;

/// Morris (1991) elementary effects of each axis, in output units per full range of the axis
/// (effects are taken in unit coordinates): mu, mu* = mean |effect| (Campolongo et al. 2007)
/// and sigma, the standard deviation (n - 1) that flags interactions and non-linearity.
struct MorrisEffects {
  std::vector<double> mu, muStar, sigma, muStarConf;
};
/// design: a morris design (trajectories of axes+1 points, each step moving one axis).
MorrisEffects morrisEffects(const UnitPoints& design, const std::vector<double>& y);

/// First-order and total Sobol indices of each axis.
struct SobolIndices {
  std::vector<double> first, total, firstConf, totalConf;
};
/// y: outputs at a Saltelli design in its block order (A_j, AB_j^(1..k), B_j for each sample j).
/// With f centred on its mean over A and B (which leaves both estimators unbiased and keeps
/// their variance from growing with the mean) and V the variance of f over A and B:
///   S_i  = mean(f(B) (f(AB_i) - f(A))) / V        (Saltelli et al. 2010, table 2 (b))
///   ST_i = mean((f(A) - f(AB_i))^2) / (2 V)        (Jansen 1999; Saltelli et al. 2010 (f))
SobolIndices sobolIndices(const std::vector<double>& y, std::size_t axes);

}  // namespace chan::sweep
