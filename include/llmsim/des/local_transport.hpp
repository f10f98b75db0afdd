// SPDX-License-Identifier: MIT
// LocalTransport: N logical ranks in one process (one thread each), for testing partitioned runs without MPI.
#pragma once

#include <functional>

#include "llmsim/des/transport.hpp"

namespace llmsim::des {

/// Runs `body` on `num_ranks` logical ranks, each in its own thread with its own Transport, and returns when
/// all have finished. If a rank throws, the others are released from their collective calls (they throw
/// too) and the first exception is rethrown here, so a failure never hangs the process.
void run_local_ranks(int num_ranks, const std::function<void(Transport&)>& body);

}  // namespace llmsim::des
