#include "sim/sweep/progress.hpp"

#include <cstdio>
#include <utility>

#include <unistd.h>

namespace chan::sweep {
namespace {

std::string duration(double seconds) {
  char buf[32];
  if (seconds < 90) std::snprintf(buf, sizeof buf, "%.0f s", seconds);
  else if (seconds < 5400) std::snprintf(buf, sizeof buf, "%.0f min", seconds / 60);
  else std::snprintf(buf, sizeof buf, "%.1f h", seconds / 3600);
  return buf;
}

}  // namespace

Progress::Progress(std::size_t total, std::size_t done, std::string label)
    : m_total(total),
      m_skipped(done),
      m_label(std::move(label)),
      m_terminal(::isatty(STDERR_FILENO) == 1),
      m_done(done) {
  m_thread = std::thread([this] { loop(); });
}

Progress::~Progress() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_one();
  m_thread.join();
  report(true);
}

void Progress::loop() {
  // a terminal redraws often; a log gets a line every 5 s, which stays readable for long sweeps
  const auto period = m_terminal ? std::chrono::milliseconds(250) : std::chrono::milliseconds(5000);
  std::unique_lock lock(m_mutex);
  while (!m_wake.wait_for(lock, period, [this] { return m_stop; })) report(false);
}

void Progress::report(bool final) {
  const std::size_t done = m_done.load(std::memory_order_relaxed);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
  const double rate = seconds > 0 ? static_cast<double>(done - m_skipped) / seconds : 0.0;
  const double share = m_total > 0 ? static_cast<double>(done) / static_cast<double>(m_total) : 1.0;
  std::string eta = final      ? "elapsed " + duration(seconds)
                    : rate > 0 ? "ETA " + duration(static_cast<double>(m_total - done) / rate)
                               : "ETA ?";
  char stats[160];
  std::snprintf(stats, sizeof stats, "%zu/%zu runs (%.0f%%), %.1f runs/s, %s", done, m_total, 100 * share, rate,
                eta.c_str());
  if (m_terminal) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(share * kWidth);
    std::fprintf(stderr, "\r%s[%s%s] %s\033[K%s", m_label.c_str(),
                 std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(kWidth - filled), '.').c_str(), stats, final ? "\n" : "");
  } else {
    std::fprintf(stderr, "%ssweep: %s\n", m_label.c_str(), stats);
  }
  std::fflush(stderr);
}

}  // namespace chan::sweep
