#pragma once
// The runs of a sweep. Run ids enumerate points x replications with the replications of a
// point adjacent (run = point * replications + replication), so that per-point statistics
// can be streamed in run order. Each run's seed is a hash of (base seed, point, replication)
// and its scenario `run` index is the run id, so every run has its own random streams and
// reproduces alone from its overrides.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/sweep/design.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace chan::sweep {

/// Seed of one run: SplitMix64 (chan::mix64) over the three fields, folded to 63 bits
/// because scenario seeds are read as non-negative 64-bit integers.
std::uint64_t runSeed(std::uint64_t baseSeed, std::uint64_t point, std::uint64_t replication);

class Plan {
 public:
  explicit Plan(SweepSpec spec);
  /// A plan over given points instead of the spec's design (chansim optimize: the candidates
  /// proposed so far). With commonRandomNumbers every point's replication r runs with the
  /// same seed and scenario run index (those of point 0), so that differences between points
  /// are not sampling noise (common random numbers, Law 2015, "Simulation Modeling and
  /// Analysis", 5th ed., sec. 11.2).
  Plan(SweepSpec spec, UnitPoints design, bool commonRandomNumbers);

  const SweepSpec& spec() const { return m_spec; }
  const UnitPoints& design() const { return m_design; }
  std::size_t points() const { return m_design.size(); }
  std::size_t runs() const { return m_design.size() * static_cast<std::size_t>(m_spec.replications); }
  std::size_t pointOf(std::size_t run) const { return run / static_cast<std::size_t>(m_spec.replications); }
  int replicationOf(std::size_t run) const {
    return static_cast<int>(run % static_cast<std::size_t>(m_spec.replications));
  }
  std::uint64_t seed(std::size_t run) const {
    return runSeed(m_spec.baseSeed, m_common ? 0 : pointOf(run), static_cast<std::uint64_t>(replicationOf(run)));
  }
  /// The scenario's `run` index of a run (keys its random streams): the run id, or the
  /// replication under common random numbers.
  std::size_t streamRun(std::size_t run) const { return m_common ? static_cast<std::size_t>(replicationOf(run)) : run; }

  /// Override value of every axis at a point, in axis order.
  std::vector<std::string> values(std::size_t point) const;
  /// The scenario file of a point (the `scenario` axis, else the base scenario), resolved.
  std::string scenarioFile(std::size_t point) const;
  /// `--set` overrides of a point's axes (the scenario axis excluded).
  std::vector<std::string> pointOverrides(std::size_t point) const;
  /// pointOverrides plus seed=<seed(run)> and run=<streamRun(run)>.
  std::vector<std::string> overrides(std::size_t run) const;

 private:
  SweepSpec m_spec;
  UnitPoints m_design;
  bool m_common = false;
};

}  // namespace chan::sweep
