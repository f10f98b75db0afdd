// SPDX-License-Identifier: MIT
// Byte encodings of what crosses ranks: batches of events, and one rank's share of the results.
#pragma once

#include <vector>

#include "llmsim/des/event.hpp"
#include "llmsim/des/transport.hpp"
#include "llmsim/llm/results.hpp"

namespace llmsim::llm::detail {

des::Bytes encode_events(const std::vector<des::Event>& events);
std::vector<des::Event> decode_events(const des::Bytes& bytes);

des::Bytes encode_results(const SimulationResults& results);
SimulationResults decode_results(const des::Bytes& bytes);

}  // namespace llmsim::llm::detail
