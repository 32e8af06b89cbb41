#include "sim/serve/job_queue.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/io/atomic_file.hpp"

extern char** environ;

namespace chan::serve {
namespace fs = std::filesystem;

const char* stateName(JobState s) {
  switch (s) {
    case JobState::Queued: return "queued";
    case JobState::Running: return "running";
    case JobState::Done: return "done";
    case JobState::Failed: return "failed";
    case JobState::Cancelled: return "cancelled";
    case JobState::Interrupted: return "interrupted";
  }
  return "?";
}

namespace {

JobState stateFromName(const std::string& name) {
  for (JobState s : {JobState::Queued, JobState::Running, JobState::Done, JobState::Failed, JobState::Cancelled,
                     JobState::Interrupted})
    if (name == stateName(s)) return s;
  return JobState::Failed;
}

/// Runs `argv` with stdout and stderr into one pipe; calls `line` for each line it prints.
/// Returns the exit status (128 + signal when killed); `started` receives the child's pid.
template <class OnStart, class OnLine>
int spawnAndRead(const std::vector<std::string>& argv, OnStart started, OnLine line) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("cannot create a pipe for a job");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // its own process group (cancel kills it alone), and the signal mask and handlers a program
  // starts with (the server blocks SIGINT/SIGTERM in its threads and ignores SIGPIPE)
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  sigset_t none, defaults;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  sigemptyset(&defaults);
  for (int s : {SIGINT, SIGTERM, SIGPIPE}) sigaddset(&defaults, s);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int error = posix_spawn(&pid, args[0], &actions, &attributes, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close(fds[1]);
  if (error != 0) {
    close(fds[0]);
    throw std::runtime_error("cannot start " + argv[0]);
  }
  started(static_cast<int>(pid));
  std::string pending;
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    pending.append(buffer, static_cast<std::size_t>(n));
    for (std::size_t end; (end = pending.find_first_of("\r\n")) != std::string::npos; pending.erase(0, end + 1))
      if (end > 0) line(pending.substr(0, end));
  }
  if (!pending.empty()) line(pending);
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/// "D/N" from a progress line: `chansim run --progress` prints "progress: T/N ticks", sweeps
/// and optimisations "... D/N runs (...)"; nothing for other lines.
std::optional<std::pair<long long, long long>> progressOf(const std::string& line) {
  for (const char* unit : {" ticks", " runs"}) {
    const std::size_t end = line.find(unit);
    if (end == std::string::npos) continue;
    const std::size_t start = line.find_last_of(' ', end - 1) + 1;  // npos + 1 == 0: the line's start
    long long done = 0, total = 0;
    char slash = 0;
    std::istringstream in(line.substr(start, end - start));
    if (in >> done >> slash >> total && slash == '/' && in.peek() == EOF) return std::pair{done, total};
  }
  return std::nullopt;
}

}  // namespace

nlohmann::json toJson(const Job& job) {
  return {{"id", job.id},         {"kind", job.kind},        {"label", job.label},       {"source", job.source},
          {"changes", job.changes}, {"arguments", job.arguments}, {"state", stateName(job.state)},
          {"done", job.done},     {"total", job.total},      {"message", job.message},   {"seconds", job.seconds}};
}

JobQueue::JobQueue(fs::path folder, fs::path program, int workers, int threadsPerJob)
    : m_folder(std::move(folder)), m_program(std::move(program)), m_threadsPerJob(threadsPerJob) {
  fs::create_directories(m_folder);
  load();
  for (int i = 0; i < workers; ++i) m_workers.emplace_back([this] { work(); });
}

JobQueue::~JobQueue() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
    for (auto& [id, job] : m_jobs)
      if (job.state == JobState::Running && job.pid > 0) {
        job.cancelRequested = true;
        kill(-job.pid, SIGTERM);
      }
  }
  m_wake.notify_all();
  for (std::thread& t : m_workers) t.join();
}

void JobQueue::load() {
  // jobs of an earlier server: finished ones stay listed; one that was queued or running when
  // that server stopped never finished (its outputs lack their manifest)
  for (const auto& entry : fs::directory_iterator(m_folder)) {
    const fs::path record = entry.path() / "job.json";
    if (!fs::is_regular_file(record)) continue;
    try {
      const nlohmann::json j = nlohmann::json::parse(std::ifstream(record));
      Job job;
      job.id = j.at("id");
      job.kind = j.at("kind");
      job.label = j.at("label");
      job.source = j.at("source");
      job.changes = j.at("changes").get<std::vector<std::string>>();
      job.arguments = j.at("arguments").get<std::vector<std::string>>();
      job.state = stateFromName(j.at("state"));
      job.done = j.at("done");
      job.total = j.at("total");
      job.message = j.at("message");
      job.seconds = j.at("seconds");
      if (job.state == JobState::Queued || job.state == JobState::Running) {
        job.state = JobState::Interrupted;
        job.message = "the server stopped before this job finished";
        save(job);
      }
      if (job.id.size() > 1) m_nextId = std::max(m_nextId, std::stoi(job.id.substr(1)) + 1);
      m_jobs[job.id] = job;
    } catch (const std::exception&) {
      // not a record this server wrote: leave the folder alone
    }
  }
}

