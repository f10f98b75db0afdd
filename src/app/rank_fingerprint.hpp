// SPDX-License-Identifier: MIT
// require_same_inputs: distributed runs refuse to start unless every rank resolved the same inputs and binary.
#pragma once

#include <string>

#include "llmsim/des/transport.hpp"

namespace llmsim::app {

/// Collective. `resolved` is this rank's fully resolved input (config JSON, sweep definition, options that change
/// results); its digest and the digest of the running executable are compared with rank 0's. Throws ConfigError
/// on every rank, naming the ranks that differ, if any does (an MPMD launch, files that differ between nodes, or
/// another build of llmsim).
void require_same_inputs(des::Transport& transport, const std::string& what, const std::string& resolved);

}  // namespace llmsim::app
