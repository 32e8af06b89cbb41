// `import chansim`: scenarios, runs and sweeps from Python (pybind11).
//
//   sc = chansim.load_scenario("scenarios/flagship.yaml", ["ticks=60"])   # or scenario_from_dict(d)
//   r = chansim.run(sc, seed=3)            # the GIL is released while the engine runs
//   r.summary        -> dict of the dotted summary metrics ("conflict.index": 0.31, ...)
//   r.timeseries     -> pandas DataFrame of timeseries.csv (dict of NumPy arrays without pandas)
//   r.members        -> pandas DataFrame of members.csv (idem)
//   r.member_timeseries -> member_timeseries.csv (with outputs.member_timeseries, else None)
//   r.write("out/x") -> the run directory chansim run writes; chansim.report("out/x") -> report.html
//   chansim.run_sweep("scenarios/sweeps/markup_sweep.yaml", "out/sweep") -> runs.csv as a DataFrame
//   chansim.optimize("scenarios/optimize/map_policy.yaml", "out/opt") -> history.csv as a DataFrame
//
// Tables go through the same CSV text the command line writes (chan::io::timeseriesCsv and
// membersCsv), so a DataFrame and the file of `chansim run` hold the same numbers.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>
#include <yaml-cpp/yaml.h>

#include "chan/version.hpp"
#include "sim/calibrate/calibrator.hpp"
#include "sim/io/calibration_loader.hpp"
#include "sim/engine/engine.hpp"
#include "sim/engine/world_builder.hpp"
#include "sim/io/run_output.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/io/yaml_reader.hpp"
#include "sim/optimize/optimizer.hpp"
#include "sim/report/csv_table.hpp"
#include "sim/report/dot_export.hpp"
#include "sim/report/html_report.hpp"
#include "sim/sweep/merge.hpp"
#include "sim/sweep/output_dir.hpp"
#include "sim/sweep/plan.hpp"
#include "sim/sweep/runner.hpp"
#include "sim/sweep/sweep_spec.hpp"
#include "sim/sweep/validate.hpp"

namespace py = pybind11;
namespace fs = std::filesystem;

namespace {

using chan::ScenarioSpec;

double peakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

/// A validated scenario and the YAML document it came from (overrides are applied to a copy).
struct Scenario {
  YAML::Node document;                 // as read, with the overrides applied so far
  std::string source;                  // file name, or "<dict>"
  std::vector<std::string> overrides;  // applied so far, in order
  std::shared_ptr<const ScenarioSpec> spec;

  static Scenario parse(YAML::Node doc, std::string source, std::vector<std::string> overrides) {
    Scenario s;
    s.document = doc;
    s.source = std::move(source);
    s.overrides = std::move(overrides);
    s.spec = std::make_shared<const ScenarioSpec>(chan::io::parseScenario(s.document, s.source));
    return s;
  }

  Scenario withOverrides(const std::vector<std::string>& more) const {
    YAML::Node doc = YAML::Clone(document);
    for (const auto& o : more) chan::io::applyOverride(doc, o);
    std::vector<std::string> all = overrides;
    all.insert(all.end(), more.begin(), more.end());
    return parse(doc, source, all);
  }

