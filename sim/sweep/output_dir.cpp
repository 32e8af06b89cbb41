#include "sim/sweep/output_dir.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <stdexcept>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "sim/io/atomic_file.hpp"
#include "sim/io/yaml_reader.hpp"

namespace chan::sweep {
namespace {

using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

constexpr const char* kSweepFile = "sweep.yaml";
constexpr const char* kRunRecord = "run.json";

std::string emitted(const YAML::Node& node) {
  YAML::Emitter out;
  out << node;
  return std::string(out.c_str()) + "\n";
}

std::vector<double> readMetrics(const fs::path& dir, const Plan& plan) {
  std::ifstream in(dir / kRunRecord);
  const Json record = Json::parse(in, nullptr, false);
  if (record.is_discarded() || !record.contains("metrics"))
    throw std::runtime_error((dir / kRunRecord).string() + ": not a run record");
  std::vector<double> values;
  for (const std::string& name : plan.spec().metrics) {
    const auto it = record["metrics"].find(name);
    if (it == record["metrics"].end()) throw std::runtime_error((dir / kRunRecord).string() + ": no metric " + name);
    values.push_back(it->is_null() ? std::numeric_limits<double>::quiet_NaN() : it->get<double>());  // JSON has no NaN
  }
  return values;
}

}  // namespace

fs::path runDir(const fs::path& out, std::size_t run) {
  char name[32];
  std::snprintf(name, sizeof name, "%06zu", run);
  return out / "runs" / name;
}

bool isComplete(const fs::path& dir) { return fs::exists(dir / kRunRecord); }

void claimOutputDir(const fs::path& out, const SweepSpec& spec) {
  const fs::path copy = out / kSweepFile;
  const std::string text = emitted(spec.source);
  if (fs::exists(copy)) {
    if (emitted(io::loadYamlFile(copy.string())) != text)
      throw io::InputError(out.string() + ": holds the outputs of a different sweep (its sweep.yaml differs from " +
                           spec.file + "); choose another --out or remove it");
    return;
  }
  io::writeFileAtomic(copy, "# chansim sweep file, copied from " + spec.file + "\n" + text);
}

SweepSpec loadOutputDir(const fs::path& out) {
  const fs::path copy = out / kSweepFile;
  if (!fs::exists(copy)) throw io::InputError(out.string() + ": not a sweep output directory (no sweep.yaml)");
  return loadSweep(copy.string());
}

void writeRunRecord(const fs::path& dir, const Plan& plan, std::size_t run, const std::vector<double>& metrics) {
  Json record = Json::object();
  record["run_id"] = run;
  record["point_id"] = plan.pointOf(run);
  record["replication"] = plan.replicationOf(run);
  record["seed"] = plan.seed(run);
  record["scenario"] = plan.scenarioFile(plan.pointOf(run));
  record["overrides"] = plan.overrides(run);
  Json values = Json::object();
  for (std::size_t m = 0; m < metrics.size(); ++m) values[plan.spec().metrics[m]] = metrics[m];
  record["metrics"] = values;
  io::writeFileAtomic(dir / kRunRecord, record.dump(2) + "\n");
}

void forEachRun(const fs::path& out, const Plan& plan,
                const std::function<void(std::size_t, const std::vector<double>&)>& visit) {
  std::size_t missing = 0;
  std::string first;
  for (std::size_t run = 0; run < plan.runs(); ++run) {
    if (isComplete(runDir(out, run))) continue;
    if (++missing <= 5) first += (first.empty() ? "" : ", ") + std::to_string(run);
  }
  if (missing > 0)
    throw std::runtime_error(out.string() + ": " + std::to_string(missing) + " of " + std::to_string(plan.runs()) +
                             " runs are not complete (ids " + first + (missing > 5 ? ", ..." : "") +
                             "); finish them with chansim sweep (every shard) first");
  for (std::size_t run = 0; run < plan.runs(); ++run) visit(run, readMetrics(runDir(out, run), plan));
}

}  // namespace chan::sweep
