#pragma once
// Bound-constrained Levenberg-Marquardt for nonlinear least squares min ||r(theta)||^2 on
// Eigen (Marquardt 1963, with Nielsen's 1999 damping update; Madsen, Nielsen & Tingleff 2004,
// "Methods for non-linear least squares problems", sec. 3.2). Steps are projected onto the
// box [low, high]. Written here rather than taken from Ceres or NLopt: the problems are small
// (a handful of parameters, each residual evaluation a whole simulation) and the fit needs
// the Jacobian at the optimum for standard errors anyway.
#include <functional>
#include <string>

#include <Eigen/Core>

namespace chan::calib {

struct LmOptions {
  int maxIterations = 50;
  double tolerance = 1e-8;  // stop when the relative objective change or relative step is below this
  double gradientTolerance = 1e-10;  // stop when max |J^T r| is below this
};

struct LmResult {
  Eigen::VectorXd theta;     // estimate
  Eigen::VectorXd residuals; // r(theta)
  Eigen::MatrixXd jacobian;  // J(theta)
  double objective = 0;      // ||r||^2
  int iterations = 0;
  std::string stop;          // why it stopped
};

using ResidualFn = std::function<Eigen::VectorXd(const Eigen::VectorXd&)>;
/// Jacobian at theta given r(theta).
using JacobianFn = std::function<Eigen::MatrixXd(const Eigen::VectorXd&, const Eigen::VectorXd&)>;
/// Called after each iteration with (iteration, objective, theta, damping).
using ProgressFn = std::function<void(int, double, const Eigen::VectorXd&, double)>;

LmResult levenbergMarquardt(const ResidualFn& residual, const JacobianFn& jacobian, Eigen::VectorXd theta,
                            const Eigen::VectorXd& low, const Eigen::VectorXd& high, const LmOptions& options,
                            const ProgressFn& progress = {});

/// Forward/central finite-difference Jacobian: central where both sides stay inside the
/// bounds, one-sided at a bound. step[k] > 0 per parameter.
Eigen::MatrixXd finiteDifferenceJacobian(const ResidualFn& residual, const Eigen::VectorXd& theta,
                                         const Eigen::VectorXd& step, const Eigen::VectorXd& low,
                                         const Eigen::VectorXd& high);

}  // namespace chan::calib
