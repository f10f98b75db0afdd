// SPDX-License-Identifier: MIT
// Events as raw bytes: Event is a plain struct of fixed-size integers and every rank runs the same binary
// (checked at start-up by the ranks' input agreement), so no per-field encoding is needed.
#include "event_codec.hpp"

#include <cstring>
#include <type_traits>

namespace llmsim::des::detail {

static_assert(std::is_trivially_copyable_v<Event>);

Bytes encode_events(const std::vector<Event>& events) {
  Bytes bytes(events.size() * sizeof(Event));
  if (!events.empty()) std::memcpy(bytes.data(), events.data(), bytes.size());
  return bytes;
}

std::vector<Event> decode_events(const Bytes& bytes) {
  std::vector<Event> events(bytes.size() / sizeof(Event));
  if (!events.empty()) std::memcpy(events.data(), bytes.data(), events.size() * sizeof(Event));
  return events;
}

}  // namespace llmsim::des::detail
