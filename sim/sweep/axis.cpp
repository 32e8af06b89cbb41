#include "sim/sweep/axis.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "sim/io/run_output.hpp"

namespace chan::sweep {
namespace {

double roundSignificant(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return std::strtod(buf, nullptr);
}

}  // namespace

int Axis::levelCount() const { return isList() ? static_cast<int>(values.size()) : std::max(1, steps); }

double Axis::levelUnit(int k) const {
  if (isList()) return (k + 0.5) / static_cast<double>(values.size());
  return steps > 1 ? static_cast<double>(k) / (steps - 1) : 0.0;
}

std::string Axis::valueAt(double u) const {
  if (isList()) {
    const auto n = values.size();
    return values[std::min(n - 1, static_cast<std::size_t>(u * static_cast<double>(n)))];
  }
  double v = log ? std::exp(std::log(from) + u * (std::log(to) - std::log(from))) : from + u * (to - from);
  if (integer) v = std::round(v);
  return io::formatNumber(roundSignificant(v));
}

}  // namespace chan::sweep
