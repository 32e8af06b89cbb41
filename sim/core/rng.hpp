#pragma once
// Counter-based random streams. A stream is keyed by (seed, run, tick, purpose, agent) and
// draws are a pure function of the key and a counter, so results never depend on thread
// count, block scheduling or the order in which agents are visited.
#include <cmath>
#include <cstdint>

namespace chan {

/// What a stream is used for; part of the key so that phases never share numbers.
enum class StreamPurpose : std::uint64_t {
  Setup = 1,        // world construction (placement, attributes)
  Shopping = 2,     // consumer: shops today?, which outlet
  Substitution = 3, // consumer: second choice after a stock-out
  Pricing = 4,      // member pricing behaviours
  Allocation = 5,   // rationing order among consumers
  Monitoring = 6,   // detections and audits
  Logistics = 7,    // shipment delays
  Breach = 8,       // information-security incidents
};

/// SplitMix64 finaliser (Steele, Lea & Flood 2014): a bijective 64-bit mixer.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// Derives a stream key; each field passes through the mixer so nearby keys decorrelate.
constexpr std::uint64_t streamKey(std::uint64_t seed, std::uint64_t run, std::uint64_t tick,
                                  StreamPurpose purpose, std::uint64_t agent) {
  std::uint64_t h = mix64(seed + 0x9e3779b97f4a7c15ULL);
  h = mix64(h ^ (run + 0x632be59bd9b4e019ULL));
  h = mix64(h ^ (tick + 0x85157af5ULL));
  h = mix64(h ^ static_cast<std::uint64_t>(purpose));
  return mix64(h ^ (agent * 0xd6e8feb86659fd93ULL));
}

/// A small stream: draw n is mix64(key + n * golden). Cheap to create per agent per tick.
class Stream {
 public:
  constexpr explicit Stream(std::uint64_t key) : m_key(key) {}
  Stream(std::uint64_t seed, std::uint64_t run, std::uint64_t tick, StreamPurpose purpose,
         std::uint64_t agent)
      : m_key(streamKey(seed, run, tick, purpose, agent)) {}

  constexpr std::uint64_t nextU64() { return mix64(m_key + (++m_counter) * 0x9e3779b97f4a7c15ULL); }
  /// Uniform in [0, 1) with 53 random bits.
  constexpr double uniform() { return static_cast<double>(nextU64() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Standard normal (Box-Muller; one of the pair is discarded to keep draws stateless).
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  /// Draws made so far.
  constexpr std::uint64_t draws() const { return m_counter; }
  /// Skips n draws: a stream under another key can continue the count where this one stopped.
  constexpr void skip(std::uint64_t n) { m_counter += n; }
  /// Integer in [0, n).
  std::uint64_t below(std::uint64_t n) { return static_cast<std::uint64_t>(uniform() * static_cast<double>(n)); }

 private:
  std::uint64_t m_key;
  std::uint64_t m_counter = 0;
};

}  // namespace chan
