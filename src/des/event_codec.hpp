// SPDX-License-Identifier: MIT
// Byte encoding of the events that cross ranks.
#pragma once

#include <vector>

#include "llmsim/des/event.hpp"
#include "llmsim/des/transport.hpp"

namespace llmsim::des::detail {

Bytes encode_events(const std::vector<Event>& events);
std::vector<Event> decode_events(const Bytes& bytes);

}  // namespace llmsim::des::detail
