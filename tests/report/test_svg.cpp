// The SVG writer and the CSV reader of the report (sim/report/svg, sim/report/csv_table).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "sim/report/csv_table.hpp"
#include "sim/report/svg.hpp"
#include "test_util.hpp"

using namespace chan::report;

TEST_CASE("num prints fixed point without trailing zeros", "[report][svg]") {
  CHECK(num(12.5) == "12.5");
  CHECK(num(3.0) == "3");
  CHECK(num(-0.25) == "-0.25");
  CHECK(num(0.123456, 3) == "0.123");
  CHECK(num(-0.0001) == "0");  // no "-0"
  CHECK(num(1234567.0, 0) == "1234567");
  CHECK(num(std::numeric_limits<double>::quiet_NaN()) == "0");
  CHECK(num(std::numeric_limits<double>::infinity()) == "0");
}

TEST_CASE("text is escaped for XML", "[report][svg]") {
  CHECK(escapeXml("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
}

TEST_CASE("an SVG document nests and closes its elements", "[report][svg]") {
  Svg svg(200, 100, "A & B");
  svg.open("g", Attrs().add("class", "x"));
  svg.rect(1, 2, 3, 4, Attrs().add("fill", "#fff"), "tip <1>");
  svg.circle(5, 6, 2.5, Attrs());
  svg.close("g");
  svg.polyline({{0, 0}, {10.26, 5}}, Attrs().add("stroke", "red"));
  svg.text(3, 4, "x < y");
  const std::string s = svg.str();
  CHECK(s.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK(s.find("aria-label=\"A &amp; B\"") != std::string::npos);
  CHECK(s.find("viewBox=\"0 0 200 100\"") != std::string::npos);
  CHECK(s.find("<rect x=\"1\" y=\"2\" width=\"3\" height=\"4\" fill=\"#fff\"><title>tip &lt;1&gt;</title></rect>") !=
        std::string::npos);
  CHECK(s.find("<circle cx=\"5\" cy=\"6\" r=\"2.5\"/>") != std::string::npos);
  CHECK(s.find("points=\"0,0 10.3,5\"") != std::string::npos);
  CHECK(s.find(">x &lt; y</text>") != std::string::npos);
  CHECK(s.substr(s.size() - 7) == "</svg>\n");
}

TEST_CASE("an SVG document refuses unbalanced elements", "[report][svg]") {
  Svg svg(10, 10, "t");
  svg.open("g");
  CHECK_THROWS_AS(svg.str(), std::logic_error);
  CHECK_THROWS_AS(svg.close("a"), std::logic_error);
}

TEST_CASE("CSV: quoted fields, doubled quotes, CRLF, no final newline", "[report][csv]") {
  const CsvTable t = parseCsv("a,\"b,c\",d\r\n1,\"x \"\"y\"\"\",\"line\nbreak\"\r\n2,,3");
  REQUIRE(t.columns == std::vector<std::string>{"a", "b,c", "d"});
  REQUIRE(t.size() == 2);
  CHECK(t.rows[0] == std::vector<std::string>{"1", "x \"y\"", "line\nbreak"});
  CHECK(t.rows[1] == std::vector<std::string>{"2", "", "3"});
  CHECK(t.column("b,c") == 1);
  CHECK(t.column("zz") == -1);
  CHECK(t.numbers("a") == std::vector<double>{1, 2});
  CHECK(std::isnan(t.numbers("d")[0]));
  CHECK(t.texts("missing").empty());
}

TEST_CASE("CSV: short rows are padded, blank lines skipped", "[report][csv]") {
  const CsvTable t = parseCsv("x,y,z\n1\n\n4,5,6\n");
  REQUIRE(t.size() == 2);
  CHECK(t.rows[0] == std::vector<std::string>{"1", "", ""});
  CHECK(t.rows[1][2] == "6");
  CHECK(parseCsv("").columns.empty());
}

TEST_CASE("CSV numbers", "[report][csv]") {
  CHECK(parseNumber("1e-07") == 1e-07);
  CHECK(parseNumber(" -3 ") == -3);
  CHECK(parseNumber("+2.5") == 2.5);
  CHECK(std::isnan(parseNumber("nan")));
  CHECK(std::isnan(parseNumber("12abc")));
  CHECK(std::isnan(parseNumber("")));
  CHECK(std::isinf(parseNumber("inf")));
  const CsvTable t = parseCsv("n,s,m\n1,a,nan\n2.5,b,3\n");
  CHECK(isNumericColumn(t, 0));
  CHECK_FALSE(isNumericColumn(t, 1));
  CHECK(isNumericColumn(t, 2));
}

TEST_CASE("readCsv reads files and reports missing ones", "[report][csv]") {
  test::TempDir dir;
  test::writeText(dir / "t.csv", "a,b\n1,2\n");
  CHECK(readCsv(dir / "t.csv").rows[0][1] == "2");
  CHECK_THROWS_AS(readCsv(dir / "none.csv"), std::runtime_error);
}
