// Property test: random valid scenarios (random_scenario.hpp) load through the real loader,
// run with conservation checked every tick, write only finite numbers, and give byte-identical
// outputs with 1 and 2 threads. CHAN_PROPERTY_SCENARIOS sets how many (default 120).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include <tbb/global_control.h>

#include "sim/engine/engine.hpp"
#include "sim/io/run_output.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/io/yaml_reader.hpp"
#include "tests/property/random_scenario.hpp"

namespace {

using namespace chan;

struct Outputs {
  Summary summary;
  std::vector<std::string> files;  // summary.json, timeseries.csv, members.csv, events.csv
};

Outputs runWith(const ScenarioSpec& spec, int threads) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  Engine engine(spec);
  engine.run();  // spec.check: throws ConservationError when goods or money are not conserved
  Outputs o;
  o.summary = engine.summary();
  o.files = {io::summaryJson(o.summary), io::timeseriesCsv(engine.metrics(), spec), io::membersCsv(engine.world()),
             io::eventsCsv(engine.world())};
  return o;
}

// a CSV or JSON cell that spells a non-finite number (formatNumber writes "nan", "inf"; JSON null)
bool hasNonFinite(const std::string& text) {
  std::string cell;
  for (char ch : text + "\n") {
    if (ch == ',' || ch == '\n' || ch == ' ' || ch == ':') {
      for (const char* bad : {"nan", "-nan", "inf", "-inf", "null", "NaN", "Infinity", "-Infinity"})
        if (cell == bad) return true;
      cell.clear();
    } else if (ch != '"' && ch != '}' && ch != '{' && ch != '[' && ch != ']') {
      cell += ch;
    }
  }
  return false;
}

int scenarioCount() {
  const char* env = std::getenv("CHAN_PROPERTY_SCENARIOS");
  return env ? std::max(1, std::atoi(env)) : 120;
}

}  // namespace

TEST_CASE("the non-finite check recognises the spellings a writer could produce", "[property]") {
  CHECK(hasNonFinite("a,b\n1,nan\n"));
  CHECK(hasNonFinite("{\"x\": null}"));
  CHECK(hasNonFinite("1,-inf,2"));
  CHECK_FALSE(hasNonFinite("name,infinite_stock,nanny\n1,2,3\n"));
}

TEST_CASE("random valid scenarios conserve goods and money, stay finite and ignore the thread count",
          "[property]") {
  Stream rng(0xC4A5'5EEDULL);  // fixed: the same scenarios every run
  const int count = scenarioCount();
  int mechanisms = 0, selling = 0;
  for (int i = 0; i < count; ++i) {
    const std::string yaml = property::randomScenarioYaml(rng, i);
    INFO("generated scenario " << i << ":\n" << yaml);
    ScenarioSpec spec;
    REQUIRE_NOTHROW(spec = io::parseScenario(io::loadYamlText(yaml, "random.yaml"), "random.yaml"));
    REQUIRE(spec.check);
    // (the mechanisms live in mechanisms/: on when the resolved scenario writes their sections)
    const YAML::Node resolved = io::toYaml(spec);
    mechanisms += static_cast<int>(resolved["monitoring"].IsDefined()) +
                  static_cast<int>(resolved["enforcement"].IsDefined()) +
                  static_cast<int>(resolved["partner_policy"].IsDefined()) +
                  static_cast<int>(resolved["disputes"].IsDefined());
    Outputs one, two;
    REQUIRE_NOTHROW(one = runWith(spec, 1));
    REQUIRE_NOTHROW(two = runWith(spec, 2));
    for (const auto& [key, value] : one.summary) selling += key == "sales.units" && value > 0;
    for (const auto& [key, value] : one.summary) {
      INFO("summary." << key);
      CHECK(std::isfinite(value));
    }
    for (std::size_t f = 0; f < one.files.size(); ++f) {
      INFO("output file " << f << ":\n" << one.files[f]);
      CHECK_FALSE(hasNonFinite(one.files[f]));
      CHECK(one.files[f] == two.files[f]);
    }
  }
  // the generator switches the mechanisms on often enough to matter, and most scenarios sell
  CHECK(mechanisms >= count);
  CHECK(selling >= count / 2);
}
