// SPDX-License-Identifier: MIT
// Request generators against CPython/numpy. Reference values were printed by /usr/bin/python3 running Vidur's
// formulas (spec 7.2) on `random.seed(42)` and `np.random.RandomState(seed)` (numpy 1.24).
#include "llmsim/llm/request_generator.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "llmsim/util/csv_table.hpp"
#include "llmsim/util/error.hpp"

namespace llmsim::llm {
namespace {

RequestGeneratorConfig synthetic(int n) {
  RequestGeneratorConfig c;
  c.num_requests = n;
  return c;
}

std::string write_file(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("llmsim_gen_" + name);
  std::ofstream(path) << text;
  return path.string();
}

TEST(RequestGenerator, PoissonArrivalsMatchCPython) {
  const auto r = generate_requests(synthetic(5));
  const double expected[] = {2.040120574549602, 2.0907782526350798, 2.7340263807850107, 3.2391987521252377,
                             5.9063840977414035};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(r[i].arrived_at, seconds_to_simtime(expected[i]));
    EXPECT_EQ(r[i].num_prefill_tokens, 2048);
    EXPECT_EQ(r[i].num_decode_tokens, 512);
  }
}

TEST(RequestGenerator, DefaultWorkloadMatchesVidursRecordedInterArrivals) {
  const std::string csv = LLMSIM_SHARED_DIR "/data/vidur-reference/default-7b/request_metrics.csv";
  if (!std::filesystem::exists(csv)) GTEST_SKIP() << "reference data not available";
  const CsvTable t = CsvTable::read(csv);
  const std::vector<std::string_view> gaps = t.text_column("request_inter_arrival_delay");
  const auto r = generate_requests(synthetic(128));
  ASSERT_EQ(r.size(), gaps.size());
  for (std::size_t i = 1; i < r.size(); ++i) {
    EXPECT_NEAR(static_cast<double>(r[i].arrived_at - r[i - 1].arrived_at), std::stod(std::string(gaps[i])) * 1e9, 1.0)
        << "request " << i;
  }
}

TEST(RequestGenerator, GammaIntervalsMatchNumpyLegacyGamma) {
  RequestGeneratorConfig c = synthetic(4);
  c.interval.name = "gamma";
  c.interval.qps = 0.2;
  c.interval.cv = 0.5;
  const double expected[] = {5.878017372669836, 10.138307248937748, 14.18371313639804, 18.229155182746812};
  const auto r = generate_requests(c);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(r[i].arrived_at, seconds_to_simtime(expected[i]));
  c.num_requests = 3;
  c.interval.qps = 1.0;
  c.interval.cv = 2.0;  // shape 0.25 < 1 takes numpy's other rejection branch
  const double small_shape[] = {0.07871425097510418, 1.227105668760308, 1.2294757648172492};
  const auto s = generate_requests(c);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(s[i].arrived_at, seconds_to_simtime(small_shape[i]));
}

TEST(RequestGenerator, UniformLengthsDrawAfterTheInterval) {
  RequestGeneratorConfig c = synthetic(3);
  c.length.name = "uniform";
  const auto r = generate_requests(c);
  EXPECT_EQ(r[1].arrived_at, seconds_to_simtime(2.683368702699533));
  EXPECT_EQ(r[0].num_prefill_tokens, 1047);
  EXPECT_EQ(r[0].num_decode_tokens, 53);
  EXPECT_EQ(r[2].num_prefill_tokens, 2954);
  EXPECT_EQ(r[2].num_decode_tokens, 148);
}

TEST(RequestGenerator, ZipfLengthsMatchVidursYcsbGenerator) {
  RequestGeneratorConfig c = synthetic(5);
  c.length.name = "zipf";
  const std::pair<std::int64_t, std::int64_t> expected[] = {{1266, 63}, {3566, 178}, {2362, 118}, {1838, 91},
                                                             {1019, 50}};
  const auto r = generate_requests(c);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(r[i].num_prefill_tokens, expected[i].first);
    EXPECT_EQ(r[i].num_decode_tokens, expected[i].second);
  }
}

TEST(RequestGenerator, TraceLengthsAreShuffledLikePandasSample) {
  RequestGeneratorConfig c = synthetic(5);
  c.length.name = "trace";
  c.length.trace_file = write_file("lengths.csv",
                                   "num_prefill_tokens,num_decode_tokens,extra\n10,1,x\n11,2,x\n12,3,x\n13,4,x\n4000,200,x\n");
  // RandomState(42).permutation(5) = [1, 4, 2, 0, 3]; row 4 (4200 tokens) is clamped to 4096:
  // diff 104 -> p -= ceil(104 * 4000/4200) = 100, d -= ceil(104 * 200/4200) = 5.
  const std::pair<std::int64_t, std::int64_t> expected[] = {{11, 2}, {3900, 195}, {12, 3}, {10, 1}, {13, 4}};
  const auto r = generate_requests(c);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(r[i].num_prefill_tokens, expected[i].first) << i;
    EXPECT_EQ(r[i].num_decode_tokens, expected[i].second) << i;
  }
  c.num_requests = 6;
  EXPECT_THROW(generate_requests(c), InputError);  // the trace has only 5 rows
}

