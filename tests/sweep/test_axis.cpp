// Axes: how a unit coordinate becomes an override value.
#include <catch2/catch.hpp>

#include "sim/sweep/axis.hpp"

using chan::sweep::Axis;

TEST_CASE("a range is log-spaced or rounded on request, and a list is cut into equal cells") {
  Axis log;
  log.from = 1;
  log.to = 1000;
  log.steps = 4;
  log.log = true;
  CHECK(log.valueAt(log.levelUnit(1)) == "10");
  CHECK(log.valueAt(log.levelUnit(3)) == "1000");
  Axis whole;
  whole.from = 1;
  whole.to = 4;
  whole.integer = true;
  CHECK(whole.valueAt(0.5) == "3");  // 2.5 rounds away from zero
  Axis list;
  list.values = {"a", "b", "c"};
  CHECK(list.valueAt(0.0) == "a");
  CHECK(list.valueAt(0.5) == "b");
  CHECK(list.valueAt(1.0) == "c");
}
