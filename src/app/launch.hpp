// SPDX-License-Identifier: MIT
// Launch: chooses how to run (one process, in-process logical ranks, or MPI ranks) and turns failures into
// exit codes — on MPI, a failing rank reports itself and aborts the whole job.
#pragma once

#include "cli_options.hpp"
#include "llmsim/mpi/mpi_transport.hpp"

namespace llmsim::app {

class Launch {
 public:
  Launch(int* argc, char*** argv) : mpi_(argc, argv) {}
  int rank() const { return mpi_.rank(); }
  /// Runs and returns the exit code (0, 2 bad input, 3 stalled requests, 1 other failure).
  int run(const CliOptions& options);

 private:
  int run_guarded(const CliOptions& options, des::Transport* transport);

  mpi::Environment mpi_;
};

}  // namespace llmsim::app
