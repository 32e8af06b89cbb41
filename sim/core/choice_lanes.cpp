#include "sim/core/choice_lanes.hpp"

#include <algorithm>
#include <limits>

namespace chan {

ChoiceLanes buildChoiceLanes(const std::vector<std::uint32_t>& rowStart, const std::vector<std::int32_t>& choiceOutlet,
                             const std::vector<double>& choiceWeight, const std::vector<std::uint8_t>& segment,
                             std::size_t outlets) {
  constexpr std::size_t L = ChoiceLanes::kLanes;
  ChoiceLanes lanes;
  lanes.outlets = outlets;
  const std::size_t consumers = segment.size();
  const std::size_t groups = (consumers + L - 1) / L;
  const std::size_t stride = outlets + 1;
  // factor indices are 32-bit: a world too large for them gets no lanes (the double path runs)
  const std::size_t segments = segment.empty() ? 0 : *std::max_element(segment.begin(), segment.end()) + std::size_t{1};
  if (segments * stride > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) return lanes;
  lanes.groupStart.assign(groups + 1, 0);
  for (std::size_t g = 0; g < groups; ++g) {
    std::size_t width = 0;
    for (std::size_t i = g * L; i < std::min(consumers, g * L + L); ++i)
      width = std::max<std::size_t>(width, rowStart[i + 1] - rowStart[i]);
    lanes.longest = std::max(lanes.longest, width);
    lanes.groupStart[g + 1] = lanes.groupStart[g] + static_cast<std::uint32_t>(width);
  }
  const std::size_t slots = lanes.groupStart[groups];
  lanes.weight.assign(slots * L, 0.0f);
  lanes.factorIndex.assign(slots * L, static_cast<std::int32_t>(outlets));
  for (std::size_t i = 0; i < consumers; ++i) {
    const std::size_t g = i / L, lane = i % L, first = lanes.groupStart[g];
    const std::size_t base = segment[i] * stride;
    for (std::size_t s = first; s < lanes.groupStart[g + 1]; ++s)
      lanes.factorIndex[s * L + lane] = static_cast<std::int32_t>(base + outlets);  // padding: factor 0
    for (std::uint32_t j = rowStart[i]; j < rowStart[i + 1]; ++j) {
      const std::size_t s = first + (j - rowStart[i]);
      lanes.weight[s * L + lane] = static_cast<float>(choiceWeight[j]);
      lanes.factorIndex[s * L + lane] = static_cast<std::int32_t>(base + static_cast<std::size_t>(choiceOutlet[j]));
    }
  }
  return lanes;
}

}  // namespace chan
