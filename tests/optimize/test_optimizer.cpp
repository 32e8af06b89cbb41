// chansim optimize on engine scenarios: validation case 1's wholesale price (Spengler 1950,
// w* = (a/b + c)/2), the same problem under a sales floor that binds, a killed optimisation
// resumed to byte-identical outputs on another thread count, and bad files rejected.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "sim/io/yaml_reader.hpp"
#include "sim/optimize/optimizer.hpp"
#include "sim/sweep/output_dir.hpp"
#include "test_util.hpp"

using namespace chan;
using namespace chan::optimize;
namespace fs = std::filesystem;
namespace test = chan::sweep::test;

namespace {

const std::string kChain = test::sourcePath("tests/data/optimize/wholesale_chain.yaml");

nlohmann::json readJson(const fs::path& file) {
  std::ifstream in(file);
  return nlohmann::json::parse(in);
}

/// Writes an optimisation file for the wholesale chain with extra lines and runs it in-process.
nlohmann::json optimizeChain(const test::ScratchDir& dir, const std::string& extra) {
  test::writeText(dir / "opt.yaml", "scenario: " + kChain +
                                        "\nvariables:\n  members[0].pricing.price: {from: 10, to: 50, start: 18}\n"
                                        "objective: {maximize: margin.manufacturer_profit}\n"
                                        "sigma: 0.2\ntolerance: 0.002\nbudget: {evaluations: 80}\n" +
                                        extra);
  const sweep::MpiSession mpi;
  OptimizeOptions options;
  options.out = dir / "out";
  options.threads = 2;
  options.quiet = true;
  runOptimization(loadOptSpec((dir / "opt.yaml").string()), options, mpi);
  return readJson(dir / "out" / "optimum.json");
}

}  // namespace

TEST_CASE("the maker's optimal wholesale price against one best-responding retailer is (a/b + c)/2",
          "[optimize][validation]") {
  test::ScratchDir dir("opt_wholesale");
  const nlohmann::json j = optimizeChain(dir, "");
  // a = 100, b = 2, c = 10: w* = (50 + 10)/2 = 30; the profit is flat at the top, so +-0.5
  CHECK(std::stod(j["best"]["values"]["members[0].pricing.price"].get<std::string>()) == Approx(30).margin(0.5));
  // the base scenario (w = 20) earns less: 30 (20 - 10)(50 - 20) = 9000 against 12000 at w = 30
  CHECK(j["best"]["metrics"]["margin.manufacturer_profit"]["mean"].get<double>() >
        j["base"]["metrics"]["margin.manufacturer_profit"]["mean"].get<double>());
  CHECK(fs::exists(dir / "out" / "best.yaml"));
  // best.yaml is a loadable scenario holding the best price
  const YAML::Node best = io::loadYamlFile((dir / "out" / "best.yaml").string());
  CHECK(best["members"][0]["pricing"]["price"].as<double>() == Approx(30).margin(0.5));
}

TEST_CASE("a sales floor that binds moves the optimum onto it and is reported as binding", "[optimize]") {
  test::ScratchDir dir("opt_binding");
  // consumers buy 1 + 29 (50 - w) units (wholesale_chain.yaml); units >= 750 needs
  // w <= 50 - 749/29 = 24.1724 < 30, so the constrained optimum sits on the floor
  const nlohmann::json j = optimizeChain(dir, "constraints:\n  - {metric: sales.units, min: 750}\n");
  CHECK(std::stod(j["best"]["values"]["members[0].pricing.price"].get<std::string>()) ==
        Approx(50 - 749.0 / 29).margin(0.1));
  REQUIRE(j["best"]["constraints"].size() == 1);
  CHECK(j["best"]["constraints"][0]["satisfied"] == true);
  CHECK(j["best"]["constraints"][0]["binding"] == true);
}

