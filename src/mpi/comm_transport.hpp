// SPDX-License-Identifier: MIT
// The MPI Transport over any communicator (internal to the MPI layer: it exposes MPI_Comm).
#pragma once

#include <mpi.h>

#include <memory>

#include "llmsim/des/transport.hpp"

namespace llmsim::mpi {

/// Transport over `comm` (not owned; it must outlive the transport).
std::unique_ptr<des::Transport> make_comm_transport(MPI_Comm comm);

}  // namespace llmsim::mpi
