#include "sim/sweep/csv_writer.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include <unistd.h>

namespace chan::sweep {

std::string csvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

CsvWriter::CsvWriter(std::filesystem::path path)
    : m_path(std::move(path)), m_temporary(m_path.string() + ".tmp." + std::to_string(::getpid())) {
  m_file = std::fopen(m_temporary.c_str(), "w");
  if (!m_file) throw std::runtime_error(m_temporary.string() + ": cannot create: " + std::strerror(errno));
}

CsvWriter::~CsvWriter() {
  if (!m_file) return;
  std::fclose(m_file);
  std::error_code ignored;  // a destructor must not throw; the temporary is only litter
  std::filesystem::remove(m_temporary, ignored);
}

void CsvWriter::row(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) line += ',';
    line += csvField(fields[i]);
  }
  line += '\n';
  if (std::fwrite(line.data(), 1, line.size(), m_file) != line.size())
    throw std::runtime_error(m_temporary.string() + ": write failed: " + std::strerror(errno));
}

void CsvWriter::commit() {
  const bool ok = std::fflush(m_file) == 0 && ::fsync(::fileno(m_file)) == 0;
  const int error = errno;
  std::fclose(m_file);
  m_file = nullptr;
  if (!ok) {
    std::filesystem::remove(m_temporary);
    throw std::runtime_error(m_temporary.string() + ": flush failed: " + std::strerror(error));
  }
  std::filesystem::rename(m_temporary, m_path);
}

}  // namespace chan::sweep
