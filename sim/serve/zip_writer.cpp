#include "sim/serve/zip_writer.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace chan::serve {
namespace fs = std::filesystem;
namespace {

// the zip format's record signatures and fields (PKWARE APPNOTE 6.3, sections 4.3.7, 4.3.12, 4.3.16)
constexpr std::uint32_t kLocalHeader = 0x04034b50, kCentralHeader = 0x02014b50, kEndOfCentral = 0x06054b50;
constexpr std::uint16_t kVersion = 20;  // 2.0: the version that reads stored entries
constexpr std::uint16_t kUtf8Names = 1u << 11;
constexpr std::uint16_t kDosDate1980 = (0 << 9) | (1 << 5) | 1;  // 1980-01-01: reproducible archives

void put16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>(v >> 8));
}
void put32(std::string& out, std::uint32_t v) {
  put16(out, static_cast<std::uint16_t>(v & 0xffff));
  put16(out, static_cast<std::uint16_t>(v >> 16));
}

std::uint32_t narrow32(std::size_t v) {
  if (v > std::numeric_limits<std::uint32_t>::max()) throw std::runtime_error("outputs too large for a zip archive");
  return static_cast<std::uint32_t>(v);
}

}  // namespace

unsigned crc32(const std::string& data) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char byte : data) c = table[(c ^ byte) & 0xff] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::string zipFolder(const fs::path& folder) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(folder))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::string archive, central;
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream content;
    if (!(content << in.rdbuf()) && fs::file_size(file) > 0) throw std::runtime_error("cannot read " + file.string());
    const std::string data = content.str();
    const std::string name = file.lexically_relative(folder).generic_string();
    const std::uint32_t crc = crc32(data), size = narrow32(data.size()), offset = narrow32(archive.size());
    auto header = [&](std::string& out, bool centralRecord) {
      put32(out, centralRecord ? kCentralHeader : kLocalHeader);
      if (centralRecord) put16(out, kVersion);  // version made by
      put16(out, kVersion);                     // version needed to extract
      put16(out, kUtf8Names);
      put16(out, 0);  // method: stored
      put16(out, 0);  // time 00:00
      put16(out, kDosDate1980);
      put32(out, crc);
      put32(out, size);  // compressed
      put32(out, size);  // uncompressed
      put16(out, static_cast<std::uint16_t>(name.size()));
      put16(out, 0);  // extra field length
      if (centralRecord) {
        put16(out, 0);  // comment length
        put16(out, 0);  // disk number
        put16(out, 0);  // internal attributes
        put32(out, 0);  // external attributes
        put32(out, offset);
      }
      out += name;
    };
    header(archive, false);
    archive += data;
    header(central, true);
  }
  if (files.size() > 0xffff) throw std::runtime_error("too many files for a zip archive");
  const std::uint32_t centralOffset = narrow32(archive.size());
  archive += central;
  put32(archive, kEndOfCentral);
  put16(archive, 0);
  put16(archive, 0);
  put16(archive, static_cast<std::uint16_t>(files.size()));
  put16(archive, static_cast<std::uint16_t>(files.size()));
  put32(archive, narrow32(central.size()));
  put32(archive, centralOffset);
  put16(archive, 0);  // comment length
  return archive;
}

}  // namespace chan::serve
