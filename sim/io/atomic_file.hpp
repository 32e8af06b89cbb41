#pragma once
// Atomic file output: content goes to a temporary file in the same directory, is flushed,
// and is renamed over the target, so a killed run never leaves a half-written file that
// looks complete.
#include <filesystem>
#include <functional>
#include <ostream>
#include <string_view>

namespace chan::io {

/// Writes content to path atomically; creates parent directories. Throws std::runtime_error.
void writeFileAtomic(const std::filesystem::path& path, std::string_view content);
/// The same for content that `write` streams out piece by piece: a file of a million rows
/// (members.csv of a national network) is never held whole in memory.
void writeFileAtomic(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write);

}  // namespace chan::io
