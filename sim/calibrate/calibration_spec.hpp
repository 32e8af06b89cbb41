#pragma once
// CalibrationSpec: what `chansim calibrate CAL.yaml` fits (read by sim/io/calibration_loader):
// the base scenario, the parameters to estimate (as --set paths with bounds and optional
// priors), the observed files and the simulated quantity each of their rows matches, and
// the fitting options.
#include <string>
#include <vector>

namespace chan::calib {

/// One parameter to estimate: a scenario value addressed as a `--set` key path.
struct ParameterSpec {
  std::string path;      // e.g. consumers.segments[0].price_sensitivity
  std::string name;      // short name in outputs (default: the path)
  double low = 0;        // lower bound, in the parameter's own unit
  double high = 0;       // upper bound, > low
  double start = 0;      // starting value in [low, high] (default: the base scenario's value)
  bool hasStart = false;
  double priorMean = 0;  // optional normal prior (Bayesian MAP estimate); sd 0: none
  double priorSd = 0;
  double step = 0;       // finite-difference step, parameter units (0: 1e-3 x (high - low), SMM 1e-2)
};

/// What a moment compares.
enum class Quantity { Units, Revenue, Price, OnlineShare };

/// Format of an observed file (README "Calibration: observed data").
enum class ObservedFormat {
  Sales,       // period, [member|group|kind|territory], units, [revenue], [price], [online_units]
  Members,     // chansim's members.csv (whole run per outlet)
  Timeseries,  // chansim's timeseries.csv (per tick, aggregated into periods)
};

/// How residuals of a file are scaled before they are squared.
enum class Scale {
  Sqrt,      // (sim - obs) / sqrt(max(|obs|, 1)): Pearson residuals, counts with Poisson-like noise
  Relative,  // (sim - obs) / |obs|
  None,      // sim - obs
};

struct ObservedSpec {
  std::string file;                   // resolved relative to the calibration file
  ObservedFormat format = ObservedFormat::Sales;
  std::vector<Quantity> match{Quantity::Units};  // quantities taken from each row
  double weight = 1;                  // multiplies the scaled residuals, > 0
  Scale scale = Scale::Sqrt;
  int periodTicks = 1;                // ticks per period of the sales and timeseries formats
};

enum class Method {
  LeastSquares,  // deterministic (expected-demand) model, Levenberg-Marquardt
  Smm,           // simulated method of moments: mean of `replications` runs, common random numbers
};

struct CalibrationSpec {
  std::string file;                      // the calibration YAML itself
  std::string scenario;                  // base scenario, resolved relative to the calibration file
  std::vector<std::string> sets;         // fixed overrides of the base scenario
  Method method = Method::LeastSquares;
  int replications = 8;                  // SMM: simulations averaged per evaluation
  std::vector<ParameterSpec> parameters;
  std::vector<ObservedSpec> observed;
  int holdoutFromTick = 0;               // > 0: moments of periods starting at or after this tick are predicted, not fitted
  int maxIterations = 50;                // Levenberg-Marquardt iterations
  double tolerance = 1e-8;               // relative change of the objective / step that stops the fit
  double conditionLimit = 1e8;           // condition number of the scaled J^T J above which parameters are flagged
  double correlationLimit = 0.95;        // |correlation| of two estimates above which they are flagged
  bool reweight = true;                  // two-step: rescale each (file, quantity) group by its residual variance
};

const char* quantityName(Quantity q);
const char* formatName(ObservedFormat f);

}  // namespace chan::calib
