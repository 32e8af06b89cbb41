#include "sim/optimize/cmaes.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "sim/core/rng.hpp"

namespace chan::optimize {
namespace {

/// Agent field of the optimiser's streams: far from any member or consumer index, so the
/// draws never coincide with a simulation's (they are keyed by the optimisation seed anyway).
constexpr std::uint64_t kSamplerAgent = 0x0C4A5E5ULL << 20;

}  // namespace

Cmaes::Cmaes(const std::vector<double>& mean, double sigma, int lambda, std::uint64_t seed)
    : m_n(static_cast<int>(mean.size())), m_sigma(sigma), m_seed(seed) {
  const double n = m_n;
  // Hansen 2016, table 1 (default strategy parameters)
  m_lambda = lambda > 0 ? lambda : 4 + static_cast<int>(std::floor(3 * std::log(n)));
  m_lambda = std::max(m_lambda, 2);
  m_mu = m_lambda / 2;
  m_weights.resize(m_mu);
  for (int i = 0; i < m_mu; ++i) m_weights[i] = std::log((m_lambda + 1) / 2.0) - std::log(i + 1.0);
  m_weights /= m_weights.sum();
  m_mueff = 1 / m_weights.squaredNorm();
  m_cc = (4 + m_mueff / n) / (n + 4 + 2 * m_mueff / n);
  m_cs = (m_mueff + 2) / (n + m_mueff + 5);
  m_c1 = 2 / ((n + 1.3) * (n + 1.3) + m_mueff);
  m_cmu = std::min(1 - m_c1, 2 * (m_mueff - 2 + 1 / m_mueff) / ((n + 2) * (n + 2) + m_mueff));
  m_damps = 1 + 2 * std::max(0.0, std::sqrt((m_mueff - 1) / (n + 1)) - 1) + m_cs;
  m_chiN = std::sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
  m_mean = Eigen::Map<const Eigen::VectorXd>(mean.data(), m_n);
  m_pc = Eigen::VectorXd::Zero(m_n);
  m_ps = Eigen::VectorXd::Zero(m_n);
  m_c = Eigen::MatrixXd::Identity(m_n, m_n);
  m_b = Eigen::MatrixXd::Identity(m_n, m_n);
  m_d = Eigen::VectorXd::Ones(m_n);
}

std::vector<std::vector<double>> Cmaes::ask() {
  std::vector<std::vector<double>> out;
  for (int k = 0; k < m_lambda; ++k) {
    // one stream per (generation, candidate): the draws do not depend on how many were asked before
    Stream rng(m_seed, static_cast<std::uint64_t>(m_generation), static_cast<std::uint64_t>(k), StreamPurpose::Setup,
               kSamplerAgent);
    Eigen::VectorXd z(m_n);
    for (int i = 0; i < m_n; ++i) z[i] = rng.normal();
    const Eigen::VectorXd x = m_mean + m_sigma * (m_b * m_d.asDiagonal() * z);
    out.emplace_back(x.data(), x.data() + m_n);
  }
  return out;
}

void Cmaes::tell(const std::vector<std::vector<double>>& points, const std::vector<std::size_t>& rank) {
  if (points.size() != static_cast<std::size_t>(m_lambda) || rank.size() != points.size())
    throw std::logic_error("Cmaes::tell: expected one ranked point per candidate asked");
  const double n = m_n;
  const Eigen::VectorXd old = m_mean;
  Eigen::MatrixXd y(m_n, m_mu);  // the mu best steps, in units of sigma
  for (int i = 0; i < m_mu; ++i)
    y.col(i) =
        (Eigen::Map<const Eigen::VectorXd>(points[rank[static_cast<std::size_t>(i)]].data(), m_n) - old) / m_sigma;
  const Eigen::VectorXd yw = y * m_weights;
  m_mean = old + m_sigma * yw;
  // C^(-1/2) yw = B D^-1 B^T yw
  const Eigen::VectorXd invSqrt = m_b * (m_d.cwiseInverse().asDiagonal() * (m_b.transpose() * yw));
  m_ps = (1 - m_cs) * m_ps + std::sqrt(m_cs * (2 - m_cs) * m_mueff) * invSqrt;
  const double psNorm = m_ps.norm() / std::sqrt(1 - std::pow(1 - m_cs, 2.0 * (m_generation + 1)));
  const bool hsig = psNorm / m_chiN < 1.4 + 2 / (n + 1);
  m_pc = (1 - m_cc) * m_pc + (hsig ? std::sqrt(m_cc * (2 - m_cc) * m_mueff) : 0.0) * yw;
  Eigen::MatrixXd rankMu = y * m_weights.asDiagonal() * y.transpose();
  m_c = (1 - m_c1 - m_cmu) * m_c + m_c1 * (m_pc * m_pc.transpose() + (hsig ? 0.0 : m_cc * (2 - m_cc)) * m_c) +
        m_cmu * rankMu;
  m_sigma *= std::exp((m_cs / m_damps) * (m_ps.norm() / m_chiN - 1));
  ++m_generation;
  decompose();
}

void Cmaes::decompose() {
  m_c = 0.5 * (m_c + m_c.transpose());  // keep it exactly symmetric
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(m_c);
  m_b = eig.eigenvectors();
  m_d = eig.eigenvalues().cwiseMax(1e-300).cwiseSqrt();
}

double Cmaes::spread() const { return m_sigma * m_c.diagonal().cwiseSqrt().maxCoeff(); }

}  // namespace chan::optimize
