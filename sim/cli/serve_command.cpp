// chansim serve: the what-if explorer in the browser (sim/serve, README "Explorer").
#include <algorithm>
#include <filesystem>
#include <memory>
#include <thread>

#include "sim/cli/commands.hpp"
#include "sim/serve/server.hpp"

namespace chan::cli {

void addServeCommand(CLI::App& app, int& exitCode) {
  namespace fs = std::filesystem;
  auto o = std::make_shared<serve::ServerOptions>();
  auto path = std::make_shared<std::string>();
  auto threads = std::make_shared<int>(0);
  auto* cmd = app.add_subcommand("serve", "A local what-if explorer in the browser: change a scenario, run, compare");
  cmd->add_option("scenarios", *path,
                  "A scenario file or a folder of scenarios (default: ./scenarios, else the installed ones)")
      ->check(CLI::ExistingPath);
  cmd->add_option("--port", o->port, "Port to listen on (0: any free port)")->check(integerIn(0, 65535));
  cmd->add_option("--host", o->host, "Address to listen on; anything but 127.0.0.1 exposes it to your network");
  cmd->add_option("--jobs", o->jobs, "Runs at once (the rest wait in the queue)")->check(integerIn(1, 64));
  cmd->add_option("--threads", *threads, "Threads per run (default: cores / jobs)")->check(integerIn(1, 1024));
  cmd->add_option("--token", o->token, "Access token of the URL (default: a random one)");
  cmd->callback([o, path, threads, &exitCode] {
    exitCode = guarded([&] {
      if (!path->empty()) o->scenarios = *path;
      else o->scenarios = fs::is_directory("scenarios") ? fs::path("scenarios") : dataDirectory() / "scenarios";
      o->work = fs::current_path();
      o->program = fs::canonical("/proc/self/exe");
      const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
      o->threadsPerJob = *threads > 0 ? *threads : std::max(1, cores / o->jobs);
      return serve::serve(*o);
    });
  });
}

}  // namespace chan::cli
