// Tables of a sweep, built from run records written by hand (no simulation): columns, number
// format, quoting, NaN, the 95% interval, and refusal while runs are missing.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <sstream>

#include "sim/sweep/merge.hpp"
#include "sim/sweep/output_dir.hpp"
#include "test_util.hpp"

using namespace chan::sweep;
using Catch::Matchers::Contains;

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("runs.csv and aggregate.csv are built from the run records alone, with quoting and NaN") {
  test::ScratchDir dir("outdir-merge");
  SweepSpec spec;
  spec.file = "test";
  Axis axis;
  axis.key = "x";
  axis.values = {"a", "b,c"};
  spec.axes = {axis};
  spec.replications = 2;
  spec.metrics = {"m1", "m2"};
  const Plan plan(spec);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<std::vector<double>> metrics = {{1, 0.1}, {3, 0.2}, {2, nan}, {2, 5}};
  for (std::size_t run = 0; run < 3; ++run) writeRunRecord(runDir(dir.path(), run), plan, run, metrics[run]);
  CHECK_THROWS_WITH(mergeSweep(dir.path(), plan), Contains("1 of 4 runs are not complete (ids 3)"));
  writeRunRecord(runDir(dir.path(), 3), plan, 3, metrics[3]);
  mergeSweep(dir.path(), plan);

  const auto runs = lines(test::readText(dir / "runs.csv"));
  REQUIRE(runs.size() == 5);
  CHECK(runs[0] == "run_id,point_id,replication,seed,x,m1,m2");
  CHECK(runs[1] == "0,0,0," + std::to_string(plan.seed(0)) + ",a,1,0.1");
  CHECK(runs[3] == "2,1,0," + std::to_string(plan.seed(2)) + ",\"b,c\",2,nan");

  const auto aggregate = lines(test::readText(dir / "aggregate.csv"));
  REQUIRE(aggregate.size() == 3);
  CHECK(aggregate[0] ==
        "point_id,x,replications,m1.mean,m1.sd,m1.ci_low,m1.ci_high,m2.mean,m2.sd,m2.ci_low,m2.ci_high");
  // point 0: m1 = {1, 3}: mean 2, sd sqrt(2), half-width t_{0.975,1} sqrt(2) / sqrt(2)
  std::istringstream fields(aggregate[1]);
  std::vector<std::string> f;
  for (std::string s; std::getline(fields, s, ',');) f.push_back(s);
  REQUIRE(f.size() == 11);
  CHECK(f[3] == "2");
  CHECK(std::stod(f[4]) == Approx(std::sqrt(2.0)));
  CHECK(std::stod(f[5]) == Approx(2 - 12.7062047362));
  CHECK(std::stod(f[6]) == Approx(2 + 12.7062047362));
  CHECK(aggregate[2].find("nan") != std::string::npos);  // a NaN replication makes the point's m2 NaN
}
