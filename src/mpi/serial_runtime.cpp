// SPDX-License-Identifier: MIT
// The llmsim_mpi interface for a build without MPI (LLMSIM_WITH_MPI=OFF): every process is one rank.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <stdexcept>

#include "llmsim/mpi/mpi_transport.hpp"
#include "llmsim/mpi/work_distribution.hpp"

namespace llmsim::mpi {

namespace {

[[noreturn]] void no_mpi(const char* what) {
  throw std::runtime_error(std::string(what) + " needs MPI, but this llmsim was built with LLMSIM_WITH_MPI=OFF");
}

}  // namespace

bool initialized() { return false; }

Environment::Environment(int* /*argc*/, char*** /*argv*/) {
  // Several copies started by a launcher would each run the whole job alone: refuse instead.
  if (launched_by_mpi()) {
    std::fprintf(stderr, "llmsim: this build has no MPI (LLMSIM_WITH_MPI=OFF); run it without mpirun/srun\n");
    std::exit(2);
  }
}

Environment::~Environment() = default;

void abort_all(int code) { std::exit(code); }

std::unique_ptr<des::Transport> make_world_transport() { no_mpi("a distributed run"); }

void distribute_work(const std::vector<std::size_t>& items, const WorkFn& work, const DoneFn& done) {
  for (const std::size_t item : items) done(item, 0, work(item));
}

void distribute_work_in_groups(const std::vector<std::size_t>&, int, const GroupWorkFn&, const DoneFn&) {
  no_mpi("--ranks-per-config");
}

}  // namespace llmsim::mpi
