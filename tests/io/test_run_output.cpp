// Run outputs (sim/io/run_output.hpp): number formatting, the nested summary.json, the CSV
// tables' internal identities, and the files a run leaves behind.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/core/rng.hpp"
#include "sim/engine/engine.hpp"
#include "sim/io/run_output.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/io/schema_io.hpp"

namespace fs = std::filesystem;
using chan::io::formatNumber;
using chan::io::summaryJson;

namespace {

double parseBack(const std::string& s) { return std::strtod(s.c_str(), nullptr); }

/// Significant digits in a number's text: the mantissa's digits without leading zeros and,
/// for an integer written out in full, without trailing zeros.
int significantDigits(const std::string& s) {
  std::string mantissa = s.substr(0, s.find_first_of("eE"));
  std::string digits;
  for (char c : mantissa)
    if (c >= '0' && c <= '9') digits += c;
  digits.erase(0, digits.find_first_not_of('0'));
  digits.erase(digits.find_last_not_of('0') + 1);
  return static_cast<int>(digits.size());
}

/// v printed with n significant digits.
std::string withDigits(double v, int n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*e", n - 1, v);
  return buf;
}

struct TempDir {
  fs::path path;
  TempDir() {
    char name[] = "/tmp/chan_output_XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    path = name;
  }
  ~TempDir() { fs::remove_all(path); }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = line.find(sep, start);
    out.push_back(line.substr(start, end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

const char* kScenario = R"(
name: out
ticks: 6
seed: 5
brands: [{name: b, unit_cost: 10}]
members:
  - {group: maker, kind: manufacturer}
  - {group: dist, kind: distributor, supplier: maker, terms: {lead_time: 1},
     replenishment: {rule: order_up_to, window: 2, initial_stock: 30}}
  - {group: shops, kind: offline_store, count: 2, supplier: dist, terms: {lead_time: 1},
     replenishment: {rule: order_up_to, window: 2, cover_days: 1, initial_stock: 5}}
  - {group: market, kind: marketplace, supplier: dist, replenishment: {rule: order_up_to, initial_stock: 5}}
consumers:
  count: 300
  segments: [{name: s, valuation: {dist: uniform, low: 14, high: 24}, purchase_probability: 0.2}]
)";

}  // namespace

TEST_CASE("run output: formatNumber writes the documented short forms", "[output]") {
  CHECK(formatNumber(0.1) == "0.1");
  CHECK(formatNumber(1e-7) == "1e-07");
  CHECK(formatNumber(42) == "42");
  CHECK(formatNumber(-2.5) == "-2.5");
  CHECK(formatNumber(0.0) == "0");
  CHECK(formatNumber(-0.0) == "0");  // no "-0" in the tables
  CHECK(formatNumber(std::nan("")) == "nan");
  CHECK(formatNumber(1.0 / 3) == "0.3333333333333333");  // 16 digits are needed and enough
}

TEST_CASE("run output: formatNumber is the shortest text that reads back exactly", "[output]") {
  // e.g. 3109360760664983040 (19 characters) is the exact value of a double whose shortest
  // digits are 3109360760664983e3; written out, any whole number of that size takes 19 characters
  // while the scientific form 3.109360760664983e+18 takes 21, so both forms count as shortest text.
  std::vector<double> values = {0.1,      0.2,     0.3,      1.0 / 3, 2.0 / 3,  1e21,   1e22,    123456789012.0,
                                5e-324,   2.2250738585072014e-308,     std::numeric_limits<double>::max(),
                                -1e-300,  100.0,   4.35,     0.1 + 0.2, 1234.5678, 9007199254740993.0};
  // and 20,000 doubles with random bit patterns (finite ones), all magnitudes and signs
  chan::Stream rng(1, 0, 0, chan::StreamPurpose::Setup, 0);
  while (values.size() < 20000) {
    const std::uint64_t bits = rng.nextU64();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    if (std::isfinite(v)) values.push_back(v);
  }
  for (double v : values) {
    const std::string s = formatNumber(v);
    INFO(withDigits(v, 17) << " -> " << s);
    REQUIRE(parseBack(s) == v);  // round trip
    // fewest significant digits with which v, correctly rounded, still reads back
    int d = 1;
    while (d < 17 && parseBack(withDigits(v, d)) != v) ++d;
    if (s.find_first_of(".e") == std::string::npos) {
      // a whole number written out: its length is fixed by its magnitude, and it may only be
      // chosen when it is no longer than the shortest scientific form
      REQUIRE(s.size() <= withDigits(v, d).size());
    } else {
      REQUIRE(significantDigits(s) <= d);  // no more digits than needed
    }
  }
}

TEST_CASE("run output: summaryJson nests dotted keys in order", "[output]") {
  const chan::Summary s = {{"conflict.undercut_rate", 0.25}, {"conflict.index", 0.5},
                           {"margin.tier0.profit", 10},      {"margin.tier0.margin_rate", 0.1},
                           {"margin.tier1.profit", -3.5},    {"sales.units", 3}};
  const std::string text = summaryJson(s);
  CHECK(text.back() == '\n');
  const auto j = nlohmann::ordered_json::parse(text);
  CHECK(j["conflict"]["undercut_rate"] == 0.25);
  CHECK(j["conflict"]["index"] == 0.5);
  CHECK(j["margin"]["tier0"]["profit"] == 10);
  CHECK(j["margin"]["tier0"]["margin_rate"] == 0.1);
  CHECK(j["margin"]["tier1"]["profit"] == -3.5);
  CHECK(j["sales"]["units"] == 3);
  // groups appear in first-mention order, and keys inside them in insertion order
  std::vector<std::string> top, conflict;
  for (const auto& [k, v] : j.items()) top.push_back(k);
  for (const auto& [k, v] : j["conflict"].items()) conflict.push_back(k);
  CHECK(top == std::vector<std::string>{"conflict", "margin", "sales"});
  CHECK(conflict == std::vector<std::string>{"undercut_rate", "index"});
  CHECK(j.size() == 3);
  CHECK(j["margin"].size() == 2);
}

TEST_CASE("run output: the tables of a real run are self-consistent", "[output]") {
  const chan::ScenarioSpec spec = chan::io::parseScenario(YAML::Load(kScenario), "out.yaml");
  chan::Engine engine(spec);
  engine.run();
  const chan::World& w = engine.world();

  SECTION("summary.json holds every summary value under its dotted path") {
    const chan::Summary summary = engine.summary();
    const auto j = nlohmann::json::parse(summaryJson(summary));
    for (const auto& [key, value] : summary) {
      const nlohmann::json* at = &j;
      for (const std::string& part : split(key, '.')) at = &at->at(part);
      INFO(key);
      CHECK(at->get<double>() == value);
    }
  }
  SECTION("timeseries.csv: header, one row per tick, derived columns") {
    const auto lines = split(chan::io::timeseriesCsv(engine.metrics(), *engine.world().spec), '\n');
    REQUIRE(lines.size() == static_cast<std::size_t>(spec.ticks) + 2);  // header, rows, "" after the last \n
    CHECK(lines.back().empty());
    const auto header = split(lines[0], ',');
    REQUIRE(header == chan::timeseriesColumns(engine.world().tierCount(), *engine.world().spec,
                                                 engine.metrics().mechanismColumns()));
    auto col = [&](const std::string& name) {
      return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
    };
    for (int t = 1; t <= spec.ticks; ++t) {
      const auto row = split(lines[static_cast<std::size_t>(t)], ',');
      REQUIRE(row.size() == header.size());
      const double demand = parseBack(row[col("demand_units")]), sold = parseBack(row[col("sold_units")]);
      CHECK(parseBack(row[col("tick")]) == t);
      CHECK(parseBack(row[col("lost_units")]) == Approx(std::max(0.0, demand - sold)).margin(1e-12));
      if (demand > 0) CHECK(parseBack(row[col("fill_rate")]) == Approx(sold / demand).epsilon(1e-15));
    }
  }
  SECTION("members.csv: one row per member, profit is revenue less costs, cash is the ledger") {
    const auto lines = split(chan::io::membersCsv(w), '\n');
    REQUIRE(lines.size() == w.members.size() + 2);
    const auto header = split(lines[0], ',');
    auto col = [&](const std::string& name) {
      const auto it = std::find(header.begin(), header.end(), name);
      REQUIRE(it != header.end());
      return static_cast<std::size_t>(it - header.begin());
    };
    for (std::size_t m = 0; m < w.members.size(); ++m) {
      const auto row = split(lines[m + 1], ',');
      REQUIRE(row.size() == header.size());
      auto num = [&](const std::string& name) { return parseBack(row[col(name)]); };
      CHECK(row[col("member")] == std::to_string(m));
      CHECK(row[col("kind")] == chan::kindName(w.members.kind[m]));
      CHECK(num("profit") == Approx(num("revenue") - num("cogs") - num("commission") - num("shipping") -
                                    num("holding") - num("fixed"))
                                 .margin(1e-9 * std::max(1.0, num("revenue"))));
      CHECK(num("cash") == w.ledger.balance(static_cast<int>(m)));  // exact: shortest round-trip text
      CHECK(num("stock") == w.members.stock[m]);
    }
  }
}

TEST_CASE("run output: writeRunOutputs leaves a complete, repeatable run directory", "[output]") {
  const chan::ScenarioSpec spec = chan::io::parseScenario(YAML::Load(kScenario), "out.yaml");
  chan::Engine engine(spec);
  engine.run();
  const chan::Summary summary = engine.summary();
  TempDir dir;
  const fs::path out = dir.path / "runs" / "out";
  chan::io::RunInfo info;
  info.scenarioFile = "out.yaml";
  info.overrides = {"seed=5"};
  chan::io::writeRunOutputs(out, engine, summary, info);
  for (const char* f : {"manifest.json", "summary.json", "timeseries.csv", "members.csv", "scenario.resolved.yaml"})
    CHECK(fs::exists(out / f));
  CHECK(slurp(out / "timeseries.csv") == chan::io::timeseriesCsv(engine.metrics(), *engine.world().spec));
  CHECK(slurp(out / "members.csv") == chan::io::membersCsv(engine.world()));
  CHECK(slurp(out / "summary.json") == summaryJson(summary));
  const auto manifest = nlohmann::json::parse(slurp(out / "manifest.json"));
  CHECK(manifest["seed"] == 5);
  CHECK(manifest["ticks"] == 6);
  CHECK(manifest["consumers"] == 300);
  CHECK(manifest["members"] == 5);
  CHECK(manifest["overrides"] == nlohmann::json::array({"seed=5"}));
  CHECK(manifest["scenario"]["consumers"]["count"] == 300);
  // the resolved scenario reproduces the run exactly
  const chan::ScenarioSpec again = chan::io::parseScenario(YAML::Load(slurp(out / "scenario.resolved.yaml")), "r.yaml");
  chan::Engine replay(again);
  replay.run();
  CHECK(chan::io::timeseriesCsv(replay.metrics(), *replay.world().spec) == chan::io::timeseriesCsv(engine.metrics(), *engine.world().spec));
  CHECK(chan::io::membersCsv(replay.world()) == chan::io::membersCsv(engine.world()));
}

TEST_CASE("run output: manifest.json keeps text as text and whole numbers exact", "[output]") {
  // The manifest's "scenario" object is converted from the resolved YAML by guessing each
  // scalar's type from its text, so a name that looks like a number or a boolean changes type,
  // and integers go through double (2^53 + 1 is not a double).
  std::string yaml = kScenario;
  yaml.replace(yaml.find("name: out"), 9, "name: '2024'\ndescription: 'true'");
  yaml.replace(yaml.find("seed: 5"), 7, "seed: 9007199254740993");
  const chan::ScenarioSpec spec = chan::io::parseScenario(YAML::Load(yaml), "out.yaml");
  chan::Engine engine(spec);
  engine.run();
  TempDir dir;
  chan::io::writeRunOutputs(dir.path, engine, engine.summary(), chan::io::RunInfo{});
  const auto manifest = nlohmann::json::parse(slurp(dir.path / "manifest.json"));
  CHECK(manifest["seed"] == 9007199254740993ULL);  // the top-level copy is exact
  CHECK(manifest["scenario"]["name"] == "2024");
  CHECK(manifest["scenario"]["description"] == "true");
  // compared as integers: json == would convert the unsigned to double and round it too
  CHECK(manifest["scenario"]["seed"].is_number_unsigned());
  CHECK(manifest["scenario"]["seed"].dump() == "9007199254740993");
}

TEST_CASE("run output: member_timeseries.csv only when the scenario records it, listed in the manifest", "[output]") {
  TempDir dir;
  auto files = [](const fs::path& out) {
    const auto listed = nlohmann::json::parse(slurp(out / "manifest.json"))["files"];
    return std::find(listed.begin(), listed.end(), "member_timeseries.csv") != listed.end();
  };
  const std::string yaml = kScenario;
  {  // on: written, as memberTimeseriesCsv gives it, and listed
    const chan::ScenarioSpec spec =
        chan::io::parseScenario(YAML::Load(yaml + "outputs: {member_timeseries: true}\n"), "out.yaml");
    chan::Engine engine(spec);  // (keeps a pointer to spec)
    engine.run();
    REQUIRE(engine.memberPanel() != nullptr);
    chan::io::writeRunOutputs(dir.path, engine, engine.summary(), chan::io::RunInfo{});
    CHECK(slurp(dir.path / "member_timeseries.csv") ==
          chan::io::memberTimeseriesCsv(*engine.memberPanel(), engine.world()));
    CHECK(files(dir.path));
    // the resolved scenario asks for it again
    CHECK(chan::io::parseScenario(YAML::Load(slurp(dir.path / "scenario.resolved.yaml")), "r.yaml")
              .outputs.memberTimeseries);
  }
  {  // off (the default), into the same folder: no panel, and the earlier run's is gone
    const chan::ScenarioSpec spec = chan::io::parseScenario(YAML::Load(yaml), "out.yaml");
    chan::Engine engine(spec);
    engine.run();
    CHECK(engine.memberPanel() == nullptr);
    chan::io::writeRunOutputs(dir.path, engine, engine.summary(), chan::io::RunInfo{});
    CHECK_FALSE(fs::exists(dir.path / "member_timeseries.csv"));
    CHECK_FALSE(files(dir.path));
    CHECK(fs::exists(dir.path / "members.csv"));
  }
}

TEST_CASE("run output: the manifest's text keys are those the schema declares as names, choices or files", "[output]") {
  // scenario.resolved.yaml turned into the manifest's JSON keeps these values as text even when
  // they read as numbers (a group named "2024"); the set comes from the declarations
  const auto& text = chan::io::textKeyNames();
  for (const char* key : {"name", "description", "group", "kind", "brand", "supplier", "owner", "supplier_rule",
                          "territories", "placement", "logistics", "rule", "method", "seasonality", "dist", "mode",
                          "stock_visible", "from_csv", "geojson", "property"})
    CHECK(text.contains(key));
  for (const char* key : {"count", "seed", "map_seed", "ticks", "markup", "discount", "lead_time", "rect", "price_factors",
                          "substitution", "weight"})
    CHECK_FALSE(text.contains(key));
}
