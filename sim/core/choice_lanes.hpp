#pragma once
// Consumers' choice sets laid out for SIMD: the sampled-mode choice kernel
// (models/consumer_choice.cpp) evaluates kLanes consecutive consumers at once, one option slot
// at a time, so every load of a slot is contiguous and the prefix sums and the draw run
// across lanes without branches. Built once at set-up from the CSR rows of World::Consumers.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sim/core/raw_vector.hpp"

namespace chan {

/// Choice sets of consumers in groups of kLanes: group g holds consumers g*kLanes ..
/// g*kLanes + kLanes - 1, its rows padded to the group's longest row and stored slot-major
/// ([slot][lane]) so that slot s of all lanes is contiguous. Within a lane the options are in
/// outlet order (not the CSR row's nearest-first order): consumers who can reach the same
/// outlets then hold the same outlet in every slot, and their group is `shared`.
struct ChoiceLanes {
  static constexpr std::size_t kLanes = 8;  // consumers per group: two SSE or one AVX float vector
  std::vector<std::uint32_t> groupStart;    // first slot of group g; size groups + 1
  /// [slot * kLanes + lane]: the option's static weight (Consumers::choiceWeight) in single
  /// precision, 0 for padding: [0, 1]
  RawVector<float> weight;
  /// [slot * kLanes + lane]: index of the option's per-tick factor in a table laid out
  /// [segment * (outlets + 1) + outlet]; padding points at the segment's slot `outlets`, which
  /// holds factor 0
  RawVector<std::int32_t> factorIndex;
  /// Per group: 1 when all kLanes lanes exist and hold the same factor index in every slot
  /// (same segment, same outlets): the kernel then reads one factor per slot instead of kLanes.
  std::vector<std::uint8_t> shared;
  /// Per consumer: the outside option's static weight exp(Consumers::logOutside) in single
  /// precision; 0 without an outside option; NaN where it is not a normal float (the kernel
  /// then draws the consumer in double precision)
  std::vector<float> outside;
  std::size_t outlets = 0;  // outlets of the world the lanes were built for
  std::size_t longest = 0;  // most slots of any group (sizes scratch buffers)

  std::size_t groups() const { return groupStart.empty() ? 0 : groupStart.size() - 1; }
};

/// Builds the lanes from CSR rows (rowStart, choiceOutlet, choiceWeight), each consumer's
/// outside log weight (-inf: none) and segment; `outlets` = number of outlets (the factor
/// table's row length minus one). Empty (no groups: chooseOutlets then takes the double path)
/// when segments x (outlets + 1) exceeds int32. Parallel over groups (TBB); the layout does not
/// depend on the thread count.
ChoiceLanes buildChoiceLanes(std::span<const std::uint32_t> rowStart, std::span<const std::int32_t> choiceOutlet,
                             std::span<const double> choiceWeight, std::span<const double> logOutside,
                             std::span<const std::uint8_t> segment, std::size_t outlets);

}  // namespace chan
