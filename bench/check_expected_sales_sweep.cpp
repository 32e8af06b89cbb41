// check_expected_sales_sweep: models::expectedSales answers the integrated-optimum sweep
// (outlet 0, 1, 2, ... at the same prices, as Engine::summary asks) from one pass over all
// consumers. This checks, bit for bit, that those answers equal the one-outlet-at-a-time path
// (the same calls in descending order, which never form a sweep), also for rows that list an
// outlet twice and for outletConsumers lists out of consumer order. Exit status 1 on a mismatch.
//
//   build-bench/bench/check_expected_sales_sweep [SCENARIO]     (default scenarios/flagship.yaml)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "models/consumer_choice.hpp"
#include "sim/engine/world_builder.hpp"
#include "sim/io/scenario_loader.hpp"

namespace {

using namespace chan;

int compareSweep(const World& w, const char* label) {
  using Clock = std::chrono::steady_clock;
  const std::size_t n = w.outlets.size();
  int mismatches = 0;
  double sweepMs = 0, singleMs = 0;
  for (double p : {12.0, 25.0, 31.5}) {
    std::vector<double> price(n);
    for (std::size_t o = 0; o < n; ++o) price[o] = p + 0.37 * static_cast<double>(o % 5);
    std::vector<double> sweep(n), single(n);
    const auto t0 = Clock::now();
    for (std::size_t o = 0; o < n; ++o) {
      const int t = static_cast<int>(o);
      sweep[o] = models::expectedSales(w, std::span<const int>(&t, 1), price);
    }
    const auto t1 = Clock::now();
    for (std::size_t o = n; o-- > 0;) {
      const int t = static_cast<int>(o);
      single[o] = models::expectedSales(w, std::span<const int>(&t, 1), price);
    }
    const auto t2 = Clock::now();
    sweepMs += std::chrono::duration<double, std::milli>(t1 - t0).count();
    singleMs += std::chrono::duration<double, std::milli>(t2 - t1).count();
    for (std::size_t o = 0; o < n; ++o) mismatches += std::memcmp(&sweep[o], &single[o], sizeof(double)) != 0;
  }
  std::printf("%-45s %3d mismatches   sweep %8.2f ms, one at a time %8.2f ms\n", label, mismatches, sweepMs, singleMs);
  return mismatches;
}

void rebuildOutletLists(World& w) {
  const auto& c = w.consumers;
  w.outletConsumers.assign(w.outlets.size(), {});
  for (std::size_t i = 0; i < c.size(); ++i)
    for (std::uint32_t j = c.rowStart[i]; j < c.rowStart[i + 1]; ++j)
      w.outletConsumers[static_cast<std::size_t>(c.choiceOutlet[j])].push_back(static_cast<int>(i));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string scenario = argc > 1 ? argv[1] : std::string(CHAN_SOURCE_DIR) + "/scenarios/flagship.yaml";
  try {
    const ScenarioSpec spec = io::loadScenario(scenario, {"consumers.count=20000"});
    World w = buildWorld(spec);
    int bad = compareSweep(w, "as built");
    // every 7th consumer lists its first outlet three times (replacing the next two entries)
    auto& c = w.consumers;
    for (std::size_t i = 0; i < c.size(); i += 7)
      if (c.rowStart[i + 1] - c.rowStart[i] >= 3)
        c.choiceOutlet[c.rowStart[i] + 1] = c.choiceOutlet[c.rowStart[i] + 2] = c.choiceOutlet[c.rowStart[i]];
    rebuildOutletLists(w);
    w.tick = 1;  // the world's rows changed: a new tick makes the memo check them again
    bad += compareSweep(w, "rows listing an outlet three times");
    for (auto& list : w.outletConsumers) std::reverse(list.begin(), list.end());
    w.tick = 2;
    bad += compareSweep(w, "outletConsumers in reverse consumer order");
    std::printf(bad == 0 ? "ok: identical\n" : "FAILED\n");
    return bad == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
}
