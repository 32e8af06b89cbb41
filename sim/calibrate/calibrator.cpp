#include "sim/calibrate/calibrator.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <limits>
#include <map>
#include <ostream>
#include <sstream>

#include <Eigen/Eigenvalues>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "sim/calibrate/levenberg_marquardt.hpp"
#include "sim/calibrate/simulator.hpp"
#include "sim/io/atomic_file.hpp"
#include "sim/io/import/scenario_import.hpp"
#include "sim/io/run_output.hpp"
#include "sim/io/yaml_reader.hpp"

namespace chan::calib {
namespace {

constexpr double kZ95 = 1.959963984540054;  // standard normal 97.5% quantile

using Vec = Eigen::VectorXd;
using Mat = Eigen::MatrixXd;

std::string fmt(double v) { return io::formatNumber(v); }

/// Six significant digits, for progress lines.
std::string brief(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

/// Fit statistics over the moments selected by `pick`.
FitStats statsOf(const CalibrationSpec& spec, const std::vector<Moment>& moments, const Vec& simulated, bool holdout) {
  FitStats s;
  double sq = 0, ape = 0;
  int withObserved = 0;
  for (std::size_t i = 0; i < moments.size(); ++i) {
    const Moment& m = moments[i];
    if (m.holdout != holdout) continue;
    const double diff = simulated[static_cast<Eigen::Index>(i)] - m.observed;
    const double r = diff / residualScale(spec.observed[static_cast<std::size_t>(m.source)], m);
    sq += r * r;
    s.moments += 1;
    if (m.observed != 0) ape += std::fabs(diff / m.observed), withObserved += 1;
  }
  s.rmse = s.moments ? std::sqrt(sq / s.moments) : 0.0;
  s.mape = withObserved ? ape / withObserved : 0.0;
  return s;
}

/// Identifiability: near-singular scaled J^T J and strongly correlated pairs (Bates & Watts
/// 1988, ch. 3; a parameter combination the data do not constrain shows up as an eigenvector
/// of a tiny eigenvalue of the scaled information matrix).
void checkIdentifiability(const CalibrationSpec& spec, const Mat& information, CalibrationResult& out) {
  const Eigen::Index p = information.rows();
  Vec d = information.diagonal();
  const double dmax = d.maxCoeff();
  std::vector<bool> inert(static_cast<std::size_t>(p), false);
  for (Eigen::Index k = 0; k < p; ++k)
    if (!(d[k] > 1e-14 * std::max(dmax, 1e-300))) {
      inert[static_cast<std::size_t>(k)] = true;
      out.warnings.push_back(out.names[static_cast<std::size_t>(k)] +
                             " has no effect on the fitted moments: it cannot be estimated from these data");
    }
  Mat scaled = information;
  for (Eigen::Index i = 0; i < p; ++i)
    for (Eigen::Index j = 0; j < p; ++j) scaled(i, j) /= std::sqrt(std::max(d[i], 1e-300) * std::max(d[j], 1e-300));
  Eigen::SelfAdjointEigenSolver<Mat> eig(scaled);
  const Vec lambda = eig.eigenvalues();  // ascending
  out.conditionNumber = lambda[0] > 0 ? lambda[p - 1] / lambda[0] : std::numeric_limits<double>::infinity();
  if (out.conditionNumber > spec.conditionLimit) {
    const Vec v = eig.eigenvectors().col(0);
    std::string names;
    for (Eigen::Index k = 0; k < p; ++k)
      if (std::fabs(v[k]) >= 0.25 && !inert[static_cast<std::size_t>(k)])
        names += (names.empty() ? "" : ", ") + out.names[static_cast<std::size_t>(k)];
    std::ostringstream msg;
    msg << "near-singular J^T J (condition number " << fmt(out.conditionNumber) << "): " << names
        << " cannot be told apart; the data pin down only a combination of them";
    out.warnings.push_back(msg.str());
  }
  for (Eigen::Index i = 0; i < p; ++i)
    for (Eigen::Index j = 0; j < i; ++j) {
      const double c = out.correlation(i, j);
      if (std::isfinite(c) && std::fabs(c) > spec.correlationLimit)
        out.warnings.push_back("estimates of " + out.names[static_cast<std::size_t>(j)] + " and " +
                               out.names[static_cast<std::size_t>(i)] + " are correlated " + fmt(std::round(c * 1000) / 1000) +
                               ": the data barely tell them apart");
    }
}

/// Inverse of a symmetric positive semi-definite matrix, by eigenvalues; directions with an
/// eigenvalue below 1e-12 of the largest get an infinite variance.
Mat covarianceFrom(const Mat& H) {
  Eigen::SelfAdjointEigenSolver<Mat> eig(H);
  const Vec lambda = eig.eigenvalues();
  const double top = std::max(lambda.maxCoeff(), 1e-300);
  Mat inv = Mat::Zero(H.rows(), H.cols());
  bool singular = false;
  for (Eigen::Index k = 0; k < lambda.size(); ++k) {
    if (lambda[k] > 1e-12 * top) inv += eig.eigenvectors().col(k) * eig.eigenvectors().col(k).transpose() / lambda[k];
    else singular = true;
  }
  if (singular)  // an unidentified direction: the parameters it involves get no finite error
    for (Eigen::Index k = 0; k < lambda.size(); ++k)
      if (lambda[k] <= 1e-12 * top)
        for (Eigen::Index i = 0; i < H.rows(); ++i)
          if (std::fabs(eig.eigenvectors()(i, k)) > 1e-6) inv(i, i) = std::numeric_limits<double>::infinity();
  return inv;
}

}  // namespace

CalibrationResult calibrate(const CalibrationSpec& spec, const std::vector<std::string>& sets, std::ostream* progress) {
  const auto started = std::chrono::steady_clock::now();
  CalibrationResult out;
  out.method = spec.method == Method::Smm ? "smm" : "least_squares";
  const Simulator sim(spec, sets);
  out.moments = readMoments(spec);
  const std::vector<Moment>& moments = out.moments;
  const auto p = static_cast<Eigen::Index>(spec.parameters.size());
  Vec low(p), high(p), step(p);
  for (Eigen::Index k = 0; k < p; ++k) {
    const ParameterSpec& ps = spec.parameters[static_cast<std::size_t>(k)];
    out.names.push_back(ps.name);
    low[k] = ps.low, high[k] = ps.high;
    // smaller steps drown in the simulation noise that common random numbers leave (SMM)
    step[k] = ps.step > 0 ? ps.step : (spec.method == Method::Smm ? 1e-2 : 1e-3) * (ps.high - ps.low);
  }
  out.start = sim.startValues();
  // fitted moments and their residual groups (one per file and quantity)
  std::vector<std::size_t> fitted;
  std::map<std::pair<int, int>, int> groupIndex;
  std::vector<int> groupOf(moments.size(), -1);
  for (std::size_t i = 0; i < moments.size(); ++i) {
    const auto key = std::pair{moments[i].source, static_cast<int>(moments[i].quantity)};
    groupOf[i] = groupIndex.emplace(key, static_cast<int>(groupIndex.size())).first->second;
    if (!moments[i].holdout) fitted.push_back(i);
  }
  const auto nFit = static_cast<Eigen::Index>(fitted.size());
  if (nFit == 0) throw io::InputError(spec.file + ": holdout: every observed moment is held out; nothing to fit");
  std::vector<double> groupSd(groupIndex.size(), 1.0);
  std::vector<double> scale(moments.size());  // divides each moment's residual (updated by the reweighting steps)
  for (std::size_t i = 0; i < moments.size(); ++i)
    scale[i] = residualScale(spec.observed[static_cast<std::size_t>(moments[i].source)], moments[i]);
  if (spec.reweight && groupIndex.size() > 1) {
    // the first fit weighs each (file, quantity) group by the spread of its own observed values,
    // so that quantities of different size (weekly units ~1000, an online share ~0.1) all count
    // from the start; with equal weights the largest decides the first fit alone, and the
    // reweighting steps, which take each group's residual sd from that fit, keep it so
    std::vector<double> sum(groupSd.size(), 0.0), sq(groupSd.size(), 0.0), count(groupSd.size(), 0.0);
    for (std::size_t i : fitted) {
      const auto g = static_cast<std::size_t>(groupOf[i]);
      const double v = moments[i].observed / scale[i];
      sum[g] += v, sq[g] += v * v, count[g] += 1;
    }
    for (std::size_t g = 0; g < groupSd.size(); ++g)
      if (count[g] > 1) {
        const double mean = sum[g] / count[g];
        const double sd = std::sqrt(std::max(sq[g] / count[g] - mean * mean, 0.0));
        if (sd > 0) groupSd[g] = sd;
      }
  }
  std::vector<Eigen::Index> priors;
  for (Eigen::Index k = 0; k < p; ++k)
    if (spec.parameters[static_cast<std::size_t>(k)].priorSd > 0) priors.push_back(k);

  // scaled residuals of the fitted moments (then one row per prior)
  auto dataResiduals = [&](const Vec& simulated) {
    Vec r(nFit);
    for (Eigen::Index j = 0; j < nFit; ++j) {
      const std::size_t i = fitted[static_cast<std::size_t>(j)];
      const Moment& m = moments[i];
      const ObservedSpec& o = spec.observed[static_cast<std::size_t>(m.source)];
      r[j] = o.weight * (simulated[static_cast<Eigen::Index>(i)] - m.observed) / scale[i] /
             groupSd[static_cast<std::size_t>(groupOf[i])];
    }
    return r;
  };
  auto residual = [&](const Vec& theta) {
    const Vec d = dataResiduals(sim.simulate(theta, moments));
    Vec r(nFit + static_cast<Eigen::Index>(priors.size()));
    r.head(nFit) = d;
    for (std::size_t j = 0; j < priors.size(); ++j) {
      const ParameterSpec& ps = spec.parameters[static_cast<std::size_t>(priors[j])];
      r[nFit + static_cast<Eigen::Index>(j)] = (theta[priors[j]] - ps.priorMean) / ps.priorSd;
    }
    return r;
  };
  auto jacobian = [&](const Vec& theta, const Vec&) { return finiteDifferenceJacobian(residual, theta, step, low, high); };
  auto report = [&](int it, double f, const Vec& theta, double lambda) {
    if (!progress) return;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    *progress << "calibrate: iteration " << it << "  objective " << brief(f) << "  damping " << brief(lambda) << "  (";
    for (Eigen::Index k = 0; k < p; ++k) *progress << (k ? ", " : "") << out.names[static_cast<std::size_t>(k)] << " " << brief(theta[k]);
    *progress << ")  " << sim.evaluations() << " simulations, " << fmt(std::round(seconds * 10) / 10) << " s\n";
  };
  if (progress)
    *progress << "calibrate: " << p << " parameters, " << nFit << " fitted moments, "
              << moments.size() - fitted.size() << " held out, method " << out.method
              << (spec.method == Method::Smm ? " (" + std::to_string(sim.replications()) + " replications)" : "") << "\n";
  LmOptions lm{spec.maxIterations, spec.tolerance, 1e-12};
  LmResult fit = levenbergMarquardt(residual, jacobian, out.start, low, high, lm, report);
  // later steps (iteratively reweighted least squares, McCullagh & Nelder 1989, sec. 2.5):
  // sqrt-scaled counts get the simulated rather than the observed value under the root, so
  // the fit solves the Poisson score equations (scaling by the observed count, Neyman's
  // chi-square, biases the fit towards small counts); and with several (file, quantity)
  // groups each gets its own residual sd (feasible weighted least squares), so that units and
  // prices weigh by how well the model can match them
  const bool anySqrt = std::any_of(spec.observed.begin(), spec.observed.end(), [](const ObservedSpec& o) { return o.scale == Scale::Sqrt; });
  const bool regroup = spec.reweight && groupIndex.size() > 1;
  for (int stage = 1; stage <= 4 && (anySqrt || regroup); ++stage) {
    std::vector<double> sq(groupSd.size(), 0.0), count(groupSd.size(), 0.0);
    for (Eigen::Index j = 0; j < nFit; ++j) {
      const std::size_t i = fitted[static_cast<std::size_t>(j)];
      const Moment& m = moments[i];
      const ObservedSpec& o = spec.observed[static_cast<std::size_t>(m.source)];
      const auto g = static_cast<std::size_t>(groupOf[i]);
      const double simulated = m.observed + fit.residuals[j] * scale[i] * groupSd[g] / o.weight;
      if (o.scale == Scale::Sqrt) scale[i] = std::sqrt(std::max(std::fabs(simulated), 1.0));
      const double raw = o.weight * (simulated - m.observed) / scale[i];
      sq[g] += raw * raw;
      count[g] += 1;
    }
    if (regroup)
      for (std::size_t g = 0; g < groupSd.size(); ++g)
        if (count[g] > 0) groupSd[g] = std::max(std::sqrt(sq[g] / count[g]), 1e-9);
    if (progress) *progress << "calibrate: reweighting step " << stage << "\n";
    const Vec before = fit.theta;
    const int done = fit.iterations;
    fit = levenbergMarquardt(residual, jacobian, fit.theta, low, high, lm, report);
    fit.iterations += done;
    // stop once the weights no longer move the estimate (1e-6 of each parameter's range)
    if (((fit.theta - before).cwiseAbs().array() <= 1e-6 * (high - low).array()).all()) break;
  }
  out.groupSd = groupSd;
  out.estimate = fit.theta;
  out.objective = fit.objective;
  out.iterations = fit.iterations;
  out.stop = fit.stop;
  // standard errors: Cov = (J_d^T J_d / s^2 + prior precision)^-1 (Bates & Watts 1988, sec. 2.3),
  // inflated by (1 + 1/R) for simulation noise under SMM (McFadden 1989; Gourieroux & Monfort 1996)
  const Mat Jd = fit.jacobian.topRows(nFit);
  const Vec rd = fit.residuals.head(nFit);
  out.dof = static_cast<int>(nFit - p);
  out.residualVariance = out.dof > 0 ? rd.squaredNorm() / out.dof : 1.0;
  Mat H = Jd.transpose() * Jd / std::max(out.residualVariance, 1e-300);
  for (Eigen::Index k : priors) {
    const double sd = spec.parameters[static_cast<std::size_t>(k)].priorSd;
    H(k, k) += 1 / (sd * sd);
  }
  out.covariance = covarianceFrom(H);
  if (spec.method == Method::Smm) out.covariance *= 1.0 + 1.0 / sim.replications();
  out.stdError = out.covariance.diagonal().cwiseSqrt();
  out.low95 = out.estimate - kZ95 * out.stdError;
  out.high95 = out.estimate + kZ95 * out.stdError;
  out.correlation = out.covariance;
  for (Eigen::Index i = 0; i < p; ++i)
    for (Eigen::Index j = 0; j < p; ++j) {
      const double s = out.stdError[i] * out.stdError[j];
      out.correlation(i, j) = std::isfinite(s) && s > 0 ? out.covariance(i, j) / s : std::numeric_limits<double>::quiet_NaN();
    }
  for (Eigen::Index k = 0; k < p; ++k) {
    const double tol = 1e-9 * (high[k] - low[k]);
    out.atBound.push_back(out.estimate[k] <= low[k] + tol || out.estimate[k] >= high[k] - tol);
    if (out.atBound.back())
      out.warnings.push_back(out.names[static_cast<std::size_t>(k)] + " stopped at a bound (" + fmt(out.estimate[k]) +
                             "): the standard error assumes an interior optimum; widen the bounds or check the data");
  }
  checkIdentifiability(spec, Jd.transpose() * Jd, out);
  // every moment at the estimate: the fit and the holdout prediction
  out.simulated = sim.simulate(out.estimate, moments);
  out.scaledResidual.resize(static_cast<Eigen::Index>(moments.size()));
  for (std::size_t i = 0; i < moments.size(); ++i) {
    const Moment& m = moments[i];
    const ObservedSpec& o = spec.observed[static_cast<std::size_t>(m.source)];
    out.scaledResidual[static_cast<Eigen::Index>(i)] = o.weight * (out.simulated[static_cast<Eigen::Index>(i)] - m.observed) /
                                                       scale[i] / groupSd[static_cast<std::size_t>(groupOf[i])];
  }
  out.fit = statsOf(spec, moments, out.simulated, false);
  out.holdout = statsOf(spec, moments, out.simulated, true);
  out.evaluations = sim.evaluations();
  YAML::Emitter emitter;
  YAML::Node calibrated = sim.yamlAt(out.estimate);
  // imported files (README "Import"): absolute here, relative to the output folder when written
  io::rebaseImportPaths(calibrated, std::filesystem::path(spec.scenario).parent_path(), {});
  emitter << calibrated;
  out.calibratedYaml = "# calibrated by chansim calibrate " + spec.file + "\n" + std::string(emitter.c_str()) + "\n";
  if (progress) {
    *progress << "calibrate: done after " << out.iterations << " iterations (" << out.stop << "), " << out.evaluations
              << " simulations; fit RMSE " << brief(out.fit.rmse) << ", MAPE " << brief(out.fit.mape);
    if (out.holdout.moments) *progress << "; holdout RMSE " << brief(out.holdout.rmse) << ", MAPE " << brief(out.holdout.mape);
    *progress << "\n";
    for (const std::string& w : out.warnings) *progress << "warning: " << w << "\n";
  }
  return out;
}

std::string estimatesCsv(const CalibrationResult& r, const CalibrationSpec& spec) {
  std::ostringstream s;
  s << "parameter,path,estimate,std_error,ci95_low,ci95_high,start,low,high,at_bound,prior_mean,prior_sd";
  for (const std::string& n : r.names) s << ",corr_" << n;
  s << "\n";
  for (std::size_t k = 0; k < r.names.size(); ++k) {
    const auto i = static_cast<Eigen::Index>(k);
    const ParameterSpec& p = spec.parameters[k];
    s << r.names[k] << ',' << p.path << ',' << fmt(r.estimate[i]) << ',' << fmt(r.stdError[i]) << ',' << fmt(r.low95[i])
      << ',' << fmt(r.high95[i]) << ',' << fmt(r.start[i]) << ',' << fmt(p.low) << ',' << fmt(p.high) << ','
      << (r.atBound[k] ? 1 : 0) << ',' << (p.priorSd > 0 ? fmt(p.priorMean) : "") << ','
      << (p.priorSd > 0 ? fmt(p.priorSd) : "");
    for (std::size_t j = 0; j < r.names.size(); ++j) s << ',' << fmt(r.correlation(i, static_cast<Eigen::Index>(j)));
    s << "\n";
  }
  return s.str();
}

std::string fitCsv(const CalibrationResult& r, const CalibrationSpec& spec) {
  std::ostringstream s;
  s << "moment,file,where,key_type,key,first_tick,last_tick,quantity,set,observed,simulated,residual,scaled_residual\n";
  for (std::size_t i = 0; i < r.moments.size(); ++i) {
    const Moment& m = r.moments[i];
    const auto k = static_cast<Eigen::Index>(i);
    std::string where = m.where;
    for (char& c : where) if (c == ',') c = ';';
    std::string file = spec.observed[static_cast<std::size_t>(m.source)].file;
    for (char& c : file) if (c == ',') c = ';';
    s << i << ',' << file << ',' << where << ',' << keyTypeName(m.keyType) << ',' << m.key << ',' << m.firstTick << ','
      << m.lastTick << ',' << quantityName(m.quantity) << ',' << (m.holdout ? "holdout" : "fit") << ',' << fmt(m.observed)
      << ',' << fmt(r.simulated[k]) << ',' << fmt(r.simulated[k] - m.observed) << ',' << fmt(r.scaledResidual[k]) << "\n";
  }
  return s.str();
}

std::string calibrationJson(const CalibrationResult& r, const CalibrationSpec& spec) {
  nlohmann::ordered_json j;
  j["calibration"] = spec.file;
  j["scenario"] = spec.scenario;
  j["method"] = r.method;
  if (spec.method == Method::Smm) j["replications"] = spec.replications;
  j["parameters"] = r.names.size();
  j["fitted_moments"] = r.fit.moments;
  j["held_out_moments"] = r.holdout.moments;
  j["iterations"] = r.iterations;
  j["simulations"] = r.evaluations;
  j["stop"] = r.stop;
  j["objective"] = r.objective;
  j["residual_variance"] = r.residualVariance;
  j["degrees_of_freedom"] = r.dof;
  j["condition_number"] = std::isfinite(r.conditionNumber) ? nlohmann::ordered_json(r.conditionNumber) : nlohmann::ordered_json(nullptr);
  j["fit"] = {{"rmse", r.fit.rmse}, {"mape", r.fit.mape}};
  if (r.holdout.moments) j["holdout"] = {{"from_tick", spec.holdoutFromTick}, {"rmse", r.holdout.rmse}, {"mape", r.holdout.mape}};
  j["group_sd"] = r.groupSd;
  j["warnings"] = r.warnings;
  return j.dump(2) + "\n";
}

void writeCalibrationOutputs(const std::filesystem::path& dir, const CalibrationSpec& spec, const CalibrationResult& r) {
  std::filesystem::create_directories(dir);
  io::writeFileAtomic(dir / "estimates.csv", estimatesCsv(r, spec));
  io::writeFileAtomic(dir / "fit.csv", fitCsv(r, spec));
  io::writeFileAtomic(dir / "calibration.json", calibrationJson(r, spec));
  YAML::Node calibrated = YAML::Load(r.calibratedYaml);
  if (io::rebaseImportPaths(calibrated, {}, dir)) {  // imported files relative to dir: it runs from there
    YAML::Emitter emitter;
    emitter << calibrated;
    const std::string first =
        r.calibratedYaml.substr(0, r.calibratedYaml.find('\n') + 1);  // the "# calibrated by" line
    io::writeFileAtomic(dir / "calibrated.yaml", first + std::string(emitter.c_str()) + "\n");
  } else {
    io::writeFileAtomic(dir / "calibrated.yaml", r.calibratedYaml);
  }
}

}  // namespace chan::calib
