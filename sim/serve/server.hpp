#pragma once
// `chansim serve`: a local what-if explorer in the browser (README "Explorer"). One page (the
// embedded explorer.html) talks to a small JSON API; every scenario the page sends goes through
// the strict loader first (a mistake comes back as HTTP 400 naming the field), and accepted runs,
// sweeps and optimisations run as queued child processes (job_queue.hpp) writing into
// WORK/outputs/serve/<job id>/.
//
// Safe by default: binds to 127.0.0.1; every request needs the token printed at start (in the
// URL, then a same-site cookie); reads only inside the scenario folder and its own job folders,
// writes only in the job folders; request bodies are capped.
#include <filesystem>
#include <string>

namespace chan::serve {

struct ServerOptions {
  std::filesystem::path scenarios;  // a folder of scenarios, or one scenario file
  std::filesystem::path work;       // jobs go to work/outputs/serve
  std::filesystem::path program;    // chansim itself, run for each job
  std::string host = "127.0.0.1";
  int port = 8765;                  // 0: any free port
  std::string token;                // empty: a random one
  int jobs = 1;                     // jobs running at once
  int threadsPerJob = 1;
};

/// Serves until SIGINT/SIGTERM; prints the URL (with the token) on stdout once listening.
/// Returns the process exit status.
int serve(ServerOptions options);

}  // namespace chan::serve
