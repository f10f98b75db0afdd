// SPDX-License-Identifier: MIT
// vidur_table predictor: key derivation and summation (predictor spec 1.3-1.6) on synthetic tables whose values
// encode their keys, plus look-ups in the bundled Llama-2-7B tables.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <tuple>
#include <vector>
#include <string>

#include "llmsim/llm/execution_time.hpp"
#include "llmsim/llm/predictor_registry.hpp"
#include "llmsim/util/error.hpp"

namespace llmsim::llm {
namespace {

namespace fs = std::filesystem;

void write_gz(const fs::path& path, const std::string& text) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
}

// Linear ops: value = base + tokens / 1000. Decode: batch * 1000 + kv. Prefill: kv * 100 + chunk.
// One directory per test: ctest runs the tests of this file in parallel processes.
fs::path make_tables() {
  const fs::path dir = fs::temp_directory_path() /
                       (std::string("llmsim_pred_") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::pair<const char*, int> linear[] = {
      {"attn_pre_proj", 1}, {"attn_post_proj", 2}, {"attn_rope", 3}, {"mlp_up_proj", 4},
      {"mlp_down_proj", 5}, {"mlp_act", 6},        {"input_layernorm", 7}, {"post_attention_layernorm", 8},
      {"add", 9},           {"attn_kv_cache_save", 10}, {"all_reduce", 11}, {"send_recv", 12}};
  for (const auto& [op, base] : linear) {
    std::string t = "num_tokens,prediction\n";
    for (int n = 1; n <= 64; ++n) t += std::to_string(n) + "," + std::to_string(base + n / 1000.0) + "\n";
    write_gz(dir / (std::string(op) + "_0123abcd_predictions.csv.gz"), t);
  }
  std::string d = "batch_size,kv_cache_size,prediction\n";
  for (int b = 1; b <= 4; ++b) {
    for (int kv = 0; kv <= 256; kv += 64) d += std::to_string(b) + "," + std::to_string(kv) + "," + std::to_string(b * 1000 + kv) + "\n";
  }
  write_gz(dir / "attn_decode_0123abcd_predictions.csv.gz", d);
  std::string p = "kv_cache_size,prefill_chunk_size_squared,prediction\n";
  for (int kv = 0; kv <= 256; kv += 64) {
    for (int c = 1; c <= 16; ++c) p += std::to_string(kv) + "," + std::to_string(c * c) + "," + std::to_string(kv * 100 + c) + "\n";
  }
  write_gz(dir / "attn_prefill_0123abcd_predictions.csv.gz", p);
  write_gz(dir / "add_ffffffff_training_predictions.csv.gz", "ignored\n1\n");
  return dir;
}

// 4 layers, GQA (8 q heads, 2 kv heads), TP2 PP2 on an 8-GPU node.
PoolConfig gqa_cluster(bool post_attn_norm = true) {
  PoolConfig c;
  c.replica.model = ModelSpec{"tiny-gqa", 4, 8, 2, 512, 1024, 2048, true, 1000, post_attn_norm};
  c.replica.node = NodeSpec{"dgx", 8};
  c.replica.tensor_parallel_size = 2;
  c.replica.num_pipeline_stages = 2;
  return c;
}

PredictorConfig tables(const fs::path& dir) {
  PredictorConfig p;
  p.table_dir = dir.string();
  return p;
}

// A request whose state is: `processed` tokens done, prefill complete iff processed > prompt.
void add_request(RequestStore& store, std::int64_t prompt, std::int64_t processed) {
  Request& r = store.emplace_back(static_cast<RequestId>(store.size()), RequestSpec{0, prompt, 50});
  if (processed > 0) r.on_batch_end(1, processed > prompt ? prompt : processed);
}

TEST(VidurTablePredictor, LinearOpsUseTokensRoundedUpToEightAndKvSaveTheExactCount) {
  const auto predictor = make_execution_time_predictor(tables(make_tables()), gqa_cluster());
  RequestStore store;
  add_request(store, 10, 0);
  const ExecutionTime e = predictor->predict(Batch({0}, {10}, store), store, 0);
  EXPECT_DOUBLE_EQ(e.attention_pre_proj, 1.016);
  EXPECT_DOUBLE_EQ(e.add, 9.016);
  EXPECT_DOUBLE_EQ(e.attention_kv_cache_save, 10.010);
  EXPECT_DOUBLE_EQ(e.tensor_parallel_communication, 11.016 + 0.02);
  EXPECT_DOUBLE_EQ(e.pipeline_parallel_communication, 12.016);
  EXPECT_EQ(e.num_layers, 2);
  EXPECT_DOUBLE_EQ(e.attention_prefill, 0 * 100 + 10);  // one prefill, no GQA factor
  EXPECT_DOUBLE_EQ(e.attention_decode, 0);
}

TEST(VidurTablePredictor, LastStageHasNoSendRecvAndNormCanBeAbsent) {
  RequestStore store;
  add_request(store, 10, 0);
  const Batch batch({0}, {10}, store);
  EXPECT_DOUBLE_EQ(make_execution_time_predictor(tables(make_tables()), gqa_cluster())
                       ->predict(batch, store, 1).pipeline_parallel_communication, 0);
  EXPECT_DOUBLE_EQ(make_execution_time_predictor(tables(make_tables()), gqa_cluster(false))
                       ->predict(batch, store, 0).mlp_norm, 0);
}

TEST(VidurTablePredictor, CpuOverheadIsOffByDefaultElseTheLongerOfModelTimeAndLaunchFloorPlusTheOverhead) {
  RequestStore store;
  add_request(store, 10, 0);
  add_request(store, 12, 0);
  const Batch batch({0, 1}, {10, 12}, store);
  const ExecutionTime off = make_execution_time_predictor(tables(make_tables()), gqa_cluster())->predict(batch, store, 0);
  EXPECT_EQ(off.total_time_s(), off.model_time_s());  // bit for bit: Vidur-mode stage times are unchanged
  EXPECT_EQ(off.cpu_overhead_ms, 0);
  EXPECT_EQ(off.launch_floor_ms, 0);
  PredictorConfig p = tables(make_tables());
  p.cpu_overhead = {0.5, 0.25, 1.0};  // per iteration, per request, launch per layer (2 layers on the stage)
  const ExecutionTime low = make_execution_time_predictor(p, gqa_cluster())->predict(batch, store, 0);
  EXPECT_DOUBLE_EQ(low.model_time_s(), off.model_time_s());
  EXPECT_DOUBLE_EQ(low.cpu_overhead_ms, 0.5 + 2 * 0.25);
  EXPECT_DOUBLE_EQ(low.launch_floor_ms, 2.0);
  ASSERT_GT(low.model_time_s(), 2e-3);  // the GPU takes longer than the launches: the floor does not bind
  EXPECT_DOUBLE_EQ(low.total_time_s(), off.model_time_s() + 1e-3);
  p.cpu_overhead.launch_per_layer_ms = 1000;  // launches take 2 s: they bind
  const ExecutionTime high = make_execution_time_predictor(p, gqa_cluster())->predict(batch, store, 0);
  EXPECT_DOUBLE_EQ(high.total_time_s(), 2.0 + 1e-3);
}

TEST(VidurTablePredictor, DecodeUsesCountAndRoundedTruncatedMeanWithGqaFactor) {
  const auto predictor = make_execution_time_predictor(tables(make_tables()), gqa_cluster());
  RequestStore store;
  add_request(store, 69, 70);   // prefill done: processed 70
  add_request(store, 99, 101);  // processed 100
  const ExecutionTime e = predictor->predict(Batch({0, 1}, {1, 1}, store), store, 0);
  // mean(70, 100) = 85 -> ceil to 64 = 128; key (2, 128) = 2128; x 1.1 for a GQA batch of 2.
  EXPECT_DOUBLE_EQ(e.attention_decode, 2128 * 1.1);
  EXPECT_DOUBLE_EQ(e.attention_prefill, 0);
}

TEST(VidurTablePredictor, PrefillUsesSumOfRoundedKvAndRootOfSquaredChunks) {
  const auto predictor = make_execution_time_predictor(tables(make_tables()), gqa_cluster());
  RequestStore store;
  add_request(store, 20, 0);
  add_request(store, 100, 64);
  const ExecutionTime e = predictor->predict(Batch({0, 1}, {3, 4}, store), store, 0);
  // K = ceil64(0) + ceil64(64) = 64; sqrt(9 + 16) = 5 -> (64, 25) = 6405; x 1.1.
  EXPECT_DOUBLE_EQ(e.attention_prefill, 6405 * 1.1);
}

TEST(VidurTablePredictor, ParsedTablesAreCachedByContentAndADamagedCacheIsIgnored) {
  const fs::path dir = make_tables();
  PredictorConfig config = tables(dir);
  config.cache_dir = (dir / "cache").string();
  RequestStore store;
  add_request(store, 69, 70);
  add_request(store, 100, 64);
  const auto predict = [&] {
    const auto p = make_execution_time_predictor(config, gqa_cluster());
    const ExecutionTime d = p->predict(Batch({0}, {1}, store), store, 0);
    const ExecutionTime f = p->predict(Batch({1}, {4}, store), store, 0);
    return std::tuple(d.attention_decode, f.attention_prefill, f.mlp_up_proj);
  };
  const auto parsed = predict();  // parses the CSVs and writes the cache
  EXPECT_DOUBLE_EQ(std::get<1>(parsed), 6404);
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir / "cache" / "tables")) files.push_back(e.path());
  ASSERT_EQ(files.size(), 14u);  // 12 token tables, decode, prefill
  EXPECT_EQ(predict(), parsed);  // from the cache
  // The cache is what is read: a changed value there changes the prediction...
  const fs::path prefill = *std::find_if(files.begin(), files.end(), [](const fs::path& f) {
    return f.filename().string().find("-prefill.bin") != std::string::npos;
  });
  const auto size = fs::file_size(prefill);
  {
    std::fstream f(prefill, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size - 8 * (80 - 19)));  // 5 x 16 values; (kv 64, chunk 4) is the 20th
    const double changed = 1.0;
    f.write(reinterpret_cast<const char*>(&changed), sizeof changed);
  }
  EXPECT_DOUBLE_EQ(std::get<1>(predict()), 1.0);  // was (64, 4) = 6404
  // ...while a truncated or out-of-range one is ignored and rewritten from the CSV.
  fs::resize_file(prefill, size - 8);
  EXPECT_EQ(predict(), parsed);
  EXPECT_EQ(fs::file_size(prefill), size);
  {
    std::fstream f(prefill, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size - 8));
    const double negative = -1.0;
    f.write(reinterpret_cast<const char*>(&negative), sizeof negative);
  }
  EXPECT_EQ(predict(), parsed);
}

