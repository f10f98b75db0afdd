// SPDX-License-Identifier: MIT
// profiled predictor: operator models trained from profiles (or calibrated rooflines), queried with Vidur's
// batch features; token-keyed operators are tabulated over their profiled range for speed.
#include "profiled_predictor.hpp"

#include <cmath>
#include <spdlog/spdlog.h>

#include "llmsim/util/error.hpp"
#include "stage_assembler.hpp"
#include "trained_deployment.hpp"

namespace llmsim::llm::detail {

namespace {

constexpr std::int64_t kMaxDenseTokens = 1 << 16;

class ProfiledPredictor final : public StagePredictor<ProfiledPredictor> {
 public:
  ProfiledPredictor(const PredictorConfig& config, const PoolConfig& cluster, TrainedDeployment trained);
  std::vector<OperatorInfo> describe() const override;
  OperatorTime operator_time(Op op, std::int64_t a, std::int64_t b) const override;

 private:

  TrainedDeployment trained_;
  PerOp<std::vector<Estimate>> dense_;  // token-keyed curves at 0..max profiled tokens
};

ProfiledPredictor::ProfiledPredictor(const PredictorConfig& config, const PoolConfig& cluster,
                                     TrainedDeployment trained)
    : StagePredictor(config, cluster), trained_(std::move(trained)) {
  for (int i = 0; i < kNumOps; ++i) {
    const OperatorModel& m = trained_.ops[static_cast<std::size_t>(i)];
    if (m.kind != OperatorModel::Kind::curve) continue;
    const auto top = std::min<std::int64_t>(kMaxDenseTokens, static_cast<std::int64_t>(std::floor(m.curve.xs.back())));
    std::vector<Estimate>& d = dense_[static_cast<std::size_t>(i)];
    d.reserve(static_cast<std::size_t>(top) + 1);
    for (std::int64_t x = 0; x <= top; ++x) d.push_back(m.curve.eval(static_cast<double>(x)));
  }
}

OperatorTime ProfiledPredictor::operator_time(Op op, std::int64_t a, std::int64_t b) const {
  const OperatorModel& m = trained_.ops[static_cast<std::size_t>(op)];
  Estimate e;
  switch (m.kind) {
    case OperatorModel::Kind::curve: {
      const std::vector<Estimate>& d = dense_[static_cast<std::size_t>(op)];
      e = a >= 0 && a < static_cast<std::int64_t>(d.size()) ? d[static_cast<std::size_t>(a)]
                                                             : m.curve.eval(static_cast<double>(a));
      break;
    }
    case OperatorModel::Kind::surface:  // decode (batch, kv) -> (batch, kv); prefill (kv, chunk) -> (chunk, kv)
      e = op == Op::attn_prefill ? m.surface.eval(static_cast<double>(b), static_cast<double>(a))
                                 : m.surface.eval(static_cast<double>(a), static_cast<double>(b));
      break;
    case OperatorModel::Kind::roofline:
      return {m.roofline.time_ms(op_cost(op, m.shape, static_cast<double>(a), static_cast<double>(b)), m.peak),
              Source::roofline};
    case OperatorModel::Kind::unused:
      throw Error(std::string("profiled predictor: operator ") + op_name(op) + " was not trained");
  }
  return {e.ms, e.in_domain ? Source::profile : Source::extrapolated};
}

std::vector<OperatorInfo> ProfiledPredictor::describe() const {
  std::vector<OperatorInfo> out;
  for (const OperatorModel& m : trained_.ops) {
    if (m.kind != OperatorModel::Kind::unused) out.push_back(m.info);
  }
  return out;
}

}  // namespace

std::unique_ptr<ExecutionTimePredictor> make_profiled_predictor(const PredictorConfig& config,
                                                                const PoolConfig& cluster) {
  const std::string key = deployment_key(config, cluster);
  std::optional<TrainedDeployment> trained;
  if (!config.cache_dir.empty()) trained = load_deployment(config.cache_dir, key);
  if (!trained) {
    trained = train_deployment(config, cluster, key);
    if (!config.cache_dir.empty()) {
      try {
        save_deployment(*trained, config.cache_dir);
      } catch (const std::exception& e) {
        spdlog::warn("predictor cache '{}' not written ({}); the model is trained again next time", config.cache_dir,
                     e.what());
      }
    }
  }
  return std::make_unique<ProfiledPredictor>(config, cluster, std::move(*trained));
}

}  // namespace llmsim::llm::detail
