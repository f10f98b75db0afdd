// SPDX-License-Identifier: MIT
// ranks_differing_from_root: a start-up check that every rank of a distributed run holds the same inputs.
#pragma once

#include <string>
#include <vector>

#include "llmsim/des/transport.hpp"

namespace llmsim::des {

/// Collective: every rank passes a fingerprint of what it is about to run (e.g. a digest of its resolved config
/// and binary). Returns, on every rank, the ranks whose fingerprint differs from rank 0's, ascending; empty when
/// all agree.
std::vector<int> ranks_differing_from_root(Transport& transport, const std::string& fingerprint);

}  // namespace llmsim::des
