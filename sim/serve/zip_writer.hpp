#pragma once
// A folder as a .zip archive (entries stored uncompressed; any unzip and Python's zipfile read
// it), for the explorer's "download outputs". In memory: a run's outputs are a few MB.
#include <filesystem>
#include <string>

namespace chan::serve {

/// The regular files under `folder` (names relative to it, sorted) as a zip archive. Throws
/// std::runtime_error when a file cannot be read or the archive would pass the zip format's
/// 4 GB limits.
std::string zipFolder(const std::filesystem::path& folder);

/// CRC-32 (IEEE 802.3, as zip uses): crc32("123456789") == 0xCBF43926.
unsigned crc32(const std::string& data);

}  // namespace chan::serve
