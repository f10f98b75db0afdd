// SPDX-License-Identifier: MIT
// vidur_table predictor: Vidur's precomputed prediction tables (predictor spec 2.5, 2.6).
#include "vidur_table_predictor.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "llmsim/llm/predictor_registry.hpp"
#include "llmsim/util/error.hpp"

#include "prediction_tables.hpp"
#include "stage_assembler.hpp"

namespace llmsim::llm::detail {

namespace {

class VidurTablePredictor final : public StagePredictor<VidurTablePredictor> {
 public:
  VidurTablePredictor(const PredictorConfig& config, const PoolConfig& cluster);
  std::vector<OperatorInfo> describe() const override;
  OperatorTime operator_time(Op op, std::int64_t a, std::int64_t b) const override;

 private:

  PerOp<std::string> files_;  // "" for an operator the deployment does not use
  PerOp<std::optional<TokenTable>> tokens_;
  DecodeTable decode_;
  PrefillTable prefill_;
};

VidurTablePredictor::VidurTablePredictor(const PredictorConfig& config, const PoolConfig& cluster)
    : StagePredictor(config, cluster) {
  const std::map<std::string, std::vector<std::string>> tables = vidur_table_files(config.table_dir);
  for (int i = 0; i < kNumOps; ++i) {
    const auto op = static_cast<Op>(i);
    if (op == Op::all_reduce && shape().tensor_parallel == 1) continue;
    if (op == Op::send_recv && shape().num_stages == 1) continue;
    const std::string& file = files_[static_cast<std::size_t>(i)] =
        find_table_file(tables, config.table_dir, op_name(op));
    if (op == Op::attn_decode) {
      decode_ = DecodeTable(file, config.cache_dir);
    } else if (op == Op::attn_prefill) {
      prefill_ = PrefillTable(file, config.cache_dir);
    } else {
      tokens_[static_cast<std::size_t>(i)].emplace(file, config.cache_dir);
    }
  }
  const std::int64_t g = config.kv_cache_prediction_granularity;
  if (decode_.granularity() != g || prefill_.granularity() != g) {
    throw ConfigError("execution_time_predictor.kv_cache_prediction_granularity: " + std::to_string(g) +
                      " does not match the tables in '" + config.table_dir + "' (grid step " +
                      std::to_string(decode_.granularity()) + ")");
  }
}

OperatorTime VidurTablePredictor::operator_time(Op op, std::int64_t a, std::int64_t b) const {
  if (op == Op::attn_decode) return {decode_.at(a, b), Source::table};
  if (op == Op::attn_prefill) return {prefill_.at(a, b), Source::table};
  return {tokens_[static_cast<std::size_t>(op)]->at(a), Source::table};
}

std::vector<OperatorInfo> VidurTablePredictor::describe() const {
  std::vector<OperatorInfo> out;
  for (int i = 0; i < kNumOps; ++i) {
    const auto op = static_cast<Op>(i);
    const std::string& file = files_[static_cast<std::size_t>(i)];
    if (file.empty()) continue;
    OperatorInfo info;
    info.op = op;
    info.data = "vidur_table";
    info.method = "table";
    info.file = file;
    info.domain = op == Op::attn_decode    ? decode_.domain()
                  : op == Op::attn_prefill ? prefill_.domain()
                                           : "num_tokens 1.." + std::to_string(tokens_[static_cast<std::size_t>(i)]->max_tokens());
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace

std::unique_ptr<ExecutionTimePredictor> make_vidur_table_predictor(const PredictorConfig& config,
                                                                   const PoolConfig& cluster) {
  return std::make_unique<VidurTablePredictor>(config, cluster);
}

}  // namespace llmsim::llm::detail
