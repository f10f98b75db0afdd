// SPDX-License-Identifier: MIT
// HandoffMessage as events and back.
#include "llmsim/llm/handoff_message.hpp"

#include <array>

#include "llmsim/llm/sim_events.hpp"
#include "llmsim/util/assert.hpp"

namespace llmsim::llm {

namespace {

constexpr int kWords = 8;

std::array<std::int64_t, kWords> to_words(const PrefillHandoff& h) {
  return {h.num_prefill_tokens, h.num_restarts,         h.num_cached_tokens, h.scheduled_at,
          h.execution_time,     h.model_execution_time, h.preempted_time,    h.prefill_completed_at};
}

PrefillHandoff from_words(const std::array<std::int64_t, kWords>& w) {
  return PrefillHandoff{w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]};
}

}  // namespace

void send_handoff(des::Engine& engine, des::EntityId src, des::EntityId target, SimTime time, std::uint32_t phase,
                  std::uint32_t kind, const HandoffMessage& message) {
  engine.schedule(src, target, time, phase, kind, message.request, message.prefill_replica);
  const std::array<std::int64_t, kWords> w = to_words(message.state);
  for (int i = 0; i < kWords; i += 2) engine.schedule(src, target, time, phase, kEventHandoffWords, w[i], w[i + 1]);
}

std::optional<HandoffMessage> HandoffReceiver::feed(const des::Event& event) {
  static_assert(kWords == std::tuple_size_v<decltype(words_)>);
  if (event.kind != kEventHandoffWords) {
    LLMSIM_ASSERT(received_ < 0, "a handoff message began inside another");
    message_ = HandoffMessage{event.a, static_cast<ReplicaId>(event.b), {}};
    received_ = 0;
    return std::nullopt;
  }
  LLMSIM_ASSERT(received_ >= 0 && received_ < kWords, "handoff words without a header");
  words_[static_cast<std::size_t>(received_)] = event.a;
  words_[static_cast<std::size_t>(received_) + 1] = event.b;
  received_ += 2;
  if (received_ < kWords) return std::nullopt;
  received_ = -1;
  message_.state = from_words(words_);
  return message_;
}

}  // namespace llmsim::llm
