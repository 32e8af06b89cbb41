#pragma once
// NSGA-II for two objectives with constraints (Deb, Pratap, Agarwal & Meyarivan 2002, "A fast
// and elitist multiobjective genetic algorithm: NSGA-II", IEEE Trans. Evol. Comput. 6(2)):
// binary tournaments on (front, crowding distance), simulated binary crossover and polynomial
// mutation in the unit cube, elitist selection from parents and offspring together.
// Constraints by constrained domination (ibid., sec. VI): a feasible point beats an infeasible
// one, of two infeasible points the smaller violation wins. Written here for the reasons given
// in cmaes.hpp: pagmo2's NSGA-II (Debian's libpagmo-dev) takes no constraints and runs its own
// evolve() loop instead of ask/tell generations over the sweep runner.
#include <cstdint>
#include <vector>

#include "sim/core/rng.hpp"
#include "sim/optimize/search.hpp"

namespace chan::optimize {

/// Non-dominated sorting (Deb et al. 2002, fast-non-dominated-sort) under constrained
/// domination: the front index of each score, 0 for the first front. Objectives minimised.
std::vector<int> frontOf(const std::vector<Score>& scores);

/// Crowding distance of the members of one front (indices into scores); boundary points infinite.
std::vector<double> crowding(const std::vector<Score>& scores, const std::vector<std::size_t>& front);

class Nsga2 {
 public:
  /// population: even, >= 4; the first generation is a Latin hypercube drawn from seed.
  Nsga2(int dims, int population, std::uint64_t seed);

  /// The next generation: the initial sample, then offspring of the current population.
  std::vector<std::vector<double>> ask();
  /// The generation as evaluated (repaired points and their scores, in ask order).
  void tell(const std::vector<std::vector<double>>& points, const std::vector<Score>& scores);

 private:
  std::size_t tournament(Stream& rng) const;

  int m_dims, m_population;
  std::uint64_t m_seed;
  long m_generation = 0;
  std::vector<std::vector<double>> m_points;  // current population
  std::vector<Score> m_scores;
  std::vector<int> m_front;
  std::vector<double> m_crowd;
};

}  // namespace chan::optimize
