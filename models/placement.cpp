#include "models/placement.hpp"

#include <algorithm>
#include <cmath>

namespace chan::models {

std::vector<Point> makeCities(const ScenarioSpec& spec) {
  Stream rng(spec.mapSeed, kMapRun, 0, StreamPurpose::Setup, 0xC17E5);
  std::vector<Point> cities(static_cast<std::size_t>(spec.cityCount));
  for (auto& c : cities) {
    c.x = spec.width * rng.uniform(0.1, 0.9);
    c.y = spec.height * rng.uniform(0.1, 0.9);
  }
  return cities;
}

Point placePoint(const ScenarioSpec& spec, const std::vector<Point>& cities, const std::string& placement,
                 double urbanShare, Stream& rng) {
  if (placement == "centre") return {spec.width / 2, spec.height / 2};
  const double u = rng.uniform();
  if (placement == "cities" && !cities.empty() && u < urbanShare) {
    const Point& c = cities[rng.below(cities.size())];
    return {std::clamp(c.x + spec.citySpread * rng.normal(), 0.0, spec.width),
            std::clamp(c.y + spec.citySpread * rng.normal(), 0.0, spec.height)};
  }
  return {spec.width * rng.uniform(), spec.height * rng.uniform()};
}

double draw(const Distribution& d, Stream& rng, std::size_t index, std::size_t count) {
  switch (d.type) {
    case Distribution::Type::Constant: return d.a;
    case Distribution::Type::Uniform: return rng.uniform(d.a, d.b);
    case Distribution::Type::UniformQuantiles:
      return d.a + (d.b - d.a) * (static_cast<double>(index) + 0.5) / static_cast<double>(count);
    case Distribution::Type::Normal: return d.a + d.b * rng.normal();
    case Distribution::Type::LogNormal: return std::exp(d.a + d.b * rng.normal());
  }
  return d.a;
}

}  // namespace chan::models
