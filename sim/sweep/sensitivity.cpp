#include "sim/sweep/sensitivity.hpp"

#include <cmath>
#include <functional>
#include <stdexcept>

#include "sim/core/rng.hpp"

namespace chan::sweep {
namespace {

constexpr std::uint64_t kBootstrapKey = 0xb5297a4d3f84d5b5ULL;

/// 1.96 x the standard deviation of estimate(rows) over bootstrap resamples of n rows.
double bootstrapHalfWidth(std::size_t n, const std::function<double(const std::vector<std::size_t>&)>& estimate) {
  if (n < 2) return 0.0;
  Stream rng(kBootstrapKey);
  std::vector<std::size_t> rows(n);
  std::vector<double> estimates;
  for (int r = 0; r < kBootstrapResamples; ++r) {
    for (auto& row : rows) row = rng.below(n);
    estimates.push_back(estimate(rows));
  }
  double mean = 0, squares = 0;
  for (double e : estimates) mean += e;
  mean /= kBootstrapResamples;
  for (double e : estimates) squares += (e - mean) * (e - mean);
  return 1.96 * std::sqrt(squares / (kBootstrapResamples - 1));
}

std::vector<std::size_t> allRows(std::size_t n) {
  std::vector<std::size_t> rows(n);
  for (std::size_t j = 0; j < n; ++j) rows[j] = j;
  return rows;
}

}  // namespace

MorrisEffects morrisEffects(const UnitPoints& design, const std::vector<double>& y) {
  if (design.empty() || design.size() != y.size()) throw std::invalid_argument("morrisEffects: one output per point");
  const std::size_t k = design[0].size(), length = k + 1;
  if (design.size() % length != 0) throw std::invalid_argument("morrisEffects: not a set of Morris trajectories");
  std::vector<std::vector<double>> effects(k);
  for (std::size_t start = 0; start < design.size(); start += length) {
    for (std::size_t p = start; p + 1 < start + length; ++p) {
      std::size_t axis = 0;  // the one coordinate that changes in this step
      for (std::size_t d = 1; d < k; ++d)
        if (std::fabs(design[p + 1][d] - design[p][d]) > std::fabs(design[p + 1][axis] - design[p][axis])) axis = d;
      effects[axis].push_back((y[p + 1] - y[p]) / (design[p + 1][axis] - design[p][axis]));
    }
  }
  MorrisEffects out;
  for (const auto& e : effects) {
    const double n = static_cast<double>(e.size());
    auto muStar = [&](const std::vector<std::size_t>& rows) {
      double sum = 0;
      for (std::size_t r : rows) sum += std::fabs(e[r]);
      return sum / static_cast<double>(rows.size());
    };
    double mu = 0, squares = 0;
    for (double v : e) mu += v;
    mu /= n;
    for (double v : e) squares += (v - mu) * (v - mu);
    out.mu.push_back(mu);
    out.muStar.push_back(muStar(allRows(e.size())));
    out.sigma.push_back(e.size() > 1 ? std::sqrt(squares / (n - 1)) : 0.0);
    out.muStarConf.push_back(bootstrapHalfWidth(e.size(), muStar));
  }
  return out;
}

SobolIndices sobolIndices(const std::vector<double>& y, std::size_t axes) {
  const std::size_t block = axes + 2;
  if (axes == 0 || y.empty() || y.size() % block != 0)
    throw std::invalid_argument("sobolIndices: not a Saltelli design");
  const std::size_t n = y.size() / block;
  double centre = 0;
  for (std::size_t j = 0; j < n; ++j) centre += y[j * block] + y[j * block + block - 1];
  centre /= static_cast<double>(2 * n);
  auto a = [&](std::size_t j) { return y[j * block] - centre; };
  auto ab = [&](std::size_t j, std::size_t i) { return y[j * block + 1 + i] - centre; };
  auto b = [&](std::size_t j) { return y[j * block + block - 1] - centre; };
  // variance of f over A and B of the given samples
  auto variance = [&](const std::vector<std::size_t>& rows) {
    double mean = 0, squares = 0;
    for (std::size_t j : rows) mean += a(j) + b(j);
    mean /= static_cast<double>(2 * rows.size());
    for (std::size_t j : rows) squares += (a(j) - mean) * (a(j) - mean) + (b(j) - mean) * (b(j) - mean);
    return squares / static_cast<double>(2 * rows.size() - 1);
  };
  SobolIndices out;
  for (std::size_t i = 0; i < axes; ++i) {
    auto first = [&](const std::vector<std::size_t>& rows) {
      double sum = 0;
      for (std::size_t j : rows) sum += b(j) * (ab(j, i) - a(j));
      return sum / static_cast<double>(rows.size()) / variance(rows);
    };
    auto total = [&](const std::vector<std::size_t>& rows) {
      double sum = 0;
      for (std::size_t j : rows) sum += (a(j) - ab(j, i)) * (a(j) - ab(j, i));
      return sum / (2.0 * static_cast<double>(rows.size())) / variance(rows);
    };
    out.first.push_back(first(allRows(n)));
    out.total.push_back(total(allRows(n)));
    out.firstConf.push_back(bootstrapHalfWidth(n, first));
    out.totalConf.push_back(bootstrapHalfWidth(n, total));
  }
  return out;
}

}  // namespace chan::sweep
