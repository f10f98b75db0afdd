// SPDX-License-Identifier: MIT
// MPI implementation of des::Transport, and the process-wide MPI lifetime (the only files that see <mpi.h>).
#pragma once

#include <memory>

#include "llmsim/des/transport.hpp"

namespace llmsim::mpi {

/// Initialises MPI for the process (MPI_Init_thread, funneled) and finalises it on destruction.
/// Works without mpirun too (a singleton of one rank).
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
