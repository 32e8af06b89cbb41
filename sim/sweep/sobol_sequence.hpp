#pragma once
// Sobol low-discrepancy sequence (Bratley & Fox 1988, Gray-code order) with the direction
// numbers of Joe & Kuo (2008, new-joe-kuo-6.21201) for dimensions 1 to 21: enough for
// Saltelli's sampling scheme, which draws A and B side by side from 2k dimensions, for up to
// k = 10 swept parameters.
#include <array>
#include <cstdint>
#include <vector>

namespace chan::sweep {

class SobolSequence {
 public:
  static constexpr int kMaxDimensions = 21;

  /// dimensions in 1..kMaxDimensions (std::invalid_argument otherwise).
  explicit SobolSequence(int dimensions);

  /// The next point in [0, 1)^dimensions; the first call returns the origin.
  const std::vector<double>& next();

 private:
  static constexpr int kBits = 32;
  std::vector<std::array<std::uint32_t, kBits>> m_direction;  // V[dim][bit], scaled by 2^32
  std::vector<std::uint32_t> m_state;
  std::vector<double> m_point;
  std::uint64_t m_index = 0;
};

}  // namespace chan::sweep
