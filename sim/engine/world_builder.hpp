#pragma once
#include "sim/core/world.hpp"

namespace chan {

/// Builds the members, the supply graph, the consumers and their choice sets from a
/// validated spec. The World keeps a pointer to spec, which must outlive it. Prices and
/// opening stock are set by the Engine.
World buildWorld(const ScenarioSpec& spec);

}  // namespace chan
