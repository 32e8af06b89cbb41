// Loads a scenario with the installed headers and libraries, runs it, and prints two headline
// metrics: the check that `find_package(chansim)` gives a complete, linkable package.
#include <cstdio>
#include <exception>

#include "sim/engine/engine.hpp"
#include "sim/io/scenario_loader.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: consumer SCENARIO.yaml\n");
    return 2;
  }
  try {
    const chan::ScenarioSpec spec = chan::io::loadScenario(argv[1], {"ticks=5"});
    chan::Engine engine(spec);
    engine.run();
    for (const auto& [name, value] : engine.summary())
      if (name == "sales.units" || name == "margin.channel_profit") std::printf("%s %.2f\n", name.c_str(), value);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "consumer: %s\n", e.what());
    return 1;
  }
}
