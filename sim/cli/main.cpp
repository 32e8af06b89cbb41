// chansim: command-line entry point. Parses options with CLI11 and hands over to commands.cpp.
#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>

#include "chan/version.hpp"
#include "sim/cli/commands.hpp"

int main(int argc, char** argv) {
  using namespace chan::cli;
  CLI::App app{"chansim: agent-based simulator of distribution channels (conflict, margin, coverage)", "chansim"};
  app.set_version_flag("--version", std::string("chansim ") + chan::kVersion +
                                        (*chan::kGitCommit ? std::string(" (") + chan::kGitCommit + ")" : ""));
  app.require_subcommand(1);

  RunOptions run;
  std::optional<long long> seed, ticks;
  auto* runCmd = app.add_subcommand("run", "Run a scenario and write its outputs");
  runCmd->add_option("scenario", run.scenario, "Scenario YAML file")->required()->check(CLI::ExistingFile);
  runCmd->add_option("--out", run.out, "Output directory (default outputs/<scenario name>)");
  runCmd->add_option("--seed", seed, "Random seed (overrides the scenario's seed)")->check(CLI::NonNegativeNumber);
  runCmd->add_option("--ticks", ticks, "Number of ticks (days) to run")->check(CLI::PositiveNumber);
  runCmd->add_option("--threads", run.threads, "Worker threads (default: all cores)")->check(CLI::Range(1, 1024));
  runCmd->add_option("--set", run.sets, "Override a scenario value: key.path=value (repeatable)");
  runCmd->add_flag("--quiet", run.quiet, "Print nothing but errors");
  runCmd->add_flag("--check", run.check, "Verify conservation of goods and money every tick");

  std::string checkFile;
  std::vector<std::string> checkSets;
  auto* checkCmd = app.add_subcommand("check", "Validate a scenario without running it");
  checkCmd->add_option("scenario", checkFile, "Scenario YAML file")->required()->check(CLI::ExistingFile);
  checkCmd->add_option("--set", checkSets, "Override a scenario value: key.path=value (repeatable)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  if (*runCmd) {
    if (seed) run.sets.push_back("seed=" + std::to_string(*seed));
    if (ticks) run.sets.push_back("ticks=" + std::to_string(*ticks));
    return runCommand(run);
  }
  return checkCommand(checkFile, checkSets);
}
