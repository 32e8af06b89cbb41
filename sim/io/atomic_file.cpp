#include "sim/io/atomic_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>

#include <fcntl.h>
#include <unistd.h>

namespace chan::io {
namespace {

/// The temporary file `path` is written to first: next to it, unique per process so that
/// concurrent writers never share one. Creates the parent directories.
std::filesystem::path temporaryFor(const std::filesystem::path& path) {
  const auto parent = path.parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  return path.string() + ".tmp." + std::to_string(::getpid());
}

/// Makes the written temporary file `tmp` the file at `path`: its data reaches the disk before
/// the rename makes it visible under the final name.
void commit(const std::filesystem::path& tmp, const std::filesystem::path& path, int fd) {
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    std::filesystem::remove(tmp);
    throw std::runtime_error(tmp.string() + ": flush failed: " + std::strerror(errno));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    throw std::runtime_error(path.string() + ": cannot replace: " + ec.message());
  }
}

}  // namespace

void writeFileAtomic(const std::filesystem::path& path, std::string_view content) {
  const std::filesystem::path tmp = temporaryFor(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(tmp.string() + ": cannot create: " + std::strerror(errno));
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      std::filesystem::remove(tmp);
      throw std::runtime_error(tmp.string() + ": write failed: " + why);
    }
    done += static_cast<std::size_t>(n);
  }
  commit(tmp, path, fd);
}

void writeFileAtomic(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write) {
  const std::filesystem::path tmp = temporaryFor(path);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(tmp.string() + ": cannot create: " + std::strerror(errno));
    try {
      write(out);
    } catch (...) {  // nothing half-written stays behind
      out.close();
      std::filesystem::remove(tmp);
      throw;
    }
    out.close();
    if (!out) {
      std::filesystem::remove(tmp);
      throw std::runtime_error(tmp.string() + ": write failed");
    }
  }
  // (fsync flushes the file whatever descriptor asks)
  const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::filesystem::remove(tmp);
    throw std::runtime_error(tmp.string() + ": cannot reopen: " + std::strerror(errno));
  }
  commit(tmp, path, fd);
}

}  // namespace chan::io