TEST(VidurTablePredictor, TableFilesAreTheOperatorWithEightLowerCaseHexDigits) {
  const fs::path dir = fs::temp_directory_path() / "llmsim_pred_table_names";
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const char* name : {"add_0123abcd_predictions.csv.gz", "add_89efabcd_predictions.csv.gz",
                           "add_0123ABCD_predictions.csv.gz", "add_0123abc_predictions.csv.gz",
                           "add_0123abcde_predictions.csv.gz", "add_0123abcd_predictions.csv",
                           "xadd_0123abcd_predictions.csv.gz",
                           "add-0123abcd_predictions.csv.gz", "add_0123abcd_predictions.csv.gz.tmp",
                           "mlp_add_0123abcd_predictions.csv.gz"}) {
    std::ofstream(dir / name) << "";
  }
  using Tables = std::map<std::string, std::vector<std::string>>;
  EXPECT_EQ(vidur_table_files(dir.string()),
            (Tables{{"add",
                     {(dir / "add_0123abcd_predictions.csv.gz").string(),
                      (dir / "add_89efabcd_predictions.csv.gz").string()}},
                    {"mlp_add", {(dir / "mlp_add_0123abcd_predictions.csv.gz").string()}},
                    {"xadd", {(dir / "xadd_0123abcd_predictions.csv.gz").string()}}}));
}

