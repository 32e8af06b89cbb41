#include "sim/core/choice_lanes.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

namespace chan {

ChoiceLanes buildChoiceLanes(std::span<const std::uint32_t> rowStart, std::span<const std::int32_t> choiceOutlet,
                             std::span<const double> choiceWeight, std::span<const double> logOutside,
                             std::span<const std::uint8_t> segment, std::size_t outlets) {
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
  // (every slot of every group is written below, in parallel)
  lanes.weight.resize(slots * L);
  lanes.factorIndex.resize(slots * L);
  lanes.shared.assign(groups, 0);
  lanes.outside.assign(consumers, 0.0f);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, groups), [&](const tbb::blocked_range<std::size_t>& r) {
    std::vector<std::uint32_t> order;
    for (std::size_t g = r.begin(); g != r.end(); ++g) {
      const std::size_t first = lanes.groupStart[g], width = lanes.groupStart[g + 1] - first;
      // padding (lanes past the last consumer included): weight 0, segment 0's factor 0
      std::fill(lanes.weight.begin() + static_cast<std::ptrdiff_t>(first * L),
                lanes.weight.begin() + static_cast<std::ptrdiff_t>((first + width) * L), 0.0f);
      std::fill(lanes.factorIndex.begin() + static_cast<std::ptrdiff_t>(first * L),
                lanes.factorIndex.begin() + static_cast<std::ptrdiff_t>((first + width) * L),
                static_cast<std::int32_t>(outlets));
      for (std::size_t i = g * L; i < std::min(consumers, g * L + L); ++i) {
        const std::size_t lane = i % L, base = segment[i] * stride;
        for (std::size_t s = first; s < first + width; ++s)
          lanes.factorIndex[s * L + lane] = static_cast<std::int32_t>(base + outlets);  // padding: factor 0
        // the row's options in outlet order
        order.resize(rowStart[i + 1] - rowStart[i]);
        std::iota(order.begin(), order.end(), rowStart[i]);
        std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return choiceOutlet[a] < choiceOutlet[b]; });
        for (std::size_t k = 0; k < order.size(); ++k) {
          const std::size_t at = (first + k) * L + lane;
          lanes.weight[at] = static_cast<float>(choiceWeight[order[k]]);
          lanes.factorIndex[at] = static_cast<std::int32_t>(base + static_cast<std::size_t>(choiceOutlet[order[k]]));
        }
        if (!std::isinf(logOutside[i])) {
          const auto w = static_cast<float>(std::exp(logOutside[i]));
          lanes.outside[i] = std::isnormal(w) ? w : std::numeric_limits<float>::quiet_NaN();
        }
      }
      bool same = g * L + L <= consumers;
      for (std::size_t s = first; s < first + width && same; ++s)
        for (std::size_t lane = 1; lane < L; ++lane) same = same && lanes.factorIndex[s * L + lane] == lanes.factorIndex[s * L];
      lanes.shared[g] = same ? 1 : 0;
    }
  });
  return lanes;
}

}  // namespace chan
