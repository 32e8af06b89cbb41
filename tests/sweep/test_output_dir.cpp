// The sweep output directory belongs to one sweep, recognised again after a round trip
// through its sweep.yaml copy.
#include <catch2/catch.hpp>

#include "sim/io/yaml_reader.hpp"
#include "sim/sweep/output_dir.hpp"
#include "test_util.hpp"

using namespace chan::sweep;
using Catch::Matchers::Contains;

TEST_CASE("an output directory holds one sweep and refuses another") {
  test::ScratchDir dir("outdir-claim");
  // quoting, comments and flow style must survive the copy, so that a rerun recognises it
  test::writeText(dir / "a.yaml",
                  "# comment\nscenario: 'x.yaml'\naxes:\n  members[3].pricing.markup: [\"0.3\", 0.5]  # note\n"
                  "metrics: [conflict.index]\n");
  test::writeText(dir / "b.yaml",
                  "scenario: x.yaml\naxes:\n  members[3].pricing.markup: [0.3, 0.6]\nmetrics: [conflict.index]\n");
  const SweepSpec a = loadSweep((dir / "a.yaml").string());
  claimOutputDir(dir / "out", a);
  CHECK_NOTHROW(claimOutputDir(dir / "out", a));
  CHECK_NOTHROW(claimOutputDir(dir / "out", loadSweep((dir / "a.yaml").string())));
  CHECK_THROWS_AS(claimOutputDir(dir / "out", loadSweep((dir / "b.yaml").string())), chan::io::InputError);
  CHECK(loadOutputDir(dir / "out").axes[0].values == a.axes[0].values);
  CHECK_THROWS_WITH(loadOutputDir(dir / "nothing"), Contains("not a sweep output directory"));
  CHECK(runDir(dir / "out", 42) == dir / "out" / "runs" / "000042");
}
