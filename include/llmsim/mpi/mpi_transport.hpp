// SPDX-License-Identifier: MIT
// MPI implementation of des::Transport, and the process-wide MPI lifetime (the only files that see <mpi.h>).
#pragma once

#include <memory>

#include "llmsim/des/transport.hpp"

namespace llmsim::mpi {

/// The process was started by an MPI launcher (mpirun/mpiexec, srun with PMI or PMIx).
bool launched_by_mpi();
/// MPI_Init has run and MPI_Finalize has not.
bool initialized();

/// Initialises MPI for the process (MPI_Init_thread, funneled) and finalises it on destruction, when
/// launched_by_mpi(); otherwise the process is one rank and MPI is never initialised (no orted fork).
class Environment {
 public:
  Environment(int* argc, char*** argv);
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0;
  int size_ = 1;
};

/// Ends every rank of the job with `code` (MPI_Abort). Used when one rank fails, so the others never hang.
[[noreturn]] void abort_all(int code);

/// Transport over MPI_COMM_WORLD: Alltoall(v) for event exchange, Allreduce(MIN) for the window bound and
/// Gather(v) for results.
std::unique_ptr<des::Transport> make_world_transport();

}  // namespace llmsim::mpi
