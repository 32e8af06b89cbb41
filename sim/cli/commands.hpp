#pragma once
// The chansim subcommands. Each add*Command registers a subcommand on the CLI11 app; its
// callback stores the process exit code in `exitCode`:
//   0 success, 1 runtime failure, 2 bad input (scenario, option or file), 3 conservation broken
//   or a validation case missed.
#include <CLI/CLI.hpp>
#include <filesystem>

namespace chan::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitCheckFailed = 3;

void addRunCommand(CLI::App& app, int& exitCode);
void addCheckCommand(CLI::App& app, int& exitCode);
void addValidateCommand(CLI::App& app, int& exitCode);
void addSweepCommand(CLI::App& app, int& exitCode);
void addMergeCommand(CLI::App& app, int& exitCode);
void addAnalyzeCommand(CLI::App& app, int& exitCode);
void addReportCommand(CLI::App& app, int& exitCode);
void addGraphCommand(CLI::App& app, int& exitCode);
void addCalibrateCommand(CLI::App& app, int& exitCode);
void addOptimizeCommand(CLI::App& app, int& exitCode);
void addSchemaCommand(CLI::App& app, int& exitCode);
void addServeCommand(CLI::App& app, int& exitCode);

/// Validator of an integer option: the text must be a whole decimal number within [min, max],
/// else "expected an integer from MIN to MAX, got TEXT" (CLI11's own number validators print
/// their bounds as 300-digit doubles and accept fractions for integer options).
CLI::Validator integerIn(long long min, long long max);

/// The shipped data (scenarios/, notebooks/): PREFIX/share/chansim beside an installed program
/// (found from /proc/self/exe), else the source tree the program was built from.
std::filesystem::path dataDirectory();

/// Runs `body`, mapping exceptions to exit codes with one "error: ..." line on stderr.
int guarded(const std::function<int()>& body);

}  // namespace chan::cli