  std::string resolvedYaml() const {
    YAML::Emitter out;
    out << chan::io::toYaml(*spec);
    return std::string(out.c_str()) + "\n";
  }
};

// ---- Python values -> YAML (dicts, lists, numbers, strings, booleans, None; NumPy scalars too)

YAML::Node toYamlNode(const py::handle& v) {
  if (v.is_none()) return YAML::Node(YAML::NodeType::Null);
  if (py::isinstance<py::bool_>(v)) return YAML::Node(v.cast<bool>() ? "true" : "false");
  if (py::isinstance<py::str>(v)) return YAML::Node(v.cast<std::string>());
  if (py::isinstance<py::int_>(v)) return YAML::Node(py::str(v).cast<std::string>());
  if (py::isinstance<py::float_>(v)) return YAML::Node(py::repr(v).cast<std::string>());
  if (py::isinstance<py::dict>(v) || py::hasattr(v, "items")) {
    YAML::Node map(YAML::NodeType::Map);
    for (const auto& item : v.attr("items")()) {
      const auto pair = item.cast<py::tuple>();
      map[py::str(pair[0]).cast<std::string>()] = toYamlNode(pair[1]);
    }
    return map;
  }
  if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
    YAML::Node seq(YAML::NodeType::Sequence);
    for (const auto& item : v) seq.push_back(toYamlNode(item));
    return seq;
  }
  if (py::hasattr(v, "__index__"))
    return YAML::Node(py::str(py::int_(py::reinterpret_borrow<py::object>(v))).cast<std::string>());
  if (py::hasattr(v, "__float__"))
    return YAML::Node(py::repr(py::float_(py::reinterpret_borrow<py::object>(v))).cast<std::string>());
  if (py::hasattr(v, "__iter__")) {
    YAML::Node seq(YAML::NodeType::Sequence);
    for (const auto& item : v) seq.push_back(toYamlNode(item));
    return seq;
  }
  throw py::type_error("scenario dict: cannot convert a value of type " +
                       py::str(v.get_type().attr("__name__")).cast<std::string>() + " to YAML");
}

Scenario scenarioFromDict(const py::dict& d, const std::vector<std::string>& overrides) {
  // through YAML text, so that a dict reads exactly like the same scenario in a file
  YAML::Emitter out;
  out << toYamlNode(d);
  YAML::Node doc = YAML::Load(out.c_str());
  chan::io::pinMapSeed(doc);  // as a file: seed overrides redraw demand, not the map
  for (const auto& o : overrides) chan::io::applyOverride(doc, o);
  return Scenario::parse(doc, "<dict>", overrides);
}

Scenario loadScenario(const fs::path& file, const std::vector<std::string>& overrides) {
  YAML::Node doc = chan::io::loadYamlFile(file.string());
  chan::io::pinMapSeed(doc);  // as chansim run: seed overrides redraw demand, not the map
  for (const auto& o : overrides) chan::io::applyOverride(doc, o);
  return Scenario::parse(doc, file.string(), overrides);
}

/// A Scenario, a path to a scenario file, or a dict.
Scenario toScenario(const py::object& obj, const std::vector<std::string>& overrides) {
  if (py::isinstance<Scenario>(obj)) {
    const auto& s = obj.cast<const Scenario&>();
    return overrides.empty() ? s : s.withOverrides(overrides);
  }
  if (py::isinstance<py::dict>(obj)) return scenarioFromDict(obj.cast<py::dict>(), overrides);
  if (py::isinstance<py::str>(obj) || py::hasattr(obj, "__fspath__"))
    return loadScenario(py::str(py::module_::import("os").attr("fspath")(obj)).cast<std::string>(), overrides);
  throw py::type_error("expected a chansim.Scenario, a scenario file path or a dict");
}

// ---- CSV text -> pandas DataFrame (dict of NumPy arrays without pandas). Column types are
// inferred as pandas.read_csv infers them from the file: int64 when every field is a whole
// number written without a point or exponent, float64 when every field is a number, else
// Python strings.

py::object frameOf(const chan::report::CsvTable& t) {
  py::dict columns;
  py::module_ np = py::module_::import("numpy");
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    if (chan::report::isNumericColumn(t, c)) {
      std::vector<double> values;
      bool integral = true;
      for (const auto& row : t.rows) {
        const std::string& f = row[c];
        const double v = chan::report::parseNumber(f);
        values.push_back(v);
        integral =
            integral && std::isfinite(v) && std::fabs(v) < 9.0e15 && f.find_first_of(".eEnN") == std::string::npos;
      }
      if (integral) {
        py::array_t<std::int64_t> a(static_cast<py::ssize_t>(values.size()));
        auto w = a.mutable_unchecked<1>();
        for (std::size_t i = 0; i < values.size(); ++i)
          w(static_cast<py::ssize_t>(i)) = static_cast<std::int64_t>(values[i]);
        columns[py::str(t.columns[c])] = a;
      } else {
        columns[py::str(t.columns[c])] = py::array_t<double>(static_cast<py::ssize_t>(values.size()), values.data());
      }
    } else {
      py::list texts;
      for (const auto& row : t.rows) texts.append(py::str(row[c]));
      columns[py::str(t.columns[c])] = np.attr("array")(texts, py::arg("dtype") = "object");
    }
  }
  try {
    py::module_ pandas = py::module_::import("pandas");
    return pandas.attr("DataFrame")(columns);
  } catch (py::error_already_set& e) {
    if (!e.matches(PyExc_ImportError)) throw;
    return columns;
  }
}

