#pragma once
// The calibration: fits the parameters of a CalibrationSpec to its observed moments by
// (weighted, bound-constrained) nonlinear least squares, then reports standard errors from the
// Jacobian, identifiability problems, the fit per moment and a holdout check, and writes the
// outputs of `chansim calibrate` (README "Calibration").
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "sim/calibrate/calibration_spec.hpp"
#include "sim/calibrate/observed.hpp"

namespace chan::calib {

/// Fit statistics of a set of moments (the fitted ones or the held-out ones).
struct FitStats {
  int moments = 0;
  double rmse = 0;  // root mean square of residuals divided by the file's scale (weights not applied)
  double mape = 0;  // mean |simulated - observed| / |observed| over moments with observed != 0
};

struct CalibrationResult {
  std::vector<std::string> names;   // parameter names
  Eigen::VectorXd start, estimate, stdError, low95, high95;
  Eigen::MatrixXd covariance, correlation;
  std::vector<bool> atBound;        // estimate on (within 1e-9 of the range of) a bound
  std::vector<Moment> moments;
  Eigen::VectorXd simulated;        // every moment (fitted and held out) at the estimate
  Eigen::VectorXd scaledResidual;   // (simulated - observed) x weight / scale / group sd, per moment
  std::vector<double> groupSd;      // per (file, quantity) group: residual sd used by the second step
  double objective = 0;             // sum of squared scaled residuals (with the priors' terms)
  double residualVariance = 1;      // s^2 = SSR / (fitted moments - parameters)
  int dof = 0;
  int iterations = 0, evaluations = 0;
  std::string stop;
  double conditionNumber = 0;       // of J^T J scaled to unit diagonal
  std::vector<std::string> warnings;
  FitStats fit, holdout;
  std::string calibratedYaml;       // the base scenario with the estimates filled in
  std::string method;
};

/// Runs the calibration. `sets` are extra overrides of the base scenario (e.g. from the
/// command line); progress lines go to `progress` when not null.
CalibrationResult calibrate(const CalibrationSpec& spec, const std::vector<std::string>& sets, std::ostream* progress);

/// estimates.csv, fit.csv, calibration.json and calibrated.yaml, written atomically into dir.
void writeCalibrationOutputs(const std::filesystem::path& dir, const CalibrationSpec& spec,
                             const CalibrationResult& result);

/// The CSV texts (also used by tests and the Python module).
std::string estimatesCsv(const CalibrationResult& result, const CalibrationSpec& spec);
std::string fitCsv(const CalibrationResult& result, const CalibrationSpec& spec);
std::string calibrationJson(const CalibrationResult& result, const CalibrationSpec& spec);

}  // namespace chan::calib
