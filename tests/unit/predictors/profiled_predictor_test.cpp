// SPDX-License-Identifier: MIT
// The profiled predictor on the bundled profiles: Vidur's filters, refusal of another model's profile, provenance,
// roofline for hardware without profiles, deterministic training and a cache that gives identical predictions.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "llmsim/llm/predictor_registry.hpp"
#include "llmsim/util/error.hpp"
#include "profile_data.hpp"
#include "trained_deployment.hpp"

namespace llmsim::llm {
namespace {

namespace fs = std::filesystem;
const std::string kProfiles = std::string(LLMSIM_SOURCE_DIR) + "/configs/profiles";

const ModelSpec kLlama7b{"meta-llama/Llama-2-7b-hf", 32, 32, 32, 4096, 11008, 4096, true, 32768, true};
const ModelSpec kLlama70b{"meta-llama/Llama-2-70b-hf", 80, 64, 8, 8192, 28672, 4096, true, 32768, true};
const DeviceSpec kA100{"a100", 312, 80, 2.21, 2039};
const DeviceSpec kH200{"h200", 989, 141, 3.59, 4800};
const DeviceSpec kH100{"h100", 1000, 80, 4.25, 3350};

fs::path test_dir() {
  const fs::path dir = fs::temp_directory_path() / (std::string("llmsim_profiled_") +
                                                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

PoolConfig cluster(const ModelSpec& model, const DeviceSpec& device, int tp, int pp) {
  PoolConfig c;
  c.replica.model = model;
  c.replica.device = device;
  c.replica.node = tp * pp > 4 ? NodeSpec{"a100_dgx", 8, 300, 25} : NodeSpec{"a100_pairwise_nvlink", 4, 300, 25};
  c.replica.tensor_parallel_size = tp;
  c.replica.num_pipeline_stages = pp;
  return c;
}

PredictorConfig profiled(const std::string& profile_dir = kProfiles, const std::string& cache = "") {
  PredictorConfig p;
  p.name = "profiled";
  p.profile_dir = profile_dir;
  p.cache_dir = cache;
  return p;
}

TEST(ProfileData, KeepsVidursRowsAndRefusesAnotherModelsProfile) {
  const std::string mlp = kProfiles + "/compute/a100/meta-llama/Llama-2-7b-hf/mlp.csv.gz";
  const auto s = detail::read_mlp_samples(mlp, kLlama7b, 1);
  // 261 rows per TP; num_tokens 2048 and 4096 appear twice with different timings (predictor spec 3.2).
  EXPECT_EQ(s[index_of(Op::mlp_up_proj)].y.size(), 261u);
  EXPECT_EQ(s[index_of(Op::mlp_up_proj)].data, "measured");
  EXPECT_EQ(s[index_of(Op::mlp_up_proj)].a.front(), 4096);
  try {
    detail::read_mlp_samples(mlp, kLlama70b, 1);
    FAIL() << "the 7B profile was accepted for the 70B model";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("n_head 32"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("meta-llama/Llama-2-70b-hf"), std::string::npos) << e.what();
  }
  const auto a =
      detail::read_attention_profile(kProfiles + "/compute/a100/meta-llama/Llama-2-7b-hf", kLlama7b, 1, 16);
  EXPECT_EQ(a[index_of(Op::attn_prefill)].data, "synthetic");
  EXPECT_EQ(a[index_of(Op::attn_kv_cache_save)].data, "absent");  // old format: Vidur predicts 0
  EXPECT_GT(a[index_of(Op::attn_decode)].y.size(), 10000u);
}

TEST(ProfileData, MeasuredAttentionIsUsedWhereItHasRowsAndTheStandInElsewhere) {
  const std::string dir = kProfiles + "/compute/a100/meta-llama/Llama-2-70b-hf";
  // Vidur's one real attention profile: Llama-2-70B TP2, block 16. Of its 10,240 decode and 4,418 prefill rows,
  // 10,234 and 4,396 are distinct (pandas' drop_duplicates drops one prefill row more: its std column differs
  // from another row's in the 17th digit only, which pandas' float parser does not see; the times are equal).
  const auto tp2 = detail::read_attention_profile(dir, kLlama70b, 2, 16);
  EXPECT_EQ(tp2[index_of(Op::attn_decode)].data, "measured");
  EXPECT_EQ(tp2[index_of(Op::attn_decode)].file, dir + "/attention.csv.gz");
  EXPECT_EQ(tp2[index_of(Op::attn_decode)].y.size(), 10234u);
  EXPECT_EQ(tp2[index_of(Op::attn_prefill)].y.size(), 4396u);
  for (int tp : {1, 4}) {
    const auto other = detail::read_attention_profile(dir, kLlama70b, tp, 16);
    EXPECT_EQ(other[index_of(Op::attn_decode)].data, "synthetic") << "TP" << tp;
    EXPECT_FALSE(other[index_of(Op::attn_decode)].y.empty()) << "TP" << tp;
  }
  EXPECT_EQ(detail::read_attention_profile(dir, kLlama70b, 2, 32)[index_of(Op::attn_decode)].data, "synthetic");
  // The roofline learns attention from measured rows only when the device has any.
  detail::TableMemo memo;
  const auto rows = detail::read_calibration_rows(kProfiles + "/compute/a100", Op::attn_decode, false, 2, memo);
  EXPECT_EQ(rows.size(), 10234u);
}

TEST(ProfiledPredictor, SaysWhereEachOperatorComesFromAndExtrapolatesBeyondTheProfiles) {
  const auto p = make_execution_time_predictor(profiled(), cluster(kLlama7b, kA100, 1, 1));
  int ops = 0;
  for (const OperatorInfo& i : p->describe()) {
    ++ops;
    EXPECT_GE(i.heldout_mape_percent, 0) << op_name(i.op);
    EXPECT_LT(i.heldout_mape_percent, 5) << op_name(i.op);
    EXPECT_EQ(i.data, detail::is_attention_op(i.op) ? (i.op == Op::attn_kv_cache_save ? "absent" : "synthetic")
                                                 : "measured");
  }
  EXPECT_EQ(ops, 12);  // no all_reduce (TP1), no send_recv (PP1)
  EXPECT_EQ(p->operator_time(Op::mlp_up_proj, 4000, 0).source, Source::profile);
  const OperatorTime far = p->operator_time(Op::mlp_up_proj, 100000, 0);
  EXPECT_EQ(far.source, Source::extrapolated);
  EXPECT_GT(far.ms, 10 * p->operator_time(Op::mlp_up_proj, 4096, 0).ms);
  EXPECT_EQ(p->operator_time(Op::attn_prefill, 0, 2048).source, Source::profile);
  EXPECT_EQ(p->operator_time(Op::attn_prefill, 8192, 8192).source, Source::extrapolated);
  EXPECT_EQ(p->operator_time(Op::attn_decode, 300, 1024).source, Source::extrapolated);
}

TEST(ProfiledPredictor, HardwareWithoutProfilesUsesTheCalibratedRoofline) {
  PoolConfig c = cluster(kLlama7b, kH200, 2, 1);
  c.replica.device_calibration = {kH100, kA100};
  c.replica.node = NodeSpec{"h200_dgx", 8, 450, 50};
  c.replica.node_calibration = {NodeSpec{"h100_dgx", 8, 450, 50}};
  const auto p = make_execution_time_predictor(profiled(), c);
  for (const OperatorInfo& i : p->describe()) {
    EXPECT_EQ(i.method, "roofline") << op_name(i.op);
    EXPECT_EQ(i.data, "datasheet");
  }
  PoolConfig h100_cluster = cluster(kLlama7b, kH100, 2, 1);
  h100_cluster.replica.device_calibration = {kA100};  // no attention profile on the H100
  const auto h100 = make_execution_time_predictor(profiled(), h100_cluster);
  const OperatorTime up = p->operator_time(Op::mlp_up_proj, 4096, 0);
  EXPECT_EQ(up.source, Source::roofline);
  // Compute-bound GEMM: the H200 has the H100's FLOP/s, so within the roofline's error of the H100 profile.
  EXPECT_NEAR(up.ms, h100->operator_time(Op::mlp_up_proj, 4096, 0).ms, 0.15 * up.ms);
  // Memory-bound decode attention: faster in proportion to HBM bandwidth (4.8 vs 3.35 TB/s, calibrated on A100).
  const double h200_decode = p->operator_time(Op::attn_decode, 64, 4096).ms;
  const double h100_decode = h100->operator_time(Op::attn_decode, 64, 4096).ms;
  EXPECT_NEAR(h100_decode / h200_decode, 4800.0 / 3350.0, 0.05);
  PoolConfig lost = c;
  lost.replica.device_calibration.clear();
  EXPECT_THROW(make_execution_time_predictor(profiled(), lost), InputError);
}

double median_abs_error_percent(const ExecutionTimePredictor& p, Op op, const detail::OpSamples& real) {
  std::vector<double> e;
  for (std::size_t i = 0; i < real.y.size(); ++i) {
    if (real.y[i] <= 0) continue;
    // Profile features: decode (batch, kv), prefill (chunk, kv); operator_time takes prefill as (kv, chunk).
    const auto a = static_cast<std::int64_t>(op == Op::attn_prefill ? real.b[i] : real.a[i]);
    const auto b = static_cast<std::int64_t>(op == Op::attn_prefill ? real.a[i] : real.b[i]);
    e.push_back(std::abs(p.operator_time(op, a, b).ms / real.y[i] - 1) * 100);
  }
  std::nth_element(e.begin(), e.begin() + static_cast<std::ptrdiff_t>(e.size() / 2), e.end());
  return e[e.size() / 2];
}

TEST(ProfiledPredictor, RooflineAttentionCalibratedOnTheRealA100ProfileReproducesIt) {
  // An A100 without profiles of its own: attention from the roofline calibrated on the A100's measured profile.
  PoolConfig twin = cluster(kLlama70b, DeviceSpec{"a100-unprofiled", 312, 80, 2.21, 2039}, 2, 1);
  twin.replica.device_calibration = {kA100};
  const auto roofline = make_execution_time_predictor(profiled(), twin);
  const auto real = detail::read_attention_profile(kProfiles + "/compute/a100/meta-llama/Llama-2-70b-hf", kLlama70b,
                                                   2, 16);
  const double decode = median_abs_error_percent(*roofline, Op::attn_decode, real[index_of(Op::attn_decode)]);
  const double prefill = median_abs_error_percent(*roofline, Op::attn_prefill, real[index_of(Op::attn_prefill)]);
  // Measured 2026-12-07: 8.47 % and 7.29 % (a roofline calibrated on the synthetic stand-ins, without the causal
  // term: 9.6 % and 57.5 %; docs/validation.md).
  EXPECT_LT(decode, 8.6);
  EXPECT_LT(prefill, 7.4);
  EXPECT_GT(prefill, 5.0);  // an exact match would mean the profile itself is being read back
}

TEST(ProfiledPredictor, TrainingIsDeterministicAndTheCacheGivesIdenticalPredictions) {
  const fs::path cache = test_dir();
  const PoolConfig c = cluster(kLlama70b, kA100, 4, 2);
  const auto cold = make_execution_time_predictor(profiled(kProfiles, ""), c);
  const auto filled = make_execution_time_predictor(profiled(kProfiles, cache.string()), c);
  ASSERT_EQ(std::distance(fs::directory_iterator(cache), fs::directory_iterator{}), 1);
  const auto warm = make_execution_time_predictor(profiled(kProfiles, cache.string()), c);
  for (const OperatorInfo& i : cold->describe()) {
    for (std::int64_t a : {1, 7, 64, 333, 4096, 9000}) {
      for (std::int64_t b : {0, 64, 1000, 5000}) {
        const std::int64_t x = i.op == Op::attn_decode ? std::min<std::int64_t>(a, 200) : a;
        const OperatorTime t = cold->operator_time(i.op, x, b);
        EXPECT_EQ(t.ms, filled->operator_time(i.op, x, b).ms) << op_name(i.op);
        EXPECT_EQ(t.ms, warm->operator_time(i.op, x, b).ms) << op_name(i.op);
        EXPECT_EQ(t.source, warm->operator_time(i.op, x, b).source) << op_name(i.op);
      }
    }
  }
}

TEST(ProfiledPredictor, CacheKeyFollowsTheContentOfTheProfiles) {
  const fs::path dir = test_dir() / "profiles";
  for (const char* sub : {"compute/a100/meta-llama/Llama-2-7b-hf", "network/a100_pairwise_nvlink"}) {
    fs::create_directories(dir / sub);
    fs::copy(fs::path(kProfiles) / sub, dir / sub, fs::copy_options::recursive);
  }
  const PoolConfig c = cluster(kLlama7b, kA100, 1, 1);
  const std::string before = detail::deployment_key(profiled(dir.string()), c);
  EXPECT_EQ(before, detail::deployment_key(profiled(dir.string()), c));
  std::ofstream(dir / "compute/a100/meta-llama/Llama-2-7b-hf/extra.csv") << "x\n";
  EXPECT_NE(before, detail::deployment_key(profiled(dir.string()), c));
  PredictorConfig folds = profiled(dir.string());
  folds.k_fold_cv_splits = 5;
  EXPECT_NE(detail::deployment_key(folds, c), detail::deployment_key(profiled(dir.string()), c));
}

}  // namespace
}  // namespace llmsim::llm
