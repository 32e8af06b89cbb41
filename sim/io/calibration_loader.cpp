#include "sim/io/calibration_loader.hpp"

#include <filesystem>

#include "sim/io/yaml_reader.hpp"

namespace chan::calib {

const char* quantityName(Quantity q) {
  switch (q) {
    case Quantity::Units: return "units";
    case Quantity::Revenue: return "revenue";
    case Quantity::Price: return "price";
    case Quantity::OnlineShare: return "online_share";
  }
  return "?";
}

const char* formatName(ObservedFormat f) {
  switch (f) {
    case ObservedFormat::Sales: return "sales";
    case ObservedFormat::Members: return "members";
    case ObservedFormat::Timeseries: return "timeseries";
  }
  return "?";
}

}  // namespace chan::calib

namespace chan::io {
namespace {

using namespace chan::calib;

std::string resolve(const std::string& base, const std::string& path) {
  const std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  return (std::filesystem::path(base).parent_path() / p).lexically_normal().string();
}

ParameterSpec readParameter(Reader r) {
  ParameterSpec p;
  p.path = r.text("path");
  p.name = r.text("name", p.path);
  p.low = r.number("low", -1e12, 1e12);
  p.high = r.number("high", -1e12, 1e12);
  if (!(p.high > p.low)) r.fail("high", "must be above low");
  p.hasStart = r.has("start");
  p.start = r.number("start", p.low, p.low, p.high);
  if (auto prior = r.optionalMap("prior")) {
    p.priorMean = prior->number("mean", -1e12, 1e12);
    p.priorSd = prior->number("sd", 1e-12, 1e12);
    prior->finish();
  }
  p.step = r.number("step", 0, 0, p.high - p.low);
  r.finish();
  return p;
}

ObservedSpec readObserved(Reader r, const std::string& file, int periodTicks) {
  ObservedSpec o;
  o.file = resolve(file, r.text("file"));
  const std::vector<std::string> formats{"sales", "members", "timeseries"};
  const std::string format = r.choice("format", "sales", formats);
  o.format = format == "sales" ? ObservedFormat::Sales : format == "members" ? ObservedFormat::Members : ObservedFormat::Timeseries;
  if (r.has("match")) {
    o.match.clear();
    const std::vector<std::string> names{"units", "revenue", "price", "online_share"};
    for (const std::string& m : r.texts("match")) {
      if (m == "units") o.match.push_back(Quantity::Units);
      else if (m == "revenue") o.match.push_back(Quantity::Revenue);
      else if (m == "price") o.match.push_back(Quantity::Price);
      else if (m == "online_share") o.match.push_back(Quantity::OnlineShare);
      else {
        const std::string near = closestMatch(m, names);
        r.fail("match", "unknown quantity '" + m + "' (units, revenue, price, online_share)" +
                            (near.empty() ? "" : "; did you mean '" + near + "'?"));
      }
    }
    if (o.match.empty()) r.fail("match", "at least one quantity");
  }
  o.weight = r.number("weight", 1, 1e-12, 1e12);
  const std::string scale = r.choice("scale", "sqrt", {"sqrt", "relative", "none"});
  o.scale = scale == "sqrt" ? Scale::Sqrt : scale == "relative" ? Scale::Relative : Scale::None;
  o.periodTicks = static_cast<int>(r.integer("period_ticks", periodTicks, 1, 100000));
  r.finish();
  return o;
}

}  // namespace

CalibrationSpec loadCalibration(const std::string& file) {
  const YAML::Node root = loadYamlFile(file);
  Reader r(root, file, "");
  CalibrationSpec c;
  c.file = file;
  c.scenario = resolve(file, r.text("scenario"));
  c.sets = r.texts("set");
  const std::string method = r.choice("method", "least_squares", {"least_squares", "smm"});
  c.method = method == "smm" ? Method::Smm : Method::LeastSquares;
  c.replications = static_cast<int>(r.integer("replications", c.replications, 1, 10000));
  const int periodTicks = static_cast<int>(r.integer("period_ticks", 1, 1, 100000));
  for (Reader& p : r.list("parameters")) c.parameters.push_back(readParameter(p));
  if (c.parameters.empty()) r.fail("parameters", "at least one parameter to estimate");
  for (std::size_t i = 0; i < c.parameters.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (c.parameters[i].path == c.parameters[j].path || c.parameters[i].name == c.parameters[j].name)
        r.fail("parameters", "parameter '" + c.parameters[i].name + "' is listed twice");
  for (Reader& o : r.list("observed")) c.observed.push_back(readObserved(o, file, periodTicks));
  if (c.observed.empty()) r.fail("observed", "at least one observed file");
  if (auto h = r.optionalMap("holdout")) {
    c.holdoutFromTick = static_cast<int>(h->integer("from_tick", 2, 10'000'000));
    h->finish();
  }
  if (auto o = r.optionalMap("options")) {
    c.maxIterations = static_cast<int>(o->integer("max_iterations", c.maxIterations, 1, 100000));
    c.tolerance = o->number("tolerance", c.tolerance, 1e-15, 0.1);
    c.conditionLimit = o->number("condition_limit", c.conditionLimit, 10, 1e300);
    c.correlationLimit = o->number("correlation_limit", c.correlationLimit, 0, 1);
    c.reweight = o->boolean("reweight", true);
    o->finish();
  }
  r.finish();
  return c;
}

}  // namespace chan::io
