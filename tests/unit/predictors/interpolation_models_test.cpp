// SPDX-License-Identifier: MIT
// The profiled predictor's building blocks on data with known answers: interpolation, extrapolation, the k-fold
// rule shared with scripts/predictor_accuracy_sklearn.py, and roofline calibration.
#include <gtest/gtest.h>

#include <cmath>

#include "cross_validation.hpp"
#include "interpolation_models.hpp"
#include "roofline.hpp"

namespace llmsim::llm::detail {
namespace {

TEST(Curve, InterpolatesThroughAveragedKnotsAndExtrapolatesFromTheLast) {
  // y = 2x + 1 at x = 1, 2, 4, 8; x = 4 measured twice (8 and 10: mean 9).
  const Curve c = Curve::fit({8, 1, 4, 2, 4}, {17, 3, 8, 5, 10});
  ASSERT_EQ(c.xs, (std::vector<double>{1, 2, 4, 8}));
  EXPECT_DOUBLE_EQ(c.eval(4).ms, 9);
  EXPECT_DOUBLE_EQ(c.eval(3).ms, 7);  // halfway between 5 and 9
  EXPECT_TRUE(c.eval(3).in_domain);
  EXPECT_DOUBLE_EQ(c.eval(0.5).ms, 3);  // constant below the first knot
  EXPECT_FALSE(c.eval(0.5).in_domain);
  // Upper half of the knots (x >= 4): (4, 9), (8, 17): slope 2, continued from the last knot.
  EXPECT_DOUBLE_EQ(c.tail_slope, 2);
  EXPECT_DOUBLE_EQ(c.eval(20).ms, 17 + 2 * 12);
  EXPECT_FALSE(c.eval(20).in_domain);
  EXPECT_TRUE(c.eval(8).in_domain);
}

TEST(Curve, SmoothingFitsLocalLinesThatKeepLinearTrendsOnUnevenKnots) {
  // Evenly spaced: the local line through 3 knots at its centre is their mean.
  const Smoothing line1{Smoothing::Kind::line, 1};
  EXPECT_EQ(Curve::fit({1, 2, 3, 4}, {1, 4, 1, 4}, line1).ys, (std::vector<double>{1, 2, 3, 4}));
  // y = 3x on knots whose spacing changes: unchanged (a moving mean would bend it at x = 4).
  const Curve c = Curve::fit({1, 2, 4, 8, 16}, {3, 6, 12, 24, 48}, {Smoothing::Kind::line, 2});
  for (std::size_t i = 0; i < c.xs.size(); ++i) EXPECT_NEAR(c.ys[i], 3 * c.xs[i], 1e-12);
}

TEST(Curve, RunningMediansRemoveAnOutlyingTiming) {
  const Curve c = Curve::fit({1, 2, 3, 4, 5, 6}, {1, 2, 30, 4, 5, 6}, {Smoothing::Kind::median, 1});
  EXPECT_EQ(c.ys, (std::vector<double>{1, 2, 4, 5, 5, 6}));
}

TEST(Curve, GeometricInterpolationIsLinearInLogTime) {
  const Curve c = Curve::fit({1, 3}, {1, 9}, {}, false, true);
  EXPECT_NEAR(c.eval(2).ms, 3, 1e-12);
  const Curve loglog = Curve::fit({1, 4}, {1, 16}, {}, true, true);  // y = x^2
  EXPECT_NEAR(loglog.eval(2).ms, 4, 1e-12);
}

TEST(Surface, IsExactOnBilinearDataInsideAndOnItsBasisOutside) {
  // y = 3 + 2g + 0.5 g^2 + 0.25 c + 0.125 g c on g = 1..8, c = 0..1024 step 64: inside, interpolation is exact in
  // c; between groups it is linear in g^2 when `squared` ... and exact at the knots.
  std::vector<double> g, c, y;
  const auto f = [](double gv, double cv) { return 3 + 2 * gv + 0.5 * gv * gv + 0.25 * cv + 0.125 * gv * cv; };
  for (int gi = 1; gi <= 8; ++gi) {
    for (int ci = 0; ci <= 1024; ci += 64) {
      g.push_back(gi);
      c.push_back(ci);
      y.push_back(f(gi, ci));
    }
  }
  const Surface s = Surface::fit(g, c, y, false, {});
  EXPECT_DOUBLE_EQ(s.eval(3, 512).ms, f(3, 512));
  EXPECT_DOUBLE_EQ(s.eval(3, 544).ms, f(3, 544));  // linear in c between knots
  EXPECT_TRUE(s.eval(3, 544).in_domain);
  // Between g = 3 and 4 the truth is quadratic in g: linear interpolation is within its chord.
  EXPECT_NEAR(s.eval(3.5, 512).ms, (f(3, 512) + f(4, 512)) / 2, 1e-9);
  // Outside: the weighted least-squares fit reproduces a function of its basis.
  EXPECT_FALSE(s.eval(20, 4000).in_domain);
  EXPECT_NEAR(s.eval(20, 4000).ms, f(20, 4000), 1e-6 * f(20, 4000));
  EXPECT_NEAR(s.eval(4, 3000).ms, f(4, 3000), 1e-6 * f(4, 3000));
  EXPECT_EQ(s.domain("g", "c"), "g 1..8 x c 0..1024 (8 g values)");
}

TEST(KFold, RowIGoesToFoldIModKAndEveryRowIsHeldOutOnce) {
  std::vector<int> held_out(23, 0);
  const std::vector<double> y(23, 1.0);
  const double mape = kfold_mape(23, y, 10, [&](const auto& train, const auto& test) {
    for (std::size_t r : test) {
      ++held_out[r];
      EXPECT_EQ(r % 10, test.front() % 10);
    }
    EXPECT_EQ(train.size() + test.size(), 23u);
    return std::vector<double>(test.size(), 1.1);  // 10 % error everywhere
  });
  EXPECT_NEAR(mape, 10, 1e-12);
  for (int n : held_out) EXPECT_EQ(n, 1);
  // Fewer rows than folds: 2 folds, as Vidur does.
  std::vector<std::size_t> sizes;
  kfold_mape(5, std::vector<double>(5, 1.0), 10, [&](const auto&, const auto& test) {
    sizes.push_back(test.size());
    return std::vector<double>(test.size(), 1.0);
  });
  EXPECT_EQ(sizes, (std::vector<std::size_t>{3, 2}));
}

TEST(Mape, FollowsVidurForZeroTargets) {
  EXPECT_DOUBLE_EQ(ape_percent(2, 3), 50);
  EXPECT_DOUBLE_EQ(ape_percent(0, 0), 0);
  EXPECT_DOUBLE_EQ(ape_percent(0, 1e-9), 100);
}

TEST(Roofline, CalibrationRecoversEfficienciesAndOverheadOfItsOwnModel) {
  const Peak peak{100e12, 2e12};
  // Efficiencies on the calibration grid (0.005^(1 - i/47)): i = 40 and i = 47 (1.0).
  const double fe = std::pow(0.005, 1 - 40 / 47.0);
  const RooflineFit truth{fe, 1.0, 0.02, 0, 0};
  const ShardShape shape = shard_shape(32, 32, 4096, 11008, true, 1);
  std::vector<CostSample> rows;
  for (double tokens = 1; tokens <= 4096; tokens *= 2) {
    const Cost cost = op_cost(Op::mlp_up_proj, shape, tokens, 0);
    rows.push_back({cost, truth.time_ms(cost, peak)});
  }
  const RooflineFit fit = calibrate_roofline(rows, peak);
  EXPECT_NEAR(fit.flops_efficiency, fe, 1e-12);
  EXPECT_DOUBLE_EQ(fit.bytes_efficiency, 1.0);
  EXPECT_NEAR(fit.overhead_ms, 0.02, 1e-12);
  EXPECT_LT(fit.mape_percent, 1e-9);
}

TEST(Roofline, CalibrationRecoversTheCausalEfficiencyOfPrefillAttention) {
  const Peak peak{312e12, 2.039e12};
  // On the calibration grids: flops 0.005^(1 - 44/47), causal 0.1^(1 - 14/23).
  const RooflineFit truth{std::pow(0.005, 1 - 44 / 47.0), 1.0, 0.01, 0, 0, std::pow(0.1, 1 - 14 / 23.0)};
  const ShardShape shape = shard_shape(64, 8, 8192, 28672, true, 2);
  std::vector<CostSample> rows;
  for (double kv : {0.0, 512.0, 2048.0}) {
    for (double chunk = 64; chunk <= 4096; chunk *= 2) {
      const Cost cost = op_cost(Op::attn_prefill, shape, kv, chunk);
      EXPECT_DOUBLE_EQ(cost.causal_flops, 2 * 32 * 128 * chunk * chunk);
      rows.push_back({cost, truth.time_ms(cost, peak)});
    }
  }
  const RooflineFit fit = calibrate_roofline(rows, peak);
  EXPECT_NEAR(fit.causal_efficiency, truth.causal_efficiency, 1e-12);
  EXPECT_NEAR(fit.flops_efficiency, truth.flops_efficiency, 1e-12);
  EXPECT_LT(fit.mape_percent, 1e-9);
  // Operators without a causal part keep causal efficiency 1 (their calibration does not search it).
  EXPECT_EQ(op_cost(Op::attn_decode, shape, 8, 1024).causal_flops, 0);
}

TEST(Roofline, CostsFollowTheShardedShapes) {
  const ShardShape s = shard_shape(64, 8, 8192, 28672, true, 4);  // Llama-2-70B, TP4
  EXPECT_EQ(s.q_heads, 16);
  EXPECT_EQ(s.kv_heads, 2);
  EXPECT_EQ(s.head_dim, 128);
  EXPECT_DOUBLE_EQ(op_cost(Op::mlp_up_proj, s, 10, 0).flops, 2.0 * 10 * 8192 * 2 * 7168);
  EXPECT_DOUBLE_EQ(op_cost(Op::attn_decode, s, 4, 1000).bytes, 2.0 * (2 * 4 * 256 * 1000 + 2 * 4 * 2048));
  EXPECT_DOUBLE_EQ(op_cost(Op::all_reduce, s, 10, 0).bytes, 2.0 * 10 * 8192 * 2 * 3 / 4);
  EXPECT_EQ(shard_shape(64, 8, 8192, 28672, true, 16).kv_heads, 1);  // KV heads replicated past TP 8
}

}  // namespace
}  // namespace llmsim::llm::detail