py::object frameOfText(const std::string& csv) { return frameOf(chan::report::parseCsv(csv)); }

// ---- runs

struct RunResult {
  Scenario scenario;
  std::unique_ptr<chan::Engine> engine;  // keeps a pointer to *scenario.spec
  chan::Summary summary;
  double seconds = 0;
  int threads = 0;

  py::dict summaryDict() const {
    py::dict d;
    for (const auto& [k, v] : summary) d[py::str(k)] = v;
    return d;
  }
  py::object timeseries() const { return frameOfText(chan::io::timeseriesCsv(engine->metrics(), *engine->world().spec)); }
  py::object members() const { return frameOfText(chan::io::membersCsv(engine->world())); }
  py::object memberTimeseries() const {  // None unless the scenario recorded the panel
    const chan::MemberPanel* panel = engine->memberPanel();
    return panel ? frameOfText(chan::io::memberTimeseriesCsv(*panel, engine->world())) : py::object(py::none());
  }
  std::string write(const fs::path& dir) const {
    chan::io::writeRunOutputs(dir, *engine, summary,
                              chan::io::RunInfo{scenario.source, scenario.overrides, threads, seconds, peakRssMb(), {}});
    return dir.string();
  }
};

int threadCount(std::optional<int> threads) {
  if (threads && *threads < 1) throw py::value_error("threads must be at least 1");
  return threads ? *threads : static_cast<int>(tbb::this_task_arena::max_concurrency());
}

std::shared_ptr<RunResult> runScenario(const py::object& what, const std::vector<std::string>& overrides,
                                       std::optional<std::uint64_t> seed, std::optional<int> ticks,
                                       std::optional<int> threads, bool check) {
  std::vector<std::string> sets = overrides;
  if (seed) sets.push_back("seed=" + std::to_string(*seed));
  if (ticks) sets.push_back("ticks=" + std::to_string(*ticks));
  if (check) sets.push_back("check=true");
  auto r = std::make_shared<RunResult>();
  r->scenario = toScenario(what, sets);
  r->threads = threadCount(threads);
  {
    py::gil_scoped_release release;  // other Python threads run while this one simulates
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(r->threads));
    const auto start = std::chrono::steady_clock::now();
    r->engine = std::make_unique<chan::Engine>(*r->scenario.spec);
    r->engine->run();
    r->summary = r->engine->summary();
    r->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return r;
}

// ---- sweeps

py::dict sweepTables(const fs::path& out) {
  py::dict d;
  for (const char* name : {"runs", "aggregate", "sensitivity"}) {
    const fs::path file = out / (std::string(name) + ".csv");
    if (fs::exists(file)) d[name] = frameOf(chan::report::readCsv(file));
  }
  return d;
}

py::object runSweep(const fs::path& file, const fs::path& out, std::optional<int> threads) {
  const int n = threadCount(threads);
  {
    py::gil_scoped_release release;
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(n));
    const chan::sweep::Plan plan(chan::sweep::loadSweep(file.string()));
    chan::sweep::validateAxes(plan);
    chan::sweep::validateMetrics(plan);
    chan::sweep::claimOutputDir(out, plan.spec());
    const auto pending = chan::sweep::pendingRuns(plan, out, chan::sweep::Shard{});
    chan::sweep::validatePoints(plan, pending);
    chan::sweep::executeRuns(plan, out, pending, n, [] {});
    chan::sweep::mergeSweep(out, plan);
  }
  return frameOf(chan::report::readCsv(out / "runs.csv"));
}

// ---- optimisation