TEST(VidurTablePredictor, ModelTimeSumsTwoAllReducesPerLayerAndAddOnce) {
  ExecutionTime e;
  e.num_layers = 2;
  e.attention_pre_proj = 1;
  e.mlp_up_proj = 2;
  e.tensor_parallel_communication = 3;
  e.add = 4;
  e.pipeline_parallel_communication = 5;
  EXPECT_DOUBLE_EQ(e.model_time_s(), ((1 + 3) + (2 + 3) + 4) * 2 * 1e-3 + 5e-3);
}

TEST(VidurTablePredictor, OutOfGridIsAnInputErrorNamingTheOperator) {
  const auto predictor = make_execution_time_predictor(tables(make_tables()), gqa_cluster());
  RequestStore store;
  add_request(store, 100, 0);
  try {
    predictor->predict(Batch({0}, {100}, store), store, 0);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("num_tokens=104"), std::string::npos) << e.what();
  }
}

TEST(VidurTablePredictor, MissingOrAmbiguousTablesAndBadTopologiesAreRejected) {
  const fs::path dir = make_tables();
  PoolConfig tp1 = gqa_cluster();
  tp1.replica.tensor_parallel_size = 1;
  tp1.replica.num_pipeline_stages = 1;
  EXPECT_NO_THROW(make_execution_time_predictor(tables(dir), tp1));
  fs::copy_file(dir / "add_0123abcd_predictions.csv.gz", dir / "add_89abcdef_predictions.csv.gz");
  EXPECT_THROW(make_execution_time_predictor(tables(dir), tp1), InputError);
  fs::remove(dir / "add_89abcdef_predictions.csv.gz");
  fs::remove(dir / "all_reduce_0123abcd_predictions.csv.gz");
  EXPECT_THROW(make_execution_time_predictor(tables(dir), gqa_cluster()), InputError);
  PoolConfig six = tp1;
  six.replica.tensor_parallel_size = 6;
  six.replica.node.num_devices_per_node = 4;
  EXPECT_THROW(make_execution_time_predictor(tables(dir), six), ConfigError);
  PredictorConfig coarse = tables(dir);
  coarse.kv_cache_prediction_granularity = 32;
  EXPECT_THROW(make_execution_time_predictor(coarse, tp1), ConfigError);
}

