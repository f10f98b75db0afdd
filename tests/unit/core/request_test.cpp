// SPDX-License-Identifier: MIT
// Request transitions (expected values derived by hand from vidur-simulation-core.md section 3.2).
#include "llmsim/llm/request.hpp"

#include <gtest/gtest.h>

namespace llmsim::llm {
namespace {

TEST(Request, PrefillIterationProducesFirstTokenAndCompletesWhenDecodeIsOne) {
  Request r(0, RequestSpec{100, 10, 1});
  r.on_batch_schedule(150);
  EXPECT_EQ(r.scheduled_at(), 150);
  EXPECT_EQ(r.scheduling_delay(), 50);
  r.on_batch_stage_schedule(150);
  r.on_batch_stage_end(180, 30, 25);
  r.on_batch_end(180, 10);
  EXPECT_TRUE(r.is_prefill_complete());
  EXPECT_EQ(r.num_processed_tokens(), 11);
  EXPECT_EQ(r.prefill_completed_at(), 180);
  EXPECT_TRUE(r.completed());
  EXPECT_EQ(r.completed_at(), 180);
  EXPECT_EQ(r.execution_time(), 30);
  EXPECT_EQ(r.model_execution_time(), 25);
  EXPECT_EQ(r.preempted_time(), 0);
}

TEST(Request, PreemptedTimeAccumulatesGapsBetweenStages) {
  Request r(0, RequestSpec{0, 4, 3});
  r.on_batch_schedule(10);
  r.on_batch_stage_schedule(10);
  r.on_batch_stage_end(20, 10, 10);
  r.on_batch_end(20, 4);  // prefill done: processed 5
  r.on_batch_schedule(25);
  EXPECT_EQ(r.latest_iteration_scheduling_delay(), 5);
  r.on_batch_stage_schedule(25);  // gap 20 -> 25
  r.on_batch_stage_end(30, 5, 5);
  r.on_batch_end(30, 1);  // processed 6
  r.on_batch_schedule(40);
  r.on_batch_stage_schedule(40);  // gap 30 -> 40
  r.on_batch_stage_end(45, 5, 5);
  r.on_batch_end(45, 1);  // processed 7 = 4 + 3
  EXPECT_TRUE(r.completed());
  EXPECT_EQ(r.preempted_time(), 15);
  EXPECT_EQ(r.execution_time(), 20);
  EXPECT_EQ(r.scheduled_at(), 10);
}

TEST(Request, RestartTurnsSeenTokensIntoPromptAndKeepsFirstSchedule) {
  Request r(0, RequestSpec{0, 8, 5});
  r.on_batch_schedule(1);
  r.on_batch_end(2, 8);  // processed 9
  r.on_batch_schedule(3);
  r.on_batch_end(4, 1);  // processed 10
  r.restart();
  EXPECT_EQ(r.num_prefill_tokens(), 10);
  EXPECT_EQ(r.num_decode_tokens(), 3);
  EXPECT_EQ(r.num_original_prefill_tokens(), 8);
  EXPECT_EQ(r.num_processed_tokens(), 0);
  EXPECT_FALSE(r.is_prefill_complete());
  EXPECT_EQ(r.num_restarts(), 1);
  r.on_batch_schedule(9);
  EXPECT_EQ(r.scheduled_at(), 1);  // first attempt's value is kept
  r.on_batch_end(10, 10);          // re-prefill produces one more token
  EXPECT_EQ(r.num_processed_tokens(), 11);
  EXPECT_EQ(r.prefill_completed_at(), 2);  // only the first prefill completion counts
}

TEST(Request, VidurRestartInTheMiddleOfAChunkedPrefillShortensThePrompt) {
  Request r(0, RequestSpec{0, 100, 5});
  r.on_batch_end(2, 64);
  r.restart();
  EXPECT_EQ(r.num_prefill_tokens(), 64);
  EXPECT_EQ(r.num_decode_tokens(), 41);
}

TEST(Request, RecomputeInTheMiddleOfAChunkedPrefillKeepsThePrompt) {
  Request r(0, RequestSpec{0, 100, 5});
  r.on_batch_schedule(1);
  r.on_batch_end(2, 64);  // first chunk
  r.recompute_from_scratch();
  EXPECT_EQ(r.num_prefill_tokens(), 100);
  EXPECT_EQ(r.num_decode_tokens(), 5);
  EXPECT_EQ(r.num_processed_tokens(), 0);
  r.skip_cached_tokens(64);  // its first chunk's blocks were still cached
  r.on_batch_schedule(3);
  r.on_batch_end(4, 36);
  EXPECT_TRUE(r.is_prefill_complete());
  EXPECT_EQ(r.num_processed_tokens(), 101);
  EXPECT_EQ(r.num_cached_tokens(), 64);
}

TEST(RequestDeathTest, ProcessingMoreTokensThanTheRequestHasAborts) {
  Request r(0, RequestSpec{0, 4, 1});
  EXPECT_DEATH(r.on_batch_end(1, 6), "processed more tokens");
}

}  // namespace
}  // namespace llmsim::llm
