// Google Benchmark: the consumer choice phase (models::chooseOutlets) on the RETAIL_SPEC
// reference model (scenarios/bench/retail_choice.yaml), and a whole engine tick for context.
//
//   build-bench/bench/bench_consumer_choice                       # all cases
//   build-bench/bench/bench_consumer_choice --benchmark_filter=Choose
//
// items_per_second = consumer decisions per second (N per chooseOutlets call / per tick).
// Set-up (loading the scenario, building the world and its choice sets) is outside the timed loop.
// Threads are capped with tbb::global_control; results do not depend on the thread count
// (fixed-size consumer blocks merged in block order).
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <benchmark/benchmark.h>
#include <tbb/global_control.h>

#include "models/consumer_choice.hpp"
#include "sim/core/rng.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/world_builder.hpp"
#include "sim/io/scenario_loader.hpp"

namespace {

using namespace chan;

std::string retailScenario() {
  if (const char* path = std::getenv("CHAN_RETAIL_SCENARIO")) return path;
  return std::string(CHAN_SOURCE_DIR) + "/scenarios/bench/retail_choice.yaml";
}

/// The retail model at N consumers and K retailers, as the CLI would load it.
ScenarioSpec retailSpec(long n, long k) {
  return io::loadScenario(retailScenario(),
                          {"consumers.count=" + std::to_string(n), "members[1].count=" + std::to_string(k),
                           "consumers.choice_set.nearest=" + std::to_string(k)});
}

/// A built world with opening prices p_k ~ U(1, 2) and every outlet in stock; cached per size
/// because Google Benchmark calls each case several times.
struct RetailWorld {
  ScenarioSpec spec;
  World world;
  models::OutletFactors factors;
};

RetailWorld& retailWorld(long n, long k) {
  static std::map<std::pair<long, long>, std::unique_ptr<RetailWorld>> cache;
  auto& slot = cache[{n, k}];
  if (!slot) {
    slot = std::make_unique<RetailWorld>();
    slot->spec = retailSpec(n, k);
    slot->world = buildWorld(slot->spec);
    World& w = slot->world;
    std::vector<double> price(w.outlets.size());
    std::vector<std::uint8_t> available(w.outlets.size(), 1);
    for (std::size_t o = 0; o < w.outlets.size(); ++o) {
      Stream rng(slot->spec.seed, 0, 0, StreamPurpose::Pricing, static_cast<std::uint64_t>(w.outlets[o]));
      price[o] = rng.uniform(1.0, 2.0);
    }
    models::computeFactors(w, price, available, slot->factors);
  }
  return *slot;
}

// Args: consumers N, retailers K, threads
void BM_ChooseOutlets(benchmark::State& state) {
  const long n = state.range(0), k = state.range(1);
  const auto threads = static_cast<std::size_t>(state.range(2));
  RetailWorld& r = retailWorld(n, k);
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  models::DemandRound round;
  for (auto _ : state) {
    ++r.world.tick;  // fresh random draws each call, as in a run
    models::chooseOutlets(r.world, r.factors, round);
    benchmark::DoNotOptimize(round.demand.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["K"] = static_cast<double>(k);
  state.counters["threads"] = static_cast<double>(threads);
}
BENCHMARK(BM_ChooseOutlets)
    ->ArgNames({"N", "K", "threads"})
    ->Args({100'000, 10, 1})
    ->Args({100'000, 10, 2})
    ->Args({10'000, 50, 1})
    ->Args({10'000, 50, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// One whole engine tick (pricing, choice, fulfilment, replenishment, settlement, metrics).
// Args: consumers N, retailers K, threads
void BM_EngineTick(benchmark::State& state) {
  const long n = state.range(0), k = state.range(1);
  const auto threads = static_cast<std::size_t>(state.range(2));
  static std::map<std::pair<long, long>, std::unique_ptr<std::pair<ScenarioSpec, std::unique_ptr<Engine>>>> cache;
  auto& slot = cache[{n, k}];
  if (!slot) {
    slot = std::make_unique<std::pair<ScenarioSpec, std::unique_ptr<Engine>>>();
    slot->first = retailSpec(n, k);
    slot->first.ticks = 1 << 30;
    slot->second = std::make_unique<Engine>(slot->first);
  }
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  for (auto _ : state) slot->second->step();
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["threads"] = static_cast<double>(threads);
}
BENCHMARK(BM_EngineTick)
    ->ArgNames({"N", "K", "threads"})
    ->Args({100'000, 10, 1})
    ->Args({100'000, 10, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
