// chansim: command-line entry point. Each subcommand registers itself (sim/cli/*_command.cpp).
#include <string>

#include "chan/version.hpp"
#include "sim/cli/commands.hpp"

int main(int argc, char** argv) {
  using namespace chan::cli;
  CLI::App app{"chansim: agent-based simulator of distribution channels (conflict, margin, coverage)", "chansim"};
  app.set_version_flag("--version", std::string("chansim ") + chan::kVersion +
                                        (*chan::kGitCommit ? std::string(" (") + chan::kGitCommit + ")" : ""));
  app.require_subcommand(1);
  int exitCode = kExitOk;
  addRunCommand(app, exitCode);
  addCheckCommand(app, exitCode);
  addValidateCommand(app, exitCode);
  addSweepCommand(app, exitCode);
  addMergeCommand(app, exitCode);
  addAnalyzeCommand(app, exitCode);
  addReportCommand(app, exitCode);
  addGraphCommand(app, exitCode);
  addSchemaCommand(app, exitCode);
  addServeCommand(app, exitCode);
  addOptimizeCommand(app, exitCode);
  addCalibrateCommand(app, exitCode);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitBadInput;
  }
  return exitCode;
}
