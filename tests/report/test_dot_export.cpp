// chansim graph's DOT (sim/report/dot_export): collapsed groups, clusters, ranks, terms.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <regex>

#include "sim/engine/world_builder.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/report/dot_export.hpp"
#include "test_util.hpp"

using namespace chan;
using chan::report::test::count;

namespace {

const std::string kSmall = std::string(CHAN_SOURCE_DIR) + "/scenarios/sweeps/small_channel.yaml";

std::string dotOf(const std::vector<std::string>& sets, report::DotOptions options = {}) {
  ScenarioSpec spec = io::loadScenario(kSmall, sets);
  const World w = buildWorld(spec);
  return report::channelDot(w, options);
}

}  // namespace

TEST_CASE("large groups collapse into one node per territory and supplier", "[report][dot]") {
  const std::string dot = dotOf({});
  CHECK(dot.rfind("digraph G {", 0) == 0);
  // 40 stores in four territories, each buying from its territory's regional distributor
  std::regex collapsed("stores \u00d7(\\d+) \\(of 40\\)");
  int stores = 0, nodes = 0;
  for (auto it = std::sregex_iterator(dot.begin(), dot.end(), collapsed); it != std::sregex_iterator(); ++it)
    stores += std::stoi((*it)[1]), ++nodes;
  CHECK(nodes == 4);
  CHECK(stores == 40);
  CHECK(count(dot, "peripheries=2") == 4);
  CHECK(count(dot, "regional #") == 4);  // four members: small enough to draw one by one
  for (int t = 0; t < 4; ++t) CHECK(dot.find("subgraph cluster_territory" + std::to_string(t)) != std::string::npos);
  CHECK(dot.find("subgraph cluster_online") != std::string::npos);
  CHECK(count(dot, "{rank=same; tier") == 4);  // tiers 0..3
  CHECK(dot.find("shape=house") != std::string::npos);
  CHECK(dot.find("shape=folder") != std::string::npos);
  CHECK(dot.find("label=\"\u00d7") != std::string::npos);  // a merged edge counts its links
  CHECK(dot.find("lead 3 d") != std::string::npos);
  CHECK(dot == dotOf({}));
}

TEST_CASE("every member is drawn when expanded (chansim graph --members)", "[report][dot]") {
  report::DotOptions options;
  options.expandMembers = true;
  const std::string dot = dotOf({}, options);
  CHECK(count(dot, "stores #") == 40);
  CHECK(dot.find("\u00d7") == std::string::npos);
  CHECK(dot.find("peripheries=2") == std::string::npos);
}

TEST_CASE("edge labels carry every term that is set", "[report][dot]") {
  const std::string dot =
      dotOf({"members[3].terms.discount=0.1", "members[3].terms.min_order=5", "members[3].terms.fixed_fee=2.5"});
  CHECK(dot.find("discount 10%") != std::string::npos);
  CHECK(dot.find("min order 5") != std::string::npos);
  CHECK(dot.find("fee 2.5/tick") != std::string::npos);
}

TEST_CASE("Graphviz accepts the DOT", "[report][dot]") {
  if (std::system("command -v dot >/dev/null 2>&1") != 0) {
    WARN("graphviz's dot is not installed: syntax not checked");
    return;
  }
  report::test::TempDir dir;
  const auto file = dir / "g.dot";
  report::test::writeText(file, dotOf({}));
  const std::string cmd =
      "dot -Tsvg -o " + (dir / "g.svg").string() + " " + file.string() + " 2>" + (dir / "err").string();
  CHECK(std::system(cmd.c_str()) == 0);
  CHECK(std::filesystem::file_size(dir / "err") == 0);  // not even a warning
  CHECK(std::filesystem::file_size(dir / "g.svg") > 1000);
}
