#pragma once
// Helpers shared by the fuzz targets.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace chan::fuzz {

inline std::string asText(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

/// The lines of text ('\n' separated; a trailing empty line dropped).
inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

/// The *.yaml files of a directory of the source tree, sorted; with `recursive`, subdirectories too.
inline std::vector<std::string> shippedYaml(const std::string& dir, bool recursive) {
  const std::filesystem::path root = std::filesystem::path(CHAN_SOURCE_DIR) / dir;
  std::vector<std::string> out;
  auto take = [&](const std::filesystem::directory_entry& e) {
    if (e.is_regular_file() && e.path().extension() == ".yaml") out.push_back(e.path().string());
  };
  if (recursive)
    for (const auto& e : std::filesystem::recursive_directory_iterator(root)) take(e);
  else
    for (const auto& e : std::filesystem::directory_iterator(root)) take(e);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace chan::fuzz
