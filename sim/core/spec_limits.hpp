#pragma once
// Bounds of the scenario's core keys (sim/core/spec_schema.cpp): what a scenario may ask for
// before the run would be meaningless or exhaust memory. The explorer's controls use the same.
#include <cstdint>

namespace chan::limits {

inline constexpr double kHuge = 1e12;                        // money and unit amounts
inline constexpr double kMaxMap = 1e6;                       // km
inline constexpr std::int64_t kMaxTicks = 10'000'000;        // ticks of a run
inline constexpr std::int64_t kMaxCount = 50'000'000;        // consumers, runs
inline constexpr std::int64_t kMaxMembersPerGroup = 1'000'000;
inline constexpr std::size_t kMaxProductsPerBrand = 64;        // a member of a group carrying k of them is k listings
inline constexpr double kMaxListingsPerGroup = 16e6;             // members x products a group carries (memory)
inline constexpr double kMaxChoiceEntries = 2e9;             // consumers x choice-set size (~24 GB)

}  // namespace chan::limits