py::object optimizeFile(const fs::path& file, const fs::path& out, std::optional<int> threads, bool quiet) {
  const int n = threadCount(threads);
  {
    py::gil_scoped_release release;
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(n));
    const chan::sweep::MpiSession mpi;  // inactive unless the interpreter itself runs under mpirun
    chan::optimize::OptimizeOptions options;
    options.out = out;
    options.threads = n;
    options.quiet = quiet;
    chan::optimize::runOptimization(chan::optimize::loadOptSpec(file.string()), options, mpi);
  }
  return frameOf(chan::report::readCsv(out / "history.csv"));
}

// ---- calibration (chansim calibrate)

py::dict calibrateFile(const fs::path& file, std::optional<fs::path> out, const std::vector<std::string>& overrides,
                       std::optional<int> threads, bool progress) {
  const int n = threadCount(threads);
  const chan::calib::CalibrationSpec spec = chan::io::loadCalibration(file.string());
  chan::calib::CalibrationResult r;
  {
    py::gil_scoped_release release;
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(n));
    r = chan::calib::calibrate(spec, overrides, progress ? &std::cerr : nullptr);
    if (out) chan::calib::writeCalibrationOutputs(*out, spec, r);
  }
  py::dict d;
  d["estimates"] = frameOfText(chan::calib::estimatesCsv(r, spec));
  d["fit"] = frameOfText(chan::calib::fitCsv(r, spec));
  d["warnings"] = r.warnings;
  d["calibrated_yaml"] = r.calibratedYaml;
  d["iterations"] = r.iterations;
  d["simulations"] = r.evaluations;
  d["stop"] = r.stop;
  d["residual_variance"] = r.residualVariance;
  d["condition_number"] = r.conditionNumber;
  d["fit_rmse"] = r.fit.rmse;
  d["fit_mape"] = r.fit.mape;
  d["holdout_moments"] = r.holdout.moments;
  d["holdout_rmse"] = r.holdout.rmse;
  d["holdout_mape"] = r.holdout.mape;
  return d;
}

}  // namespace

