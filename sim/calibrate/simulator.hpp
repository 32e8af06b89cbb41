#pragma once
// Simulator: the map from parameter values to simulated moments. Each evaluation writes the
// values into a copy of the base scenario's YAML at their --set paths, loads it (so the
// scenario's own range checks apply), runs the engine tick by tick and records every
// outlet's cumulative units and revenue, from which each Moment is a difference or a ratio.
#include <string>
#include <vector>

#include <Eigen/Core>
#include <yaml-cpp/yaml.h>

#include "sim/calibrate/calibration_spec.hpp"
#include "sim/calibrate/observed.hpp"
#include "sim/core/spec.hpp"

namespace chan::calib {

/// Outlet sales of one run, tick by tick.
struct Panel {
  int ticks = 0;
  std::vector<std::string> member, group, kind, territory;  // per outlet: the keys moments select by
  std::vector<std::uint8_t> online;                         // per outlet: sells online
  std::vector<double> units, revenue;  // cumulative after tick t: [t * outlets + o], t = 0..ticks
  std::size_t outlets() const { return member.size(); }
};

class Simulator {
 public:
  /// Loads the base scenario with the calibration's fixed `set` list plus `extraSets`.
  Simulator(const CalibrationSpec& spec, const std::vector<std::string>& extraSets);

  /// The scenario with the parameters set to theta (InputError if a value is rejected).
  ScenarioSpec scenarioAt(const Eigen::VectorXd& theta) const;
  /// The base YAML document with the parameters set to theta (for calibrated.yaml).
  YAML::Node yamlAt(const Eigen::VectorXd& theta) const;
  /// The base scenario's value at each parameter path, or the parameter's start when given.
  Eigen::VectorXd startValues() const;

  /// One run's panel (replication r: seed + r).
  Panel runPanel(const Eigen::VectorXd& theta, int replication) const;
  /// Simulated value of every moment: one run (least squares) or the mean of the
  /// replications with the same seeds at every theta (SMM, common random numbers).
  Eigen::VectorXd simulate(const Eigen::VectorXd& theta, const std::vector<Moment>& moments) const;
  /// Moment values from one panel (InputError naming the row when a key matches no outlet).
  static Eigen::VectorXd evaluate(const Panel& panel, const std::vector<Moment>& moments);

  int evaluations() const { return m_evaluations; }
  int replications() const { return m_replications; }
  const std::string& scenarioFile() const { return m_spec.scenario; }

 private:
  const CalibrationSpec& m_spec;
  YAML::Node m_base;
  int m_replications = 1;
  mutable int m_evaluations = 0;
};

/// Shortest decimal text that reads back as the same double.
std::string exactNumber(double v);

}  // namespace chan::calib
