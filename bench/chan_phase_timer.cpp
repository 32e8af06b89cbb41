// chan_phase_timer: runs a scenario through the ordinary Engine and reports the phases of the
// run separately, because the chansim CLI's "ran in X s" covers set-up + ticks + summary while
// RETAIL_SPEC's consumer-steps/s counts the ticks only.
//
//   chan_phase_timer SCENARIO [--threads T] [--ticks S] [--set key=value]... [--no-summary]
//
// Prints one CSV line (header with --header):
//   scenario,consumers,ticks,threads,setup_s,run_s,summary_s,total_s,consumer_steps_per_s,price_sum
// consumer_steps_per_s = consumers * ticks / run_s; price_sum = sum of final outlet prices.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <tbb/global_control.h>

#include "sim/engine/engine.hpp"
#include "sim/io/scenario_loader.hpp"

int main(int argc, char** argv) {
  using Clock = std::chrono::steady_clock;
  auto seconds = [](Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); };
  std::string scenario;
  std::vector<std::string> sets;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  bool summary = true, header = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--threads" && i + 1 < argc) threads = std::atoi(argv[++i]);
    else if (a == "--ticks" && i + 1 < argc) sets.push_back(std::string("ticks=") + argv[++i]);
    else if (a == "--seed" && i + 1 < argc) sets.push_back(std::string("seed=") + argv[++i]);
    else if (a == "--set" && i + 1 < argc) sets.emplace_back(argv[++i]);
    else if (a == "--no-summary") summary = false;
    else if (a == "--header") header = true;
    else if (scenario.empty() && a[0] != '-') scenario = a;
    else {
      std::fprintf(stderr,
                   "usage: chan_phase_timer SCENARIO [--threads T] [--ticks S] [--seed X] [--set k=v]... "
                   "[--no-summary] [--header]\n");
      return 2;
    }
  }
  if (scenario.empty()) {
    std::fprintf(stderr, "chan_phase_timer: no scenario given\n");
    return 2;
  }
  try {
    const chan::ScenarioSpec spec = chan::io::loadScenario(scenario, sets);
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    const auto t0 = Clock::now();
    chan::Engine engine(spec);
    const auto t1 = Clock::now();
    engine.run();
    const auto t2 = Clock::now();
    if (summary) (void)engine.summary();
    const auto t3 = Clock::now();
    const chan::World& w = engine.world();
    double priceSum = 0;
    for (int m : w.outlets) priceSum += w.members.price[static_cast<std::size_t>(m)];
    const double run = seconds(t1, t2);
    if (header)
      std::printf("scenario,consumers,ticks,threads,setup_s,run_s,summary_s,total_s,consumer_steps_per_s,price_sum\n");
    std::printf("%s,%zu,%d,%d,%.4f,%.4f,%.4f,%.4f,%.0f,%.4f\n", spec.name.c_str(), w.consumers.size(), w.tick, threads,
                seconds(t0, t1), run, seconds(t2, t3), seconds(t0, t3),
                static_cast<double>(w.consumers.size()) * w.tick / run, priceSum);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
