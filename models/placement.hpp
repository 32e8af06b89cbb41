#pragma once
// Where agents live and what attributes they draw: uniform or clustered ("cities") placement
// on the map, and the named distributions of ScenarioSpec.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/core/rng.hpp"
#include "sim/core/spec.hpp"

namespace chan::models {

/// The map's draws (city centres, member and consumer places) come from streams keyed by
/// (map_seed, kMapRun), not (seed, run): another seed or sweep run redraws demand and behaviour
/// on the same map. Run 0, so that a scenario run at map_seed = seed and run 0 (every shipped
/// scenario at its own seed) draws the map it drew before map_seed existed.
constexpr std::uint64_t kMapRun = 0;

struct Point {
  double x = 0, y = 0;
};

/// City centres, drawn uniformly inside the middle 80% of the map (map_seed's stream).
std::vector<Point> makeCities(const ScenarioSpec& spec);

/// A point: "uniform" over the map; "cities" near a random city (normal spread, clamped to
/// the map) with probability urbanShare, else uniform; "centre" at the middle of the map.
Point placePoint(const ScenarioSpec& spec, const std::vector<Point>& cities, const std::string& placement,
                 double urbanShare, Stream& rng);

/// A draw from d. UniformQuantiles is deterministic: the (index + 0.5) / count quantile.
double draw(const Distribution& d, Stream& rng, std::size_t index, std::size_t count);

}  // namespace chan::models