TEST(RequestGenerator, DurationDropsTheRequestPastTheEnd) {
  RequestGeneratorConfig c;
  c.num_requests.reset();
  c.duration = 3.0;
  const auto r = generate_requests(c);
  ASSERT_EQ(r.size(), 3u);  // arrivals 2.04, 2.09, 2.73, 3.24 are generated; the last is dropped
  EXPECT_LT(r.back().arrived_at, seconds_to_simtime(3.0));
}

TEST(RequestGenerator, TraceReplayKeepsFileOrderAndShortensOnlyThePrompt) {
  RequestGeneratorConfig c;
  c.name = "trace_replay";
  c.max_tokens = 100;
  c.time_scale_factor = 2.0;
  c.trace_file = write_file("replay.csv", "arrived_at,num_prefill_tokens,num_decode_tokens\n0.5,50,10\n1.0,95,20\n");
  const auto r = generate_requests(c);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].arrived_at, seconds_to_simtime(1.0));
  EXPECT_EQ(r[1].num_prefill_tokens, 80);
  EXPECT_EQ(r[1].num_decode_tokens, 20);
}

TEST(RequestGenerator, TraceSessionsShareATokenStreamPerSession) {
  RequestGeneratorConfig c;
  c.name = "trace_replay";
  c.trace_file = write_file("sessions.csv",
                            "arrived_at,num_prefill_tokens,num_decode_tokens,session_id\n"
                            "0,50,10,chat-a\n1,40,10,chat-b\n2,120,10,chat-a\n3,30,5,\n");
  const auto r = generate_requests(c);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_NE(r[0].content.stream_key, 0u);
  EXPECT_EQ(r[0].content.stream_key, r[2].content.stream_key);
  EXPECT_NE(r[0].content.stream_key, r[1].content.stream_key);
  EXPECT_EQ(r[3].content.stream_key, 0u) << "no session: unique tokens";
}

TEST(RequestGenerator, BadTraceCellNamesFileLineAndColumn) {
  RequestGeneratorConfig c;
  c.name = "trace_replay";
  c.trace_file = write_file("bad.csv", "arrived_at,num_prefill_tokens,num_decode_tokens\n0,5,5\n1,five,5\n");
  try {
    generate_requests(c);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv:3: column 'num_prefill_tokens'"), std::string::npos) << e.what();
  }
  c.trace_file = write_file("nocol.csv", "arrived_at,prompt,num_decode_tokens\n0,5,5\n");
  EXPECT_THROW(generate_requests(c), InputError);
  c.max_tokens = 4;
  c.trace_file = write_file("long.csv", "arrived_at,num_prefill_tokens,num_decode_tokens\n0,5,5\n");
  EXPECT_THROW(generate_requests(c), InputError);  // decode alone exceeds max_tokens
}

TEST(RequestGenerator, ImpossibleSettingsAreConfigErrors) {
  RequestGeneratorConfig c = synthetic(3);
  c.length.name = "zipf";
  c.length.scramble = true;
  EXPECT_THROW(generate_requests(c), ConfigError);
  c = synthetic(3);
  c.interval.name = "static";
  c.duration = 10.0;
  EXPECT_THROW(generate_requests(c), ConfigError);
  c = synthetic(3);
  c.interval.name = "uniformish";
  EXPECT_THROW(generate_requests(c), ConfigError);
}

TEST(RequestGenerator, DatetimeTraceIntervalsStartAtTheSecondRow) {
  RequestGeneratorConfig c;
  c.num_requests.reset();
  c.interval.name = "trace";
  c.interval.trace_file = write_file("arrivals.csv",
                                     "arrival_time\n1970-01-04 12:00:01.500\n1970-01-04 12:00:03.900\n"
                                     "1970-01-04 12:00:04.000\n1970-01-04 16:00:00\n");
  const auto r = generate_requests(c);
  ASSERT_EQ(r.size(), 2u);  // 3 rows inside the window -> 2 requests; offsets floor to 0, 2, 2 s
  EXPECT_EQ(r[0].arrived_at, seconds_to_simtime(2.0));
  EXPECT_EQ(r[1].arrived_at, seconds_to_simtime(2.0));
}

}  // namespace
}  // namespace llmsim::llm
