#include "sim/serve/catalogue.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace chan::serve {
namespace fs = std::filesystem;

namespace {

// folders of a scenario tree that hold nothing to run from the explorer
const std::vector<std::string> kSkippedFolders = {"validation", "calibration", "data", "bench"};

/// "scenarios", "sweeps", "optimizations" or "" by the file's top-level keys.
std::string kindOf(const fs::path& file) {
  try {
    const YAML::Node root = YAML::LoadFile(file.string());
    if (!root.IsMap()) return "";
    if (root["axes"]) return "sweeps";
    if (root["variables"]) return "optimizations";
    if (root["members"]) return "scenarios";
  } catch (const YAML::Exception&) {
    // not YAML: nothing to offer (the loader would say why if it were run)
  }
  return "";
}

}  // namespace

nlohmann::json catalogue(const fs::path& root) {
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    const std::string name = it->path().filename().string();
    if (it->is_directory() && std::find(kSkippedFolders.begin(), kSkippedFolders.end(), name) != kSkippedFolders.end())
      it.disable_recursion_pending();
    else if (it->is_regular_file() && it->path().extension() == ".yaml")
      files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  nlohmann::json out = {{"scenarios", nlohmann::json::array()},
                        {"sweeps", nlohmann::json::array()},
                        {"optimizations", nlohmann::json::array()}};
  for (const fs::path& f : files)
    if (const std::string kind = kindOf(f); !kind.empty()) out[kind].push_back(f.lexically_relative(root).generic_string());
  return out;
}

}  // namespace chan::serve