TEST(VidurTablePredictor, BundledLlama7bTablesAreLookedUpWithTheBatchKeys) {
  PredictorConfig p;
  p.table_dir = LLMSIM_SOURCE_DIR "/configs/predictors/vidur-llama2-7b-a100-tp1-pp1";
  PoolConfig c;
  c.replica.model = ModelSpec{"meta-llama/Llama-2-7b-hf", 32, 32, 32, 4096, 11008, 4096, true, 32768, true};
  c.replica.node = NodeSpec{"a100_pairwise_nvlink", 4};
  const auto predictor = make_execution_time_predictor(p, c);
  RequestStore store;
  add_request(store, 2048, 0);
  const ExecutionTime e = predictor->predict(Batch({0}, {512}, store), store, 0);
  // Values read with `zcat <op>_*_predictions.csv.gz | grep '^512,'` (prefill: kv 0, chunk^2 262144).
  EXPECT_DOUBLE_EQ(e.attention_pre_proj, 0.23645400000000094);
  EXPECT_DOUBLE_EQ(e.add, 0.0069999999999999585);
  EXPECT_DOUBLE_EQ(e.attention_prefill, 0.19804400000000105);
  EXPECT_EQ(e.num_layers, 32);
  EXPECT_DOUBLE_EQ(e.attention_decode, 0);
}

}  // namespace
}  // namespace llmsim::llm
