#include "sim/calibrate/levenberg_marquardt.hpp"

#include <algorithm>
#include <cmath>

#include <Eigen/Cholesky>

namespace chan::calib {

Eigen::MatrixXd finiteDifferenceJacobian(const ResidualFn& residual, const Eigen::VectorXd& theta,
                                         const Eigen::VectorXd& step, const Eigen::VectorXd& low,
                                         const Eigen::VectorXd& high) {
  Eigen::MatrixXd J;
  for (Eigen::Index k = 0; k < theta.size(); ++k) {
    const double h = step[k];
    const bool up = theta[k] + h <= high[k], down = theta[k] - h >= low[k];
    Eigen::VectorXd a = theta, b = theta;
    if (up) a[k] += h;
    if (down) b[k] -= h;
    const Eigen::VectorXd ra = residual(a), rb = residual(b);
    if (J.size() == 0) J.resize(ra.size(), theta.size());
    J.col(k) = (ra - rb) / (a[k] - b[k]);
  }
  return J;
}

LmResult levenbergMarquardt(const ResidualFn& residual, const JacobianFn& jacobian, Eigen::VectorXd theta,
                            const Eigen::VectorXd& low, const Eigen::VectorXd& high, const LmOptions& options,
                            const ProgressFn& progress) {
  LmResult out;
  theta = theta.cwiseMax(low).cwiseMin(high);
  Eigen::VectorXd r = residual(theta);
  double f = r.squaredNorm();
  Eigen::MatrixXd J = jacobian(theta, r);
  // initial damping tau * max diag(J^T J) (Madsen et al. 2004, eq. 3.14, tau = 1e-3)
  Eigen::MatrixXd A = J.transpose() * J;
  Eigen::VectorXd g = J.transpose() * r;
  double lambda = 1e-3 * std::max(A.diagonal().maxCoeff(), 1e-300);
  double nu = 2;
  out.stop = "iteration limit";
  int it = 0;
  for (; it < options.maxIterations; ++it) {
    if (g.lpNorm<Eigen::Infinity>() <= options.gradientTolerance) {
      out.stop = "gradient below tolerance";
      break;
    }
    bool accepted = false;
    // inner loop: raise the damping until a step lowers the objective
    for (int tries = 0; tries < 30 && !accepted; ++tries) {
      // Marquardt's scaling: damp by the diagonal, floored so a flat direction still moves
      Eigen::VectorXd d = A.diagonal().cwiseMax(1e-12 * std::max(1.0, A.diagonal().maxCoeff()));
      Eigen::MatrixXd M = A;
      M.diagonal() += lambda * d;
      const Eigen::VectorXd delta = M.ldlt().solve(-g);
      const Eigen::VectorXd next = (theta + delta).cwiseMax(low).cwiseMin(high);
      const Eigen::VectorXd step = next - theta;
      if (step.norm() <= options.tolerance * (theta.norm() + options.tolerance)) {
        out.stop = "step below tolerance";
        it = options.maxIterations;  // leave both loops
        break;
      }
      const Eigen::VectorXd rn = residual(next);
      const double fn = rn.squaredNorm();
      // gain ratio: actual over predicted reduction of the linear model
      const double predicted = -(2 * step.dot(g) + step.dot(A * step));
      const double rho = predicted > 0 ? (f - fn) / predicted : -1;
      if (fn < f && rho > 0) {
        const double change = (f - fn) / std::max(f, 1e-300);
        theta = next, r = rn, f = fn;
        J = jacobian(theta, r);
        A = J.transpose() * J;
        g = J.transpose() * r;
        lambda *= std::max(1.0 / 3.0, 1 - std::pow(2 * rho - 1, 3));
        nu = 2;
        accepted = true;
        ++out.iterations;
        if (progress) progress(it + 1, f, theta, lambda);
        if (change < options.tolerance) {
          out.stop = "objective change below tolerance";
          it = options.maxIterations;
        }
      } else {
        lambda *= nu;
        nu *= 2;
      }
    }
    if (!accepted && it < options.maxIterations) {
      out.stop = "no step lowers the objective";
      break;
    }
  }
  out.theta = theta;
  out.residuals = r;
  out.jacobian = J;
  out.objective = f;
  return out;
}

}  // namespace chan::calib
