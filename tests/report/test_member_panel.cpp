// The stock and orders section (sim/report/member_panel.hpp) of a hand-made
// member_timeseries.csv, and its place in the report of a run that recorded the panel.
#include <catch2/catch.hpp>

#include "sim/engine/engine.hpp"
#include "sim/io/run_output.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/report/csv_table.hpp"
#include "sim/report/html_report.hpp"
#include "sim/report/member_panel.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using namespace chan;
using chan::report::test::count;
using chan::report::test::TempDir;

namespace {

// two ticks of a maker (produces to order: no stock, no orders), two shops and an e-store
const char* kPanel =
    "tick,member,group,price,stock,on_order,orders_placed,units_requested,sold,lost,cash\n"
    "1,0,maker,10,0,0,0,7,7,0,0\n"
    "1,1,shops,12,4,5,5,3,3,0,0\n"
    "1,2,shops,12,0,5,2,6,2,4,0\n"
    "1,3,web,13,10,0,0,1,1,0,0\n"
    "2,0,maker,10,0,0,0,0,0,0,0\n"
    "2,1,shops,12,2,5,0,2,2,0,0\n"
    "2,2,shops,12,3,2,0,1,1,0,0\n"
    "2,3,web,13,9,0,0,2,1,1,0\n";

const std::string kSmall = std::string(CHAN_SOURCE_DIR) + "/scenarios/sweeps/small_channel.yaml";

}  // namespace

TEST_CASE("the stock and orders panel sums each group per tick, the group that lost most first", "[report][panel]") {
  const std::string html = report::memberPanelSection(report::parseCsv(kPanel));
  CHECK(html.find("<section id=\"panel\">") != std::string::npos);
  // by hand: shops hold 4 + 0 and 2 + 3 units (mean 4.5 a day), order 5 + 2, sell 3 + 2 + 2 + 1,
  // lose 4, end one member-day empty with lost requests; web: 10 and 9 units (9.5), sells 1 + 1,
  // loses 1 on one day, never empty; the maker sells 7 and never holds goods (no empty days)
  const std::string shops = "<tr><td class=\"t\">shops</td><td>2</td><td>4.5</td><td>7</td><td>8</td><td>4</td>"
                            "<td>1</td><td>1</td></tr>";
  const std::string web = "<tr><td class=\"t\">web</td><td>1</td><td>9.5</td><td>0</td><td>2</td><td>1</td>"
                          "<td>0</td><td>1</td></tr>";
  const std::string maker = "<tr><td class=\"t\">maker</td><td>1</td><td>0</td><td>0</td><td>7</td><td>0</td>"
                            "<td>n/a</td><td>0</td></tr>";
  REQUIRE(html.find(shops) != std::string::npos);
  REQUIRE(html.find(web) != std::string::npos);
  REQUIRE(html.find(maker) != std::string::npos);
  CHECK(html.find(shops) < html.find(web));  // most lost units first
  CHECK(html.find(web) < html.find(maker));
  // one chart per group that holds goods or orders: not the maker
  CHECK(count(html, "<svg") == 2);
  CHECK(html.find("shops (2 members)") != std::string::npos);
  CHECK(html.find("web (1 member)") != std::string::npos);
  CHECK(html.find("maker (1 member)") == std::string::npos);
}

TEST_CASE("the stock and orders panel names a missing column instead of failing", "[report][panel]") {
  const std::string html = report::memberPanelSection(report::parseCsv("tick,member,group,stock\n1,0,a,3\n"));
  CHECK(html.find("member_timeseries.csv lacks the on_order column") != std::string::npos);
}

TEST_CASE("a run report shows the stock and orders panel when the run recorded it", "[report][panel]") {
  for (const bool panel : {false, true}) {
    TempDir dir;
    const std::vector<std::string> sets =
        panel ? std::vector<std::string>{"ticks=10", "outputs.member_timeseries=true"} : std::vector<std::string>{"ticks=10"};
    const ScenarioSpec spec = io::loadScenario(kSmall, sets);
    Engine engine(spec);
    engine.run();
    io::writeRunOutputs(dir.path(), engine, engine.summary(), io::RunInfo{kSmall, sets, 1, 0.1, 10, {}});
    REQUIRE(fs::exists(dir / "member_timeseries.csv") == panel);
    const std::string html = report::runReportHtml(dir.path());
    INFO("panel " << panel);
    CHECK((html.find("<section id=\"panel\">") != std::string::npos) == panel);
    CHECK((html.find("<a href=\"#panel\">") != std::string::npos) == panel);
    CHECK(html.find("<section id=\"pnl\">") != std::string::npos);  // the other sections stay
  }
}
