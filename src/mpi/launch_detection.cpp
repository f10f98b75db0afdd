// SPDX-License-Identifier: MIT
// What does not need <mpi.h>, shared by the MPI and the serial runtime: launcher detection and group layout.
#include <cstdlib>

#include "llmsim/mpi/mpi_transport.hpp"
#include "llmsim/mpi/work_distribution.hpp"

namespace llmsim::mpi {

bool launched_by_mpi() {
  // mpirun/mpiexec of Open MPI, PMIx launchers (srun --mpi=pmix, prterun), PMI-1/2 launchers (srun --mpi=pmi2, hydra).
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

int num_work_groups(int ranks, int group_size) {
  if (group_size < 1 || ranks < 1 + group_size || (ranks - 1) % group_size != 0) return 0;
  return (ranks - 1) / group_size;
}

}  // namespace llmsim::mpi