std::string JobQueue::reserve() {
  std::lock_guard lock(m_mutex);
  char id[16];
  std::snprintf(id, sizeof id, "r%04d", m_nextId++);
  fs::create_directories(m_folder / id);
  return id;
}

void JobQueue::submit(Job job) {
  job.arguments.insert(job.arguments.end(),
                       {"--threads", std::to_string(m_threadsPerJob), "--out", (folderOf(job.id) / "out").string()});
  {
    std::lock_guard lock(m_mutex);
    save(job);
    m_queue.push_back(job.id);
    m_jobs[job.id] = std::move(job);
  }
  m_wake.notify_one();
}

bool JobQueue::cancel(const std::string& id) {
  std::lock_guard lock(m_mutex);
  auto it = m_jobs.find(id);
  if (it == m_jobs.end()) return false;
  Job& job = it->second;
  if (job.state == JobState::Queued) {
    job.state = JobState::Cancelled;
    std::erase(m_queue, id);
    save(job);
    return true;
  }
  if (job.state != JobState::Running) return false;
  job.cancelRequested = true;
  if (job.pid > 0) kill(-job.pid, SIGTERM);
  return true;
}

nlohmann::json JobQueue::list() const {
  std::lock_guard lock(m_mutex);
  nlohmann::json jobs = nlohmann::json::array();
  for (const auto& [id, job] : m_jobs) jobs.push_back(toJson(job));
  return jobs;
}

nlohmann::json JobQueue::find(const std::string& id) const {
  std::lock_guard lock(m_mutex);
  const auto it = m_jobs.find(id);
  return it == m_jobs.end() ? nlohmann::json() : toJson(it->second);
}

void JobQueue::work() {
  for (;;) {
    Job* job = nullptr;  // std::map: the element stays put while other jobs are added
    {
      std::unique_lock lock(m_mutex);
      m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
      if (m_stop) return;
      job = &m_jobs.at(m_queue.front());
      m_queue.pop_front();
      job->state = JobState::Running;
      save(*job);
    }
    // the worker owns a running job's progress fields; readers copy them under the lock
    execute(*job);
  }
}

void JobQueue::execute(Job& job) {
  std::vector<std::string> argv{m_program.string()};
  std::vector<std::string> arguments;
  {
    std::lock_guard lock(m_mutex);
    arguments = job.arguments;
  }
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  std::string lastError, reportProblem;
  const auto start = std::chrono::steady_clock::now();
  int status = 1;
  try {
    status = spawnAndRead(
        argv,
        [&](int pid) {
          std::lock_guard lock(m_mutex);
          job.pid = pid;
          if (job.cancelRequested) kill(-pid, SIGTERM);
        },
        [&](const std::string& line) {
          if (const auto p = progressOf(line)) {
            std::lock_guard lock(m_mutex);
            job.done = p->first;
            job.total = p->second;
          }
          if (line.rfind("error:", 0) == 0) lastError = line.substr(7);
        });
    if (status == 0) {  // the report page of the finished outputs
      std::vector<std::string> report{m_program.string(), "report", (folderOf(job.id) / "out").string(), "--quiet"};
      std::string reportLine;
      if (spawnAndRead(report, [](int) {}, [&](const std::string& line) { reportLine = line; }) != 0)
        reportProblem = "finished, but its report failed: " + reportLine;
    }
  } catch (const std::exception& e) {
    lastError = e.what();
  }
  std::lock_guard lock(m_mutex);
  job.pid = 0;
  job.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (job.cancelRequested) {
    job.state = JobState::Cancelled;
    std::error_code ignored;
    fs::remove_all(folderOf(job.id) / "out", ignored);  // a cut-short run's files are no result
  } else if (status == 0) {
    job.state = JobState::Done;
    job.done = job.total;
    job.message = reportProblem;
  } else {
    job.state = JobState::Failed;
    job.message = lastError.empty() ? "chansim exited with status " + std::to_string(status) : lastError;
  }
  save(job);
}

void JobQueue::save(const Job& job) const {
  io::writeFileAtomic(folderOf(job.id) / "job.json", toJson(job).dump(2) + "\n");
}

}  // namespace chan::serve
