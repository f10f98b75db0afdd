// SPDX-License-Identifier: MIT
// Multi-turn conversations: sessions whose turns carry their history, for prefix caching and affinity routing.
#include <algorithm>
#include <cmath>

#include "llmsim/llm/rng_purposes.hpp"
#include "llmsim/util/error.hpp"
#include "llmsim/util/hashing.hpp"
#include "shared_prefix.hpp"
#include "workload_generators.hpp"

namespace llmsim::llm::detail {

namespace {

// Stream key of a session's tokens (never 0, which means "unique").
std::uint64_t session_key(std::uint64_t seed, std::int64_t session) {
  const std::uint64_t z =
      splitmix64_mix((seed << 32) ^ static_cast<std::uint64_t>(session) ^ 0x436f6e7665727331ULL);  // "Convers1"
  return z == 0 ? 1 : z;
}

}  // namespace

std::vector<Draft> conversation_drafts(const RequestGeneratorConfig& c) {
  const ConversationConfig& conv = c.conversation;
  if (!conv.num_sessions && !c.duration) {
    throw ConfigError("request_generator: set num_sessions or duration for conversations");
  }
  GlobalStreams streams(c.seed);
  const auto lengths = find_plugin(length_generators(), c.length.name, "request_generator.length_generator.name")
                           .make(c.length, streams);
  const auto starts = find_plugin(interval_generators(), c.interval.name, "request_generator.interval_generator.name")
                          .make(c.interval, streams);
  const bool families = c.shared_prefix.num_families > 0;
  const FamilyPicker picker(families ? c.shared_prefix : SharedPrefixConfig{1, 0, 0});
  std::vector<Draft> turns;
  double start = 0;
  for (std::int64_t session = 0;; ++session) {
    if (conv.num_sessions && session >= *conv.num_sessions) break;
    const std::optional<double> gap = starts->next();
    if (!gap) break;
    start += *gap;
    if (c.duration && start >= *c.duration) break;
    // Turn count, think times and family come from the session's own stream; sizes from the length generator.
    Mt19937 rng = make_rng_stream(c.seed, static_cast<std::uint64_t>(session), purpose(RngPurpose::conversation));
    const auto span = static_cast<std::uint64_t>(conv.max_turns - conv.min_turns + 1);
    const std::int64_t num_turns = conv.min_turns + static_cast<std::int64_t>(rng.randbelow(span));
    TokenContent content{0, 0, session_key(c.seed, session)};
    if (families) {
      content.prefix_key = picker.pick(rng);
      content.prefix_tokens = c.shared_prefix.tokens;
    }
    std::int64_t history = content.prefix_tokens;  // tokens every later prompt starts with
    double arrival = start;
    for (std::int64_t k = 0; k < num_turns; ++k) {
      const auto sizes = lengths->next();
      if (!sizes) break;
      const auto user = static_cast<std::int64_t>(sizes->first);
      const auto answer = static_cast<std::int64_t>(sizes->second);
      if (user <= 0 || answer <= 0 || history + user + answer > c.max_tokens) break;
      turns.push_back(Draft{arrival, history + user, answer, content});
      history += user + answer;
      arrival += -std::log(1.0 - rng.random()) * conv.think_time_s;
    }
  }
  // Ties keep generation order (session, then turn).
  std::stable_sort(turns.begin(), turns.end(),
                   [](const Draft& a, const Draft& b) { return a.arrived_at < b.arrived_at; });
  return turns;
}

}  // namespace llmsim::llm::detail
