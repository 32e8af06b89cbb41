#pragma once
// Writes finished runs on a few I/O threads of its own. Every output file is flushed to disk
// (fsync) before it is renamed into place, and an fsync waits for the disk: done on the
// compute threads it would leave cores idle, so the sweep hands each finished run over to
// this writer and goes on simulating. Concurrent fsyncs also share journal commits, so
// several writers get more runs onto the disk per second than one.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace chan::sweep {

class RunWriter {
 public:
  /// workers I/O threads; at most that many jobs wait besides those being written, so a slow
  /// disk holds back the simulation instead of letting finished runs pile up in memory.
  explicit RunWriter(int workers);
  ~RunWriter();  // finishes the queued jobs, then joins
  RunWriter(const RunWriter&) = delete;
  RunWriter& operator=(const RunWriter&) = delete;

  /// Queues a job (blocks while the queue is full); rethrows an earlier job's failure.
  void submit(std::function<void()> job);
  /// Waits until every queued job is done; rethrows the first failure.
  void finish();

 private:
  void work();

  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<std::function<void()>> m_jobs;
  std::size_t m_capacity;
  std::size_t m_busy = 0;
  bool m_closing = false;
  std::exception_ptr m_failure;
  std::vector<std::thread> m_threads;
};

}  // namespace chan::sweep
