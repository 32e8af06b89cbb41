// `chansim graph SCENARIO`: the channel network as Graphviz DOT (sim/report/dot_export), and
// as SVG through Graphviz's `dot` when it is installed.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "sim/cli/commands.hpp"
#include "sim/engine/world_builder.hpp"
#include "sim/io/atomic_file.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/report/dot_export.hpp"

extern char** environ;

namespace chan::cli {
namespace {

namespace fs = std::filesystem;

struct GraphOptions {
  std::string scenario;
  std::vector<std::string> sets;
  std::string out;  // empty: stdout (or <scenario name>.dot with --svg)
  bool svg = false;
  bool members = false;
  int collapseAbove = 8;
};

/// The first executable `name` on PATH, or empty.
std::string findOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const std::size_t colon = std::min(dirs.find(':', start), dirs.size());
    const std::string dir = dirs.substr(start, colon - start);
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0 && fs::is_regular_file(candidate)) return candidate.string();
    start = colon + 1;
  }
  return {};
}

/// Runs dot -Tsvg -o svgFile dotFile; returns its exit status.
int renderSvg(const std::string& dot, const fs::path& dotFile, const fs::path& svgFile) {
  std::vector<std::string> args = {dot, "-Tsvg", "-o", svgFile.string(), dotFile.string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, dot.c_str(), nullptr, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("cannot start " + dot);
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) throw std::runtime_error("waiting for " + dot + " failed");
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

int graphScenario(const GraphOptions& o) {
  ScenarioSpec spec = io::loadScenario(o.scenario, o.sets);
  spec.consumers.count = std::min(spec.consumers.count, 1);  // the network needs no consumers
  const World world = buildWorld(spec);
  report::DotOptions options;
  options.expandMembers = o.members;
  options.collapseAbove = o.collapseAbove;
  const std::string dot = report::channelDot(world, options);
  if (!o.svg) {
    if (o.out.empty()) {
      std::cout << dot;
    } else {
      io::writeFileAtomic(o.out, dot);
      std::printf("DOT written to %s\n", o.out.c_str());
    }
    return kExitOk;
  }
  const fs::path dotFile = o.out.empty() ? fs::path(spec.name + ".dot") : fs::path(o.out);
  fs::path svgFile = dotFile;
  svgFile.replace_extension(".svg");
  io::writeFileAtomic(dotFile, dot);
  const std::string dotProgram = findOnPath("dot");
  if (dotProgram.empty()) {
    std::fprintf(stderr,
                 "error: --svg needs Graphviz's `dot`, which is not installed.\n"
                 "  Install it with:  sudo apt-get install graphviz\n"
                 "  The DOT file was written to %s; render it later with:  dot -Tsvg -o %s %s\n",
                 dotFile.c_str(), svgFile.c_str(), dotFile.c_str());
    return kExitFailure;
  }
  const int status = renderSvg(dotProgram, dotFile, svgFile);
  if (status != 0) {
    std::fprintf(stderr, "error: %s exited with status %d on %s\n", dotProgram.c_str(), status, dotFile.c_str());
    return kExitFailure;
  }
  std::printf("DOT written to %s, SVG to %s\n", dotFile.c_str(), svgFile.c_str());
  return kExitOk;
}

}  // namespace

void addGraphCommand(CLI::App& app, int& exitCode) {
  auto o = std::make_shared<GraphOptions>();
  auto* cmd = app.add_subcommand("graph", "Export the channel network as Graphviz DOT (--svg: render it with dot)");
  cmd->add_option("scenario", o->scenario, "Scenario YAML file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--set", o->sets, "Override a scenario value: key.path=value (repeatable)");
  cmd->add_option("--out", o->out, "DOT output file (default: standard output; with --svg <scenario name>.dot)");
  cmd->add_flag("--svg", o->svg, "Also render FILE.svg next to the DOT file with Graphviz's dot");
  cmd->add_flag("--members", o->members, "One node per member (default: large groups collapsed, e.g. 'stores ×52')");
  cmd->add_option("--collapse-above", o->collapseAbove, "Collapse groups with more members than this (default 8)")
      ->check(integerIn(1, 1000000));
  cmd->callback([o, &exitCode] { exitCode = guarded([&] { return graphScenario(*o); }); });
}

}  // namespace chan::cli
