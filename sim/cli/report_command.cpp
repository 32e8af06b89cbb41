// `chansim report DIR`: report.html of a run directory or a sweep directory (sim/report).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "sim/cli/commands.hpp"
#include "sim/report/html_report.hpp"

namespace chan::cli {

void addReportCommand(CLI::App& app, int& exitCode) {
  struct Options {
    std::string dir, out;
    bool quiet = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "report", "Write report.html for a run or sweep directory (self-contained: inline SVG, no network)");
  cmd->add_option("dir", o->dir, "Run directory (chansim run --out) or sweep directory (chansim sweep --out)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--out", o->out, "Output file (default DIR/report.html)");
  cmd->add_flag("--quiet", o->quiet, "Print nothing but errors");
  cmd->callback([o, &exitCode] {
    exitCode = guarded([&] {
      const std::filesystem::path file = report::writeReport(o->dir, o->out);
      if (!o->quiet) std::printf("report written to %s\n", file.c_str());
      return kExitOk;
    });
  });
}

}  // namespace chan::cli
