#pragma once
// CMA-ES, the covariance matrix adaptation evolution strategy (Hansen & Ostermeier 2001,
// "Completely derandomized self-adaptation in evolution strategies", Evolutionary Computation
// 9(2); parameters and update as in Hansen 2016, "The CMA Evolution Strategy: A Tutorial",
// arXiv:1604.00772), in ask/tell form on Eigen.
//
// Written here rather than taken from a library: Debian 12's only packaged C++ CMA-ES is
// pagmo2's (libpagmo-dev), which handles no constraints (pagmo2 takes them only through
// penalty meta-problems) and drives evaluations from its own evolve() loop, whereas chansim
// needs ask/tell generations that its resumable, parallel sweep runner evaluates and that a
// feasibility-first rule ranks; libcmaes is not packaged, python3-cmaes is Python. The method
// is ~100 lines on Eigen, which the project already uses. The
// caller ranks the candidates (so constraints can be handled by a feasibility-first rule,
// Deb 2000) and may repair them (bounds, integers) before telling: the update uses the
// points as told, i.e. the repaired ones (Lamarckian repair, Hansen 2016 appendix B).
#include <cstdint>
#include <vector>

#include <Eigen/Dense>

namespace chan::optimize {

class Cmaes {
 public:
  /// mean: start point; sigma: initial step size (same units); lambda: candidates per
  /// generation (0: the default 4 + floor(3 ln n)); seed keys the sampling streams.
  Cmaes(const std::vector<double>& mean, double sigma, int lambda, std::uint64_t seed);

  int lambda() const { return m_lambda; }
  /// The next generation's lambda candidates (unbounded: repair them before evaluating).
  std::vector<std::vector<double>> ask();
  /// The generation's candidates as evaluated, ranked best first (rank[0] is the index of the
  /// best candidate). points.size() must be lambda.
  void tell(const std::vector<std::vector<double>>& points, const std::vector<std::size_t>& rank);
  /// Largest standard deviation of the search distribution along any axis (sigma * max sqrt C_ii).
  double spread() const;
  const Eigen::VectorXd& mean() const { return m_mean; }

 private:
  void decompose();

  int m_n, m_lambda, m_mu;
  Eigen::VectorXd m_weights;
  double m_mueff, m_cc, m_cs, m_c1, m_cmu, m_damps, m_chiN;
  Eigen::VectorXd m_mean, m_pc, m_ps;
  Eigen::MatrixXd m_c, m_b;  // covariance, its eigenvectors
  Eigen::VectorXd m_d;       // square roots of its eigenvalues
  double m_sigma;
  std::uint64_t m_seed;
  long m_generation = 0;
};

}  // namespace chan::optimize
