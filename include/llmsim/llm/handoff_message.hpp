// SPDX-License-Identifier: MIT
// HandoffMessage: a request's prefill state as a run of events (prefill replica -> router -> decode replica).
#pragma once

#include <array>
#include <optional>

#include "llmsim/des/engine.hpp"
#include "llmsim/llm/request.hpp"

namespace llmsim::llm {

/// A handed-over request: which one, where its prefill ran (and its KV cache is), and the state it continues
/// from. Sent as one header event (`kind`, a = request, b = prefill replica) and four kEventHandoffWords events of
/// two words each. They share time, phase and sender and carry consecutive sequence numbers, so every engine
/// delivers them back to back, on any rank.
struct HandoffMessage {
  RequestId request = 0;
  ReplicaId prefill_replica = 0;
  PrefillHandoff state;
};

void send_handoff(des::Engine& engine, des::EntityId src, des::EntityId target, SimTime time, std::uint32_t phase,
                  std::uint32_t kind, const HandoffMessage& message);

/// Reassembles HandoffMessages from their events.
class HandoffReceiver {
 public:
  /// Feeds the header or a words event; returns the message once its last event arrived.
  std::optional<HandoffMessage> feed(const des::Event& event);

 private:
  HandoffMessage message_;
  std::array<std::int64_t, 8> words_{};
  int received_ = -1;  // words received after the header; -1: no message under way
};

}  // namespace llmsim::llm
