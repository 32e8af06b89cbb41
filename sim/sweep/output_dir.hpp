#pragma once
// The layout of a sweep's output directory, shared by sweep, merge and analyze:
//   sweep.yaml     the sweep file as read: names the sweep (a rerun into the same directory
//                  must be the same sweep) and lets merge and analyze work from the directory
//   runs/<id>/     one directory per run (id zero-padded to 6 digits); complete once run.json,
//                  always its last file, exists, so a run killed half-way is never counted
//   runs.csv, aggregate.csv (merge), sensitivity.csv (analyze)
#include <cstddef>
#include <filesystem>
#include <functional>
#include <vector>

#include "sim/sweep/plan.hpp"

namespace chan::sweep {

std::filesystem::path runDir(const std::filesystem::path& out, std::size_t run);
bool isComplete(const std::filesystem::path& runDir);

/// Writes sweep.yaml into a new output directory, or checks (io::InputError) that an existing
/// one holds the same sweep.
void claimOutputDir(const std::filesystem::path& out, const SweepSpec& spec);

/// The sweep an output directory holds (io::InputError when it holds none).
SweepSpec loadOutputDir(const std::filesystem::path& out);

/// Writes run.json, marking the run complete: the run's identity, overrides and metrics.
void writeRunRecord(const std::filesystem::path& dir, const Plan& plan, std::size_t run,
                    const std::vector<double>& metrics);

/// Calls visit(run, metrics) for every run in id order, reading one run.json at a time.
/// Throws std::runtime_error, before visiting any, when some runs are not complete.
void forEachRun(const std::filesystem::path& out, const Plan& plan,
                const std::function<void(std::size_t run, const std::vector<double>& metrics)>& visit);

}  // namespace chan::sweep
