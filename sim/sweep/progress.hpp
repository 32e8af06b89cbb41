#pragma once
// Progress of a sweep on stderr: a bar redrawn in place (runs done, rate, ETA) when stderr is
// a terminal, plain lines every few seconds otherwise (logs, CI, mpirun). A background thread
// does the printing, so worker threads only bump an atomic counter.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>

namespace chan::sweep {

class Progress {
 public:
  /// total: runs this process is responsible for; done: those already complete (resume).
  /// label prefixes every line ("rank 1: ").
  Progress(std::size_t total, std::size_t done, std::string label);
  ~Progress();  // prints the final state
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// One more run finished (thread-safe).
  void completed() { m_done.fetch_add(1, std::memory_order_relaxed); }

 private:
  void report(bool final);
  void loop();

  const std::size_t m_total, m_skipped;
  const std::string m_label;
  const bool m_terminal;
  const std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
  std::atomic<std::size_t> m_done;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stop = false;
  std::thread m_thread;
};

}  // namespace chan::sweep
