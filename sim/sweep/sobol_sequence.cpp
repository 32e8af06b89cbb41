#include "sim/sweep/sobol_sequence.hpp"

#include <bit>
#include <stdexcept>
#include <string>

namespace chan::sweep {
namespace {

/// Joe & Kuo's rows for dimensions 2..21: degree s of the primitive polynomial, its
/// coefficients a (bits of the interior terms) and the initial direction numbers m_1..m_s.
struct Primitive {
  int s;
  std::uint32_t a;
  std::array<std::uint32_t, 7> m;
};
constexpr std::array<Primitive, SobolSequence::kMaxDimensions - 1> kJoeKuo = {{
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
}};

}  // namespace

SobolSequence::SobolSequence(int dimensions) {
  if (dimensions < 1 || dimensions > kMaxDimensions)
    throw std::invalid_argument("Sobol sequence: " + std::to_string(dimensions) + " dimensions (supported: 1 to " +
                                std::to_string(kMaxDimensions) + ")");
  const auto dims = static_cast<std::size_t>(dimensions);
  m_direction.resize(dims);
  for (int i = 0; i < kBits; ++i)
    m_direction[0][static_cast<std::size_t>(i)] = 1u << (kBits - 1 - i);  // van der Corput
  for (std::size_t d = 1; d < dims; ++d) {
    const Primitive& p = kJoeKuo[d - 1];
    auto& v = m_direction[d];
    const auto s = static_cast<std::size_t>(p.s);
    for (std::size_t i = 0; i < s; ++i) v[i] = p.m[i] << (kBits - 1 - i);
    // recurrence of the primitive polynomial: v_i = a_1 v_{i-1} ^ ... ^ a_{s-1} v_{i-s+1} ^ v_{i-s} ^ (v_{i-s} >> s)
    for (std::size_t i = s; i < static_cast<std::size_t>(kBits); ++i) {
      v[i] = v[i - s] ^ (v[i - s] >> s);
      for (std::size_t k = 1; k < s; ++k)
        if ((p.a >> (s - 1 - k)) & 1u) v[i] ^= v[i - k];
    }
  }
  m_state.assign(dims, 0);
  m_point.assign(dims, 0.0);
}

const std::vector<double>& SobolSequence::next() {
  if (m_index > 0) {
    // Gray-code order: point i differs from point i-1 by the direction of the lowest zero bit of i-1
    const auto bit = static_cast<std::size_t>(std::countr_one(m_index - 1));
    if (bit >= static_cast<std::size_t>(kBits)) throw std::length_error("Sobol sequence: more than 2^32 points");
    for (std::size_t d = 0; d < m_state.size(); ++d) {
      m_state[d] ^= m_direction[d][bit];
      m_point[d] = static_cast<double>(m_state[d]) * 0x1.0p-32;
    }
  }
  ++m_index;
  return m_point;
}

}  // namespace chan::sweep
