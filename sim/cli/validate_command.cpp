// `chansim validate`: runs the validation cases of scenarios/validation/*.yaml and prints
// published vs simulated values. Exit 0 only if every row passes.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "sim/cli/commands.hpp"
#include "sim/io/yaml_reader.hpp"
#include "sim/validation/case.hpp"
#include "sim/validation/steady_state.hpp"

namespace chan::cli {
namespace {

namespace fs = std::filesystem;

struct ValidateOptions {
  std::vector<std::string> cases;
  std::vector<std::string> sets;
  std::string dir;
  std::string writeScenarios;
  bool json = false;
};

fs::path caseDirectory(const std::string& requested) {
  if (!requested.empty()) return requested;
  if (fs::is_directory("scenarios/validation")) return "scenarios/validation";
  return dataDirectory() / "scenarios" / "validation";
}

struct CaseFile {
  fs::path path;
  std::string name;
  YAML::Node root;
};

std::vector<CaseFile> loadCaseFiles(const fs::path& dir) {
  if (!fs::is_directory(dir)) throw io::InputError(dir.string() + ": no such directory of validation cases");
  // sort paths, not CaseFiles: assigning a YAML::Node overwrites the node it refers to
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".yaml") paths.push_back(entry.path());
  std::sort(paths.begin(), paths.end());
  std::vector<CaseFile> files;
  for (const fs::path& p : paths) {
    YAML::Node root = io::loadYamlFile(p.string());
    io::Reader top(root, p.string(), "");
    files.push_back({p, top.text("case"), root});
  }
  return files;
}

void printTable(const std::vector<std::pair<std::string, validation::Row>>& rows) {
  std::printf("%-24s %-18s %-28s %14s %14s %10s %9s  %s\n", "case", "variant", "quantity", "published", "simulated",
              "rel.error", "tolerance", "result");
  for (const auto& [name, r] : rows)
    std::printf("%-24s %-18s %-28s %14.6g %14.6g %10.2e %9.2g  %s\n", name.c_str(), r.variant.c_str(),
                r.quantity.c_str(), r.published, r.simulated, r.error(), r.tolerance, r.pass() ? "pass" : "FAIL");
}

int runValidation(const ValidateOptions& o) {
  const auto& known = validation::allCases();
  std::vector<std::string> knownNames;
  for (const auto& c : known) knownNames.push_back(c.name);
  for (const std::string& c : o.cases)
    if (std::find(knownNames.begin(), knownNames.end(), c) == knownNames.end()) {
      const std::string near = io::closestMatch(c, knownNames);
      throw io::InputError("--case " + c + ": unknown case" + (near.empty() ? "" : " (did you mean '" + near + "'?)"));
    }
  if (!o.sets.empty() && o.cases.empty()) throw io::InputError("--set needs --case: parameters belong to one case");

  validation::setScenarioDumpDirectory(o.writeScenarios);
  std::vector<std::pair<std::string, validation::Row>> rows;
  for (CaseFile& f : loadCaseFiles(caseDirectory(o.dir))) {
    if (!o.cases.empty() && std::find(o.cases.begin(), o.cases.end(), f.name) == o.cases.end()) continue;
    const auto it = std::find_if(known.begin(), known.end(), [&](const auto& c) { return c.name == f.name; });
    io::Reader top(f.root, f.path.string(), "");
    top.text("case");
    if (it == known.end()) top.fail("case", "unknown case '" + f.name + "'");
    YAML::Node parameters = f.root["parameters"];
    for (const std::string& s : o.sets) io::applyOverride(parameters, s);
    io::Reader reader = top.map("parameters");
    top.finish();
    std::vector<validation::Row> caseRows;
    if (!o.json) std::fprintf(stderr, "running %s ...\n", f.name.c_str());
    it->run(reader, caseRows);
    for (auto& r : caseRows) rows.emplace_back(f.name, r);
  }
  const bool allPass = std::all_of(rows.begin(), rows.end(), [](const auto& r) { return r.second.pass(); });
  if (o.json) {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (const auto& [name, r] : rows)
      j.push_back({{"case", name}, {"variant", r.variant}, {"quantity", r.quantity}, {"published", r.published},
                   {"simulated", r.simulated}, {"relative_error", r.error()}, {"tolerance", r.tolerance},
                   {"pass", r.pass()}});
    std::cout << j.dump(2) << "\n";
  } else {
    printTable(rows);
    const auto passed = std::count_if(rows.begin(), rows.end(), [](const auto& r) { return r.second.pass(); });
    std::printf("\n%zu rows: %zu passed, %zu failed\n", rows.size(), static_cast<std::size_t>(passed),
                rows.size() - static_cast<std::size_t>(passed));
  }
  return allPass ? kExitOk : kExitCheckFailed;
}

}  // namespace

void addValidateCommand(CLI::App& app, int& exitCode) {
  auto o = std::make_shared<ValidateOptions>();
  auto* cmd = app.add_subcommand("validate", "Reproduce published channel economics (scenarios/validation)");
  cmd->add_option("--case", o->cases, "Run only this case (repeatable)");
  cmd->add_option("--set", o->sets, "Override a case parameter: name=value (needs --case)");
  cmd->add_option("--dir", o->dir, "Directory of case files (default scenarios/validation)");
  cmd->add_flag("--json", o->json, "Print the rows as JSON");
  cmd->add_option("--write-scenarios", o->writeScenarios,
                  "Also write the engine scenarios the cases generate into this directory (for chansim run)");
  cmd->callback([o, &exitCode] { exitCode = guarded([&] { return runValidation(*o); }); });
}

}  // namespace chan::cli
