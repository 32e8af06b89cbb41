#include "sim/sweep/design.hpp"

#include <numeric>
#include <utility>

#include "sim/core/rng.hpp"
#include "sim/io/yaml_reader.hpp"
#include "sim/sweep/sobol_sequence.hpp"

namespace chan::sweep {
namespace {

// Keeps design draws apart from anything keyed by the same base seed elsewhere.
constexpr std::uint64_t kDesignSalt = 0x6a09e667f3bcc909ULL;

Stream designStream(const SweepSpec& spec) { return Stream(mix64(spec.baseSeed ^ kDesignSalt)); }

void requireSize(const SweepSpec& spec, double points) {
  if (points * spec.replications > static_cast<double>(kMaxRuns))
    throw io::InputError(spec.file + ": the sweep would make " + std::to_string(static_cast<long long>(points)) +
                         " points x " + std::to_string(spec.replications) + " replications (limit " +
                         std::to_string(kMaxRuns) + " runs)");
}

void shuffle(std::vector<std::size_t>& v, Stream& rng) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

UnitPoints grid(const SweepSpec& spec) {
  double count = 1;
  for (const Axis& a : spec.axes) count *= a.levelCount();
  requireSize(spec, count);
  UnitPoints points(static_cast<std::size_t>(count), std::vector<double>(spec.axes.size()));
  for (std::size_t p = 0; p < points.size(); ++p) {
    std::size_t rest = p;  // mixed-radix digits of p, last axis fastest
    for (std::size_t d = spec.axes.size(); d-- > 0;) {
      const auto levels = static_cast<std::size_t>(spec.axes[d].levelCount());
      points[p][d] = spec.axes[d].levelUnit(static_cast<int>(rest % levels));
      rest /= levels;
    }
  }
  return points;
}

UnitPoints random(const SweepSpec& spec) {
  requireSize(spec, spec.design.samples);
  Stream rng = designStream(spec);
  UnitPoints points(static_cast<std::size_t>(spec.design.samples), std::vector<double>(spec.axes.size()));
  for (auto& point : points)
    for (double& u : point) u = rng.uniform();
  return points;
}

UnitPoints latinHypercube(const SweepSpec& spec) {
  requireSize(spec, spec.design.samples);
  const auto n = static_cast<std::size_t>(spec.design.samples);
  Stream rng = designStream(spec);
  UnitPoints points(n, std::vector<double>(spec.axes.size()));
  std::vector<std::size_t> strata(n);
  for (std::size_t d = 0; d < spec.axes.size(); ++d) {
    std::iota(strata.begin(), strata.end(), std::size_t{0});
    shuffle(strata, rng);
    for (std::size_t p = 0; p < n; ++p)
      points[p][d] = (static_cast<double>(strata[p]) + rng.uniform()) / static_cast<double>(n);
  }
  return points;
}

UnitPoints saltelli(const SweepSpec& spec) {
  const std::size_t k = spec.axes.size();
  requireSize(spec, static_cast<double>(spec.design.samples) * static_cast<double>(k + 2));
  SobolSequence sequence(static_cast<int>(2 * k));
  sequence.next();  // skip the origin, which sits on every axis's lower bound
  UnitPoints points;
  points.reserve(static_cast<std::size_t>(spec.design.samples) * (k + 2));
  for (int j = 0; j < spec.design.samples; ++j) {
    const std::vector<double>& x = sequence.next();
    const std::vector<double> a(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(k));
    const std::vector<double> b(x.begin() + static_cast<std::ptrdiff_t>(k), x.end());
    points.push_back(a);
    for (std::size_t i = 0; i < k; ++i) {
      points.push_back(a);
      points.back()[i] = b[i];
    }
    points.push_back(b);
  }
  return points;
}

UnitPoints morris(const SweepSpec& spec) {
  const std::size_t k = spec.axes.size();
  requireSize(spec, static_cast<double>(spec.design.trajectories) * static_cast<double>(k + 1));
  const int p = spec.design.levels;
  const double delta = morrisDelta(p);
  Stream rng = designStream(spec);
  UnitPoints points;
  points.reserve(static_cast<std::size_t>(spec.design.trajectories) * (k + 1));
  std::vector<std::size_t> order(k);
  for (int t = 0; t < spec.design.trajectories; ++t) {
    std::vector<double> x(k);
    for (double& u : x) u = static_cast<double>(rng.below(static_cast<std::uint64_t>(p))) / (p - 1);
    std::iota(order.begin(), order.end(), std::size_t{0});
    shuffle(order, rng);
    points.push_back(x);
    // levels below the middle step up by delta, the others down: both land on the grid
    for (std::size_t i : order) {
      x[i] += x[i] + delta <= 1.0 + 1e-12 ? delta : -delta;
      points.push_back(x);
    }
  }
  return points;
}

}  // namespace

double morrisDelta(int levels) { return levels / (2.0 * (levels - 1)); }

UnitPoints makeDesign(const SweepSpec& spec) {
  switch (spec.design.type) {
    case DesignType::Grid: return grid(spec);
    case DesignType::Random: return random(spec);
    case DesignType::Lhs: return latinHypercube(spec);
    case DesignType::Sobol: return saltelli(spec);
    case DesignType::Morris: return morris(spec);
  }
  return {};
}

}  // namespace chan::sweep
