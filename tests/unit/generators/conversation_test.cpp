// SPDX-License-Identifier: MIT
// The conversations generator: each turn's prompt is its session's history plus new tokens, within max_tokens.
#include <gtest/gtest.h>

#include <map>

#include "llmsim/llm/request_generator.hpp"

namespace llmsim::llm {
namespace {

RequestGeneratorConfig sessions() {
  RequestGeneratorConfig g;
  g.name = "conversations";
  g.num_requests = std::nullopt;
  g.conversation = ConversationConfig{50, 2, 6, 10.0};
  g.length.name = "uniform";
  g.length.min_tokens = 30;
  g.length.max_tokens = 300;
  g.length.prefill_to_decode_ratio = 2;
  g.interval.qps = 1;
  g.max_tokens = 2048;
  return g;
}

TEST(Conversations, EachTurnExtendsItsSessionsHistoryInArrivalOrder) {
  const std::vector<RequestSpec> requests = generate_requests(sessions());
  std::map<std::uint64_t, std::vector<const RequestSpec*>> by_session;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (i > 0) {
      EXPECT_GE(requests[i].arrived_at, requests[i - 1].arrived_at);
    }
    ASSERT_NE(requests[i].content.stream_key, 0u);
    by_session[requests[i].content.stream_key].push_back(&requests[i]);
  }
  EXPECT_EQ(by_session.size(), 50u);
  for (const auto& [key, turns] : by_session) {
    EXPECT_LE(turns.size(), 6u);
    for (std::size_t k = 0; k < turns.size(); ++k) {
      const RequestSpec& t = *turns[k];
      EXPECT_LE(t.num_prefill_tokens + t.num_decode_tokens, 2048);
      if (k == 0) continue;
      const RequestSpec& prev = *turns[k - 1];
      // The whole previous turn (prompt and answer) is this prompt's prefix, followed by new tokens.
      EXPECT_GT(t.num_prefill_tokens, prev.num_prefill_tokens + prev.num_decode_tokens);
      EXPECT_GT(t.arrived_at, prev.arrived_at);
    }
  }
}

TEST(Conversations, SameSeedSameSessionsAndSystemPromptsPerSession) {
  RequestGeneratorConfig g = sessions();
  g.shared_prefix = SharedPrefixConfig{3, 64, 1.0};
  const std::vector<RequestSpec> a = generate_requests(g);
  const std::vector<RequestSpec> b = generate_requests(g);
  ASSERT_EQ(a.size(), b.size());
  std::map<std::uint64_t, std::uint64_t> family;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].arrived_at, b[i].arrived_at);
    EXPECT_EQ(a[i].content, b[i].content);
    EXPECT_EQ(a[i].content.prefix_tokens, 64);
    const auto [it, first] = family.try_emplace(a[i].content.stream_key, a[i].content.prefix_key);
    if (!first) {
      EXPECT_EQ(it->second, a[i].content.prefix_key) << "one system prompt per session";
    }
  }
  g.seed = 7;
  EXPECT_NE(generate_requests(g).front().content, a.front().content);
}

}  // namespace
}  // namespace llmsim::llm
