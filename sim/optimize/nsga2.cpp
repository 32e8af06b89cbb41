#include "sim/optimize/nsga2.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace chan::optimize {
namespace {

constexpr std::uint64_t kNsgaAgent = 0x45A6A2ULL << 20;  // stream agent field, see cmaes.cpp
constexpr double kCrossoverProbability = 0.9;            // Deb et al. 2002, sec. VII
constexpr double kCrossoverEta = 15, kMutationEta = 20;  // distribution indices, ibid.

/// Constrained domination (Deb et al. 2002, sec. VI-A).
bool dominates(const Score& a, const Score& b) {
  if (a.violation != b.violation) return a.violation < b.violation;  // covers feasible vs infeasible
  bool strictly = false;
  for (std::size_t k = 0; k < a.f.size(); ++k) {
    if (a.f[k] > b.f[k]) return false;
    if (a.f[k] < b.f[k]) strictly = true;
  }
  return strictly;
}

}  // namespace

std::vector<int> frontOf(const std::vector<Score>& scores) {
  const std::size_t n = scores.size();
  std::vector<int> front(n, -1), count(n, 0);
  std::vector<std::vector<std::size_t>> beats(n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      if (i != j && dominates(scores[i], scores[j])) beats[i].push_back(j);
      else if (i != j && dominates(scores[j], scores[i])) ++count[i];
  std::vector<std::size_t> current;
  for (std::size_t i = 0; i < n; ++i)
    if (count[i] == 0) current.push_back(i);
  for (int level = 0; !current.empty(); ++level) {
    std::vector<std::size_t> next;
    for (std::size_t i : current) {
      front[i] = level;
      for (std::size_t j : beats[i])
        if (--count[j] == 0) next.push_back(j);
    }
    std::sort(next.begin(), next.end());
    current = std::move(next);
  }
  return front;
}

std::vector<double> crowding(const std::vector<Score>& scores, const std::vector<std::size_t>& front) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> d(front.size(), 0.0);
  if (front.empty()) return d;
  for (std::size_t k = 0; k < scores[front[0]].f.size(); ++k) {
    std::vector<std::size_t> order(front.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return scores[front[a]].f[k] < scores[front[b]].f[k]; });
    const double lo = scores[front[order.front()]].f[k], hi = scores[front[order.back()]].f[k];
    d[order.front()] = d[order.back()] = inf;
    if (hi <= lo) continue;
    for (std::size_t i = 1; i + 1 < order.size(); ++i)
      d[order[i]] += (scores[front[order[i + 1]]].f[k] - scores[front[order[i - 1]]].f[k]) / (hi - lo);
  }
  return d;
}

Nsga2::Nsga2(int dims, int population, std::uint64_t seed) : m_dims(dims), m_population(population), m_seed(seed) {
  if (population < 4 || population % 2 != 0) throw std::logic_error("Nsga2: population must be even and >= 4");
}

std::size_t Nsga2::tournament(Stream& rng) const {
  const auto pick = [&] {
    return std::min(m_points.size() - 1,
                    static_cast<std::size_t>(rng.uniform() * static_cast<double>(m_points.size())));
  };
  const std::size_t a = pick(), b = pick();
  if (m_front[a] != m_front[b]) return m_front[a] < m_front[b] ? a : b;
  return m_crowd[a] >= m_crowd[b] ? a : b;
}

std::vector<std::vector<double>> Nsga2::ask() {
  Stream rng(m_seed, static_cast<std::uint64_t>(m_generation), 0, StreamPurpose::Setup, kNsgaAgent);
  const auto n = static_cast<std::size_t>(m_population);
  std::vector<std::vector<double>> out(n, std::vector<double>(static_cast<std::size_t>(m_dims)));
  if (m_points.empty()) {  // Latin hypercube: each axis cut into n strata, each used once
    for (int d = 0; d < m_dims; ++d) {
      std::vector<std::size_t> perm(n);
      std::iota(perm.begin(), perm.end(), 0);
      for (std::size_t i = n; i > 1; --i) std::swap(perm[i - 1], perm[static_cast<std::size_t>(rng.uniform() * i)]);
      for (std::size_t i = 0; i < n; ++i)
        out[i][static_cast<std::size_t>(d)] = (static_cast<double>(perm[i]) + rng.uniform()) / static_cast<double>(n);
    }
    return out;
  }
  for (std::size_t i = 0; i < n; i += 2) {
    std::vector<double> a = m_points[tournament(rng)], b = m_points[tournament(rng)];
    // simulated binary crossover (Deb & Agrawal 1995), per variable with probability 1/2
    if (rng.uniform() < kCrossoverProbability) {
      for (int d = 0; d < m_dims; ++d) {
        const auto k = static_cast<std::size_t>(d);
        if (rng.uniform() >= 0.5) continue;
        const double u = rng.uniform();
        const double beta =
            u <= 0.5 ? std::pow(2 * u, 1 / (kCrossoverEta + 1)) : std::pow(1 / (2 * (1 - u)), 1 / (kCrossoverEta + 1));
        const double x = a[k], y = b[k];
        a[k] = 0.5 * ((1 + beta) * x + (1 - beta) * y);
        b[k] = 0.5 * ((1 - beta) * x + (1 + beta) * y);
      }
    }
    // polynomial mutation (Deb & Goyal 1996), each variable with probability 1/n, in [0, 1]
    for (auto* child : {&a, &b}) {
      for (int d = 0; d < m_dims; ++d) {
        if (rng.uniform() >= 1.0 / m_dims) continue;
        const double u = rng.uniform();
        const double delta =
            u < 0.5 ? std::pow(2 * u, 1 / (kMutationEta + 1)) - 1 : 1 - std::pow(2 * (1 - u), 1 / (kMutationEta + 1));
        (*child)[static_cast<std::size_t>(d)] = std::clamp((*child)[static_cast<std::size_t>(d)] + delta, 0.0, 1.0);
      }
    }
    out[i] = std::move(a);
    out[i + 1] = std::move(b);
  }
  return out;
}

void Nsga2::tell(const std::vector<std::vector<double>>& points, const std::vector<Score>& scores) {
  std::vector<std::vector<double>> pool = m_points;
  std::vector<Score> poolScores = m_scores;
  pool.insert(pool.end(), points.begin(), points.end());
  poolScores.insert(poolScores.end(), scores.begin(), scores.end());
  const std::vector<int> front = frontOf(poolScores);
  // fill the next population front by front; the last front that does not fit whole is cut
  // by crowding distance, most isolated first (ties by index, for determinism)
  std::vector<std::size_t> chosen;
  std::vector<double> chosenCrowd;
  for (int level = 0; chosen.size() < static_cast<std::size_t>(m_population); ++level) {
    std::vector<std::size_t> members;
    for (std::size_t i = 0; i < pool.size(); ++i)
      if (front[i] == level) members.push_back(i);
    if (members.empty()) break;
    const std::vector<double> d = crowding(poolScores, members);
    std::vector<std::size_t> order(members.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return d[a] > d[b]; });
    for (std::size_t k : order) {
      if (chosen.size() == static_cast<std::size_t>(m_population)) break;
      chosen.push_back(members[k]);
      chosenCrowd.push_back(d[k]);
    }
  }
  m_points.clear();
  m_scores.clear();
  m_front.clear();
  for (std::size_t i : chosen) {
    m_points.push_back(pool[i]);
    m_scores.push_back(poolScores[i]);
    m_front.push_back(front[i]);
  }
  m_crowd = chosenCrowd;
  ++m_generation;
}

}  // namespace chan::optimize
