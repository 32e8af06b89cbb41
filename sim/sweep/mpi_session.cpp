#include "sim/sweep/mpi_session.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

#include <mpi.h>

namespace chan::sweep {
namespace {

bool launchedByMpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(name)) return true;
  return false;
}

}  // namespace

MpiSession::MpiSession() {
  if (!launchedByMpi()) return;
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &m_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &m_size);
  m_active = true;
}

MpiSession::~MpiSession() {
  if (m_active) MPI_Finalize();
}

int MpiSession::localRanks() {
  for (const char* name : {"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "SLURM_NTASKS_PER_NODE"})
    if (const char* v = std::getenv(name)) return std::max(1, std::atoi(v));
  return 1;
}

void MpiSession::together(const std::function<void()>& step) const {
  std::exception_ptr failure;
  try {
    step();
  } catch (...) {
    failure = std::current_exception();
  }
  int ok = failure ? 0 : 1;
  if (m_active) {
    // a rank that finishes early polls gently instead of spinning in a blocking collective,
    // so that it leaves the cores to ranks still simulating on the same machine
    MPI_Request request;
    MPI_Iallreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD, &request);
    for (int done = 0; MPI_Test(&request, &done, MPI_STATUS_IGNORE), !done;)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (failure) std::rethrow_exception(failure);
  if (!ok) throw std::runtime_error("rank " + std::to_string(m_rank) + ": stopping because another rank failed");
}

long long MpiSession::sum(long long value) const {
  if (m_active) MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
  return value;
}

}  // namespace chan::sweep
