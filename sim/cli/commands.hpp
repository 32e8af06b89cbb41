#pragma once
// The chansim subcommands. Each returns the process exit code:
//   0 success, 1 runtime failure, 2 bad input (scenario, option or file), 3 conservation broken.
#include <string>
#include <vector>

namespace chan::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitConservation = 3;

struct RunOptions {
  std::string scenario;
  std::string out;                 // empty: outputs/<scenario name>
  std::vector<std::string> sets;   // key.path=value overrides
  int threads = 0;                 // 0: all cores
  bool quiet = false;
  bool check = false;
};

int runCommand(const RunOptions& options);
int checkCommand(const std::string& scenario, const std::vector<std::string>& sets);

}  // namespace chan::cli
