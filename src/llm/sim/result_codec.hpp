// SPDX-License-Identifier: MIT
// Byte encoding of one rank's share of the results other than the request rows (gathered on rank 0 after a
// partitioned run; request rows travel in slices, Simulation::gather_request_rows).
#pragma once

#include <vector>

#include "llmsim/des/transport.hpp"
#include "llmsim/llm/results.hpp"

namespace llmsim::llm::detail {

des::Bytes encode_results(const SimulationResults& results);
SimulationResults decode_results(const des::Bytes& bytes);

}  // namespace llmsim::llm::detail
