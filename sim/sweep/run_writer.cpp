#include "sim/sweep/run_writer.hpp"

#include <utility>

namespace chan::sweep {

RunWriter::RunWriter(int workers) : m_capacity(static_cast<std::size_t>(workers)) {
  for (int i = 0; i < workers; ++i) m_threads.emplace_back([this] { work(); });
}

RunWriter::~RunWriter() {
  {
    std::lock_guard lock(m_mutex);
    m_closing = true;
  }
  m_changed.notify_all();
  for (auto& t : m_threads) t.join();
}

void RunWriter::submit(std::function<void()> job) {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [this] { return m_jobs.size() < m_capacity || m_failure; });
  if (m_failure) std::rethrow_exception(m_failure);
  m_jobs.push_back(std::move(job));
  m_changed.notify_all();
}

void RunWriter::finish() {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [this] { return (m_jobs.empty() && m_busy == 0) || m_failure; });
  if (m_failure) std::rethrow_exception(m_failure);
}

void RunWriter::work() {
  std::unique_lock lock(m_mutex);
  for (;;) {
    m_changed.wait(lock, [this] { return !m_jobs.empty() || m_closing; });
    if (m_jobs.empty()) return;  // closing and drained
    std::function<void()> job = std::move(m_jobs.front());
    m_jobs.pop_front();
    ++m_busy;
    m_changed.notify_all();  // room in the queue
    lock.unlock();
    std::exception_ptr failure;
    try {
      job();
    } catch (...) {
      failure = std::current_exception();
    }
    job = nullptr;  // frees the run's memory before taking the next one
    lock.lock();
    --m_busy;
    if (failure && !m_failure) m_failure = failure;
    m_changed.notify_all();
  }
}

}  // namespace chan::sweep
