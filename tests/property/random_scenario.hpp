#pragma once
// A generator of random valid scenarios, written as YAML text so that they go through the real
// loader: random tiers (0-2 distributor levels), member kinds, counts, terms, consumers,
// segments and every optional mechanism switched on or off at random.
#include <string>

#include "sim/core/rng.hpp"

namespace chan::property {

/// The index-th scenario drawn from rng: small (at most ~400 consumers, ~40 members, 12 ticks)
/// so that hundreds run in seconds; block_size 64 so that 2 threads split the consumers.
std::string randomScenarioYaml(Stream& rng, int index);

}  // namespace chan::property
