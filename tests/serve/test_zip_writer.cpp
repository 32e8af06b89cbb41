// The zip writer, read back by hand following the format (PKWARE APPNOTE 6.3): the local
// headers hold each file's name and bytes, the CRCs are those of the bytes, and the end record
// points at a central directory listing every file.
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>

#include "sim/serve/zip_writer.hpp"

namespace fs = std::filesystem;
using chan::serve::crc32;
using chan::serve::zipFolder;

namespace {

std::uint32_t read32(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + static_cast<std::size_t>(i)]);
  return v;
}
std::uint16_t read16(const std::string& s, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(s[at]) | (static_cast<unsigned char>(s[at + 1]) << 8));
}

}  // namespace

TEST_CASE("crc32 gives the standard check values", "[serve]") {
  // the CRC-32/ISO-HDLC catalogue's check value, and the CRC of nothing
  CHECK(crc32("123456789") == 0xCBF43926u);
  CHECK(crc32("") == 0u);
}

TEST_CASE("a zipped folder holds every file's bytes under its relative name", "[serve]") {
  const fs::path dir = fs::temp_directory_path() / "chan_zip_test";
  fs::remove_all(dir);
  fs::create_directories(dir / "counterfactual");
  const std::map<std::string, std::string> files = {
      {"summary.json", "{\"sales\": 1}\n"}, {"counterfactual/timeseries.csv", "tick,units\n1,2\n"}, {"empty.txt", ""}};
  for (const auto& [name, content] : files) std::ofstream(dir / name, std::ios::binary) << content;

  const std::string zip = zipFolder(dir);
  std::map<std::string, std::string> found;
  std::size_t at = 0;
  while (read32(zip, at) == 0x04034b50u) {  // local file headers, one per file
    CHECK(read16(zip, at + 8) == 0);        // stored
    const std::uint32_t crc = read32(zip, at + 14), size = read32(zip, at + 18);
    CHECK(read32(zip, at + 22) == size);
    const std::uint16_t nameLength = read16(zip, at + 26), extra = read16(zip, at + 28);
    const std::string name = zip.substr(at + 30, nameLength);
    const std::string data = zip.substr(at + 30 + nameLength + extra, size);
    CHECK(crc == crc32(data));
    found[name] = data;
    at += 30 + nameLength + extra + size;
  }
  CHECK(found == files);
  // the end record: the entry count and the central directory's place
  const std::size_t end = zip.size() - 22;
  REQUIRE(read32(zip, end) == 0x06054b50u);
  CHECK(read16(zip, end + 10) == files.size());
  CHECK(read32(zip, end + 16) == at);  // the central directory starts right after the entries
  CHECK(read32(zip, at) == 0x02014b50u);
  fs::remove_all(dir);
}
