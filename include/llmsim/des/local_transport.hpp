// SPDX-License-Identifier: MIT
// LocalTransport: N logical ranks in one process (one thread each), for testing partitioned runs without MPI.
#pragma once

#include <functional>
#include <stdexcept>

#include "llmsim/des/transport.hpp"

namespace llmsim::des {

/// Thrown from a collective call of a logical rank when another rank has failed.
class PeerRankFailed : public std::runtime_error {
 public:
  PeerRankFailed() : std::runtime_error("another logical rank failed") {}
};

/// Runs `body` on `num_ranks` logical ranks, each in its own thread with its own Transport, and returns when
/// all have finished. If a rank throws, the others are released from their collective calls (they throw
/// too) and the first exception is rethrown here, so a failure never hangs the process.
void run_local_ranks(int num_ranks, const std::function<void(Transport&)>& body);

}  // namespace llmsim::des