PYBIND11_MODULE(chansim, m) {
  m.doc() = "chansim: agent-based simulator of distribution channels (conflict, margin, coverage)";
  m.attr("__version__") = chan::kVersion;
  py::register_exception<chan::io::InputError>(m, "InputError", PyExc_ValueError);
  py::register_exception<chan::ConservationError>(m, "ConservationError", PyExc_RuntimeError);

  py::class_<Scenario>(m, "Scenario", "A validated scenario (load_scenario, scenario_from_dict)")
      .def_property_readonly("name", [](const Scenario& s) { return s.spec->name; })
      .def_property_readonly("description", [](const Scenario& s) { return s.spec->description; })
      .def_property_readonly("ticks", [](const Scenario& s) { return s.spec->ticks; })
      .def_property_readonly("seed", [](const Scenario& s) { return s.spec->seed; })
      .def_property_readonly("map_seed", [](const Scenario& s) { return s.spec->mapSeed; },
                             "Seed of the map (places); seed overrides leave it alone")
      .def_property_readonly("consumers", [](const Scenario& s) { return s.spec->consumers.count; })
      .def_property_readonly("member_count",
                             [](const Scenario& s) {
                               int n = 0;
                               for (const auto& g : s.spec->groups) n += g.count;
                               return n;
                             })
      .def_property_readonly("source", [](const Scenario& s) { return s.source; })
      .def_property_readonly("overrides", [](const Scenario& s) { return s.overrides; })
      .def("with_overrides", &Scenario::withOverrides, py::arg("overrides"),
           "A copy with more 'key.path=value' overrides applied (as chansim run --set)")
      .def("to_yaml", &Scenario::resolvedYaml, "The resolved scenario (every default filled in) as YAML text")
      .def("__repr__", [](const Scenario& s) {
        return "<chansim.Scenario '" + s.spec->name + "' from " + s.source + ": " + std::to_string(s.spec->ticks) +
               " ticks, " + std::to_string(s.spec->consumers.count) + " consumers>";
      });

  m.def("load_scenario", &loadScenario, py::arg("file"), py::arg("overrides") = std::vector<std::string>{},
        "Loads a scenario YAML file and applies 'key.path=value' overrides");
  m.def("scenario_from_dict", &scenarioFromDict, py::arg("scenario"), py::arg("overrides") = std::vector<std::string>{},
        "A scenario from a dict with the YAML schema (converted to YAML text, then read like a file)");

  py::class_<RunResult, std::shared_ptr<RunResult>>(m, "Result", "A finished run (chansim.run)")
      .def_property_readonly("scenario", [](const RunResult& r) { return r.scenario; })
      .def_property_readonly("summary", &RunResult::summaryDict, "Headline metrics: dict of dotted names to numbers")
      .def_property_readonly("timeseries", &RunResult::timeseries, "timeseries.csv as a DataFrame (one row per tick)")
      .def_property_readonly("members", &RunResult::members, "members.csv as a DataFrame (one row per member)")
      .def_property_readonly("member_timeseries", &RunResult::memberTimeseries,
                             "member_timeseries.csv as a DataFrame (one row per member per tick), or None unless "
                             "the scenario set outputs.member_timeseries")
      .def_property_readonly("seconds", [](const RunResult& r) { return r.seconds; })
      .def("write", &RunResult::write, py::arg("dir"),
           "Writes the run directory (manifest.json, summary.json, timeseries.csv, members.csv, "
           "scenario.resolved.yaml, and member_timeseries.csv when recorded); returns its path");

  m.def("run", &runScenario, py::arg("scenario"), py::arg("overrides") = std::vector<std::string>{},
        py::arg("seed") = py::none(), py::arg("ticks") = py::none(), py::arg("threads") = py::none(),
        py::arg("check") = false,
        "Runs a scenario (a Scenario, a file path or a dict) and returns a Result. The GIL is released "
        "while simulating; threads limits the engine's worker threads (default: all cores)");

  m.def(
      "report",
      [](const fs::path& dir, std::optional<fs::path> out) {
        return chan::report::writeReport(dir, out.value_or(fs::path{})).string();
      },
      py::arg("dir"), py::arg("out") = py::none(),
      "Writes report.html for a run or sweep directory (as chansim report); returns its path");

  m.def(
      "graph_dot",
      [](const py::object& scenario, bool members) {
        Scenario s = toScenario(scenario, {});
        ScenarioSpec spec = *s.spec;
        spec.consumers.count = std::min(spec.consumers.count, 1);
        const chan::World w = chan::buildWorld(spec);
        chan::report::DotOptions options;
        options.expandMembers = members;
        return chan::report::channelDot(w, options);
      },
      py::arg("scenario"), py::arg("members") = false, "The channel network as Graphviz DOT text (as chansim graph)");

  m.def("calibrate", &calibrateFile, py::arg("calibration_file"), py::arg("out") = py::none(),
        py::arg("overrides") = std::vector<std::string>{}, py::arg("threads") = py::none(), py::arg("progress") = false,
        "Fits scenario parameters to observed sales (as chansim calibrate); returns a dict with 'estimates' and "
        "'fit' (DataFrames), 'warnings', 'calibrated_yaml' and fit statistics. out: also write the output files");
  m.def("run_sweep", &runSweep, py::arg("sweep_file"), py::arg("out"), py::arg("threads") = py::none(),
        "Runs (or resumes) a sweep file into out, merges its tables and returns runs.csv as a DataFrame. "
        "The GIL is released while simulating");
  m.def("optimize", &optimizeFile, py::arg("optimization_file"), py::arg("out"), py::arg("threads") = py::none(),
        py::arg("quiet") = true,
        "Runs (or resumes) an optimisation file (as chansim optimize) into out and returns history.csv as a "
        "DataFrame (one row per candidate evaluated); best.yaml, optimum.json and pareto.csv are in out. "
        "The GIL is released while simulating");
  m.def("sweep_tables", &sweepTables, py::arg("out"),
        "The tables of a sweep directory: dict with 'runs', 'aggregate' and, after chansim analyze, "
        "'sensitivity' (DataFrames, or dicts of NumPy arrays without pandas)");
}