TEST_CASE("an objective that names no summary key is an error with a suggestion", "[optimize]") {
  test::ScratchDir dir("opt_badkey");
  test::writeText(dir / "opt.yaml", "scenario: " + kChain +
                                        "\nvariables:\n  members[0].pricing.price: {from: 10, to: 50}\n"
                                        "objective: {maximize: margin.manufacturer_proft}\nbudget: {evaluations: 5}\n");
  const sweep::MpiSession mpi;
  OptimizeOptions options;
  options.out = dir / "out";
  options.quiet = true;
  CHECK_THROWS_WITH(
      runOptimization(loadOptSpec((dir / "opt.yaml").string()), options, mpi),
      Catch::Contains("opt.yaml:4:23: objective:") && Catch::Contains("did you mean 'margin.manufacturer_profit'"));
  test::writeText(dir / "typo.yaml",
                  "scenario: x.yaml\nvariables:\n  a: {from: 0, to: 1}\n"
                  "objective: {maximize: k}\nbudget: {evaluations: 5}\nreplication: 3\n");
  CHECK_THROWS_WITH(loadOptSpec((dir / "typo.yaml").string()),
                    Catch::Contains("typo.yaml:6:1") && Catch::Contains("replications"));
}

TEST_CASE("an optimisation killed with SIGKILL resumes to the outputs of an uninterrupted one", "[optimize][program]") {
  test::ScratchDir dir("opt_resume");
  test::writeText(dir / "opt.yaml", "scenario: " + kChain +
                                        "\nvariables:\n  members[0].pricing.price: {from: 10, to: 50, start: 18}\n"
                                        "  members[1].pricing.max_price: {from: 45, to: 50}\n"
                                        "objective: {maximize: margin.manufacturer_profit}\n"
                                        "constraints:\n  - {metric: sales.units, min: 500}\n"
                                        "population: 6\nreplications: 2\nbudget: {evaluations: 48}\n");
  const std::string opt = (dir / "opt.yaml").string();
  const fs::path reference = dir / "reference", resumed = dir / "resumed", log = dir / "log.txt";
  REQUIRE(test::runChansim({"optimize", opt, "--out", reference.string(), "--threads", "1", "--quiet"}, log) == 0);

  const int pid = test::startChansim({"optimize", opt, "--out", resumed.string(), "--threads", "2", "--quiet"}, log);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!sweep::isComplete(sweep::runDir(resumed, 20)) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ::kill(pid, SIGKILL);
  test::waitChild(pid);
  CHECK_FALSE(fs::exists(resumed / "optimum.json"));  // killed before the end
  REQUIRE(test::runChansim({"optimize", opt, "--out", resumed.string(), "--threads", "2", "--quiet"}, log) == 0);
  for (const char* file : {"history.csv", "best.yaml", "optimum.json"})
    CHECK(test::readText(resumed / file) == test::readText(reference / file));
}

TEST_CASE("optimisation files that cannot work are rejected with the key that is wrong", "[optimize]") {
  test::ScratchDir dir("opt_reject");
  const std::string head = "scenario: x.yaml\nvariables:\n  a: {from: 0, to: 1}\n";
  const auto message = [&](const std::string& body) {
    test::writeText(dir / "f.yaml", head + body);
    try {
      loadOptSpec((dir / "f.yaml").string());
    } catch (const io::InputError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string one = "objective: {maximize: k}\n";
  CHECK_THAT(message(one), Catch::Contains("budget"));  // no budget: the search would never end
  CHECK_THAT(message(one + "budget: {evaluations: 5}\nalgorithm: nsga2\n"),
             Catch::Contains("nsga2 needs two objectives"));
  CHECK_THAT(message("objectives: [{maximize: k}, {minimize: j}]\nalgorithm: cmaes\nbudget: {evaluations: 5}\n"),
             Catch::Contains("two objectives need nsga2"));
  CHECK_THAT(message(one + "algorithm: bobyqa\nconstraints: [{metric: j, max: 1}]\nbudget: {evaluations: 5}\n"),
             Catch::Contains("bobyqa handles bounds only"));
  CHECK_THAT(message(one + "algorithm: cobyla\npopulation: 6\nbudget: {evaluations: 5}\n"),
             Catch::Contains("f.yaml:6:") && Catch::Contains("population"));
  CHECK_THAT(message(one + "constraints: [{metric: j}]\nbudget: {evaluations: 5}\n"), Catch::Contains("min:"));
  test::writeText(dir / "g.yaml", "scenario: x.yaml\nvariables:\n  n: {from: 0.5, to: 4, integer: true}\n" + one +
                                      "budget: {evaluations: 5}\n");
  CHECK_THROWS_WITH(loadOptSpec((dir / "g.yaml").string()), Catch::Contains("whole-number bounds"));
  CHECK(message(one + "budget: {seconds: 60}\n") == "accepted");
}
