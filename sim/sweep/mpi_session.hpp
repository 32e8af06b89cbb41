#pragma once
// MPI for `mpirun -np N chansim sweep`: initialised only when the process was started by an
// MPI launcher (Open MPI, MPICH/Hydra, PMIx or Slurm's PMI set their variables), so that plain
// runs neither need nor touch MPI. Only the main thread calls MPI.
#include <exception>
#include <functional>

namespace chan::sweep {

class MpiSession {
 public:
  MpiSession();   // MPI_Init_thread when launched under MPI
  ~MpiSession();  // MPI_Finalize
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  bool active() const { return m_active; }
  int rank() const { return m_rank; }
  int size() const { return m_size; }
  /// Ranks sharing this machine (to divide its cores between them); 1 without MPI.
  static int localRanks();

  /// Runs step on every rank, then agrees: rethrows this rank's exception, or throws
  /// std::runtime_error when another rank failed, so that no rank waits for a failed one.
  void together(const std::function<void()>& step) const;
  /// Sum over ranks (the value itself without MPI).
  long long sum(long long value) const;

 private:
  bool m_active = false;
  int m_rank = 0, m_size = 1;
};

}  // namespace chan::sweep
