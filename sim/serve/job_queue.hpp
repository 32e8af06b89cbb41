#pragma once
// The explorer's jobs (runs, sweeps, optimisations): each runs as a child `chansim` process, so a
// failing or cancelled job cannot take the server down and a killed server loses no finished
// job (the child writes its outputs atomically; the job's record, job.json, is rewritten
// atomically at every change of state). Jobs wait in a queue for one of `workers` slots, each of
// `threadsPerJob` threads: the core budget.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace chan::serve {

enum class JobState { Queued, Running, Done, Failed, Cancelled, Interrupted };
const char* stateName(JobState s);

struct Job {
  std::string id;                       // r0001, r0002, ... (also its folder name)
  std::string kind;                     // run, sweep, optimize
  std::string label;                    // what the person asked for, shown in the list
  std::string source;                   // the scenario/sweep/optimisation file, relative to the root
  std::vector<std::string> changes;     // key=value changes of the form (shown and compared)
  std::vector<std::string> arguments;   // the chansim command line after the program name
  JobState state = JobState::Queued;
  long long done = 0, total = 0;        // progress: ticks or runs
  std::string message;                  // the error of a failed job
  double seconds = 0;                   // wall time of the child
  int pid = 0;                          // the running child
  bool cancelRequested = false;
};

nlohmann::json toJson(const Job& job);

class JobQueue {
 public:
  /// `folder` holds one sub-folder per job (kept across restarts); `program` is chansim itself.
  JobQueue(std::filesystem::path folder, std::filesystem::path program, int workers, int threadsPerJob);
  ~JobQueue();
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  /// A new job's folder (its id is reserved); fill it (scenario.yaml) before submit.
  std::string reserve();
  std::filesystem::path folderOf(const std::string& id) const { return m_folder / id; }
  /// Queues a job whose folder was reserved; arguments get --threads and its outputs folder.
  void submit(Job job);
  /// Cancels a queued or running job; false when it has finished or does not exist.
  bool cancel(const std::string& id);
  nlohmann::json list() const;
  /// The job's record, or null when there is no such job.
  nlohmann::json find(const std::string& id) const;
  int threadsPerJob() const { return m_threadsPerJob; }

 private:
  void load();
  void work();
  void execute(Job& job);
  void save(const Job& job) const;  // caller holds m_mutex

  std::filesystem::path m_folder, m_program;
  int m_threadsPerJob;
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  std::map<std::string, Job> m_jobs;
  std::deque<std::string> m_queue;
  int m_nextId = 1;
  bool m_stop = false;
  std::vector<std::thread> m_workers;
};

}  // namespace chan::serve
