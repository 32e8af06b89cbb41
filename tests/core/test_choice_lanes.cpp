// ChoiceLanes (sim/core/choice_lanes.hpp): the lane layout must hold every option of every row
// at (slot, lane) = (group start + rank of its outlet in the row, consumer mod kLanes), pad
// shorter rows with weight 0 pointing at the segment's zero-factor slot, size each group to its
// longest row, mark a group shared only when its 8 lanes hold the same factor index in every
// slot, and keep exp(logOutside) per consumer. Expected layouts are written out by hand from
// small CSR rows.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "sim/core/choice_lanes.hpp"

using chan::ChoiceLanes;

TEST_CASE("choice lanes: rows are laid out slot by slot, padded to the group's longest row", "[choice]") {
  constexpr std::size_t L = ChoiceLanes::kLanes;
  // 10 consumers: group 0 = consumers 0-7, group 1 = consumers 8-9 (lanes 2-7 empty).
  // Row lengths 2,3,1,0,2,2,2,2 | 4,1; 5 outlets, so the factor table row is 6 long.
  const std::vector<std::uint32_t> len = {2, 3, 1, 0, 2, 2, 2, 2, 4, 1};
  std::vector<std::uint32_t> rowStart = {0};
  std::vector<std::int32_t> outlet;
  std::vector<double> weight;
  for (std::size_t i = 0; i < len.size(); ++i) {
    for (std::uint32_t j = 0; j < len[i]; ++j) {
      outlet.push_back(static_cast<std::int32_t>((i + j) % 5));
      weight.push_back(1.0 / static_cast<double>(1 + i + j));  // 1/(1+i+j): distinct per option
    }
    rowStart.push_back(static_cast<std::uint32_t>(outlet.size()));
  }
  const std::vector<std::uint8_t> segment = {0, 1, 0, 1, 0, 0, 0, 0, 1, 0};
  const std::vector<double> logOutside(len.size(), -std::numeric_limits<double>::infinity());
  const ChoiceLanes lanes = chan::buildChoiceLanes(rowStart, outlet, weight, logOutside, segment, 5);
  REQUIRE(lanes.groups() == 2);
  CHECK(lanes.groupStart[0] == 0);
  CHECK(lanes.groupStart[1] == 3);  // longest row of group 0: consumer 1, 3 options
  CHECK(lanes.groupStart[2] == 7);  // ... of group 1: consumer 8, 4 options
  CHECK(lanes.longest == 4);
  REQUIRE(lanes.weight.size() == 7 * L);
  for (std::size_t i = 0; i < len.size(); ++i) {
    const std::size_t g = i / L, lane = i % L;
    for (std::uint32_t s = 0; s < lanes.groupStart[g + 1] - lanes.groupStart[g]; ++s) {
      const std::size_t at = (lanes.groupStart[g] + s) * L + lane;
      INFO("consumer " << i << " slot " << s);
      if (s < len[i]) {
        // row i lists outlets i % 5, (i + 1) % 5, ...; in outlet order the wrapped ones come
        // first: slot s holds position j of the row with (i + j) % 5 the s-th smallest
        const std::size_t wrapped = i % 5 + len[i] > 5 ? i % 5 + len[i] - 5 : 0;  // outlets 0 .. wrapped-1
        const std::size_t j = s < wrapped ? 5 - i % 5 + s : s - wrapped;
        CHECK(lanes.weight[at] == static_cast<float>(1.0 / static_cast<double>(1 + i + j)));
        CHECK(lanes.factorIndex[at] == static_cast<std::int32_t>(segment[i] * 6 + (i + j) % 5));
      } else {  // padding: no weight, the segment's extra slot (factor 0)
        CHECK(lanes.weight[at] == 0.0f);
        CHECK(lanes.factorIndex[at] == static_cast<std::int32_t>(segment[i] * 6 + 5));
      }
    }
  }
  // lanes past the last consumer: zero weight
  for (std::size_t s = 3; s < 7; ++s)
    for (std::size_t lane = 2; lane < L; ++lane) CHECK(lanes.weight[s * L + lane] == 0.0f);
  // different rows (group 0) and a group of 2 consumers (group 1): never shared
  CHECK(lanes.shared == std::vector<std::uint8_t>{0, 0});
  CHECK(lanes.outside == std::vector<float>(len.size(), 0.0f));
}

TEST_CASE("choice lanes: consumers with the same outlets in any order share their group", "[choice]") {
  constexpr std::size_t L = ChoiceLanes::kLanes;
  // 16 consumers, each reaching outlets 0, 1, 2 (of 3), nearest first in a different order
  // each; consumer 12 (group 1) is in segment 1, the others in segment 0
  std::vector<std::uint32_t> rowStart = {0};
  std::vector<std::int32_t> outlet;
  std::vector<double> weight;
  for (std::size_t i = 0; i < 2 * L; ++i) {
    for (std::size_t j = 0; j < 3; ++j) {
      outlet.push_back(static_cast<std::int32_t>((i + j) % 3));
      weight.push_back(0.25 * static_cast<double>(1 + (i + j) % 3));  // weight 0.25 (1 + outlet)
    }
    rowStart.push_back(static_cast<std::uint32_t>(outlet.size()));
  }
  std::vector<std::uint8_t> segment(2 * L, 0);
  segment[12] = 1;
  std::vector<double> logOutside(2 * L, -std::numeric_limits<double>::infinity());
  logOutside[0] = std::log(0.5);
  logOutside[1] = 200.0;  // exp(200) overflows float: marked NaN for the double path
  const ChoiceLanes lanes = chan::buildChoiceLanes(rowStart, outlet, weight, logOutside, segment, 3);
  CHECK(lanes.shared == std::vector<std::uint8_t>{1, 0});
  for (std::size_t i = 0; i < 2 * L; ++i)
    for (std::size_t s = 0; s < 3; ++s) {
      const std::size_t at = (lanes.groupStart[i / L] + s) * L + i % L;
      CHECK(lanes.factorIndex[at] == static_cast<std::int32_t>(segment[i] * 4 + s));
      CHECK(lanes.weight[at] == 0.25f * static_cast<float>(1 + s));
    }
  CHECK(lanes.outside[0] == 0.5f);
  CHECK(std::isnan(lanes.outside[1]));
  CHECK(lanes.outside[2] == 0.0f);
}
