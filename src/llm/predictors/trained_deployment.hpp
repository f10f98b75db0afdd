// SPDX-License-Identifier: MIT
// TrainedDeployment: the per-operator models of one model x device x node x TP x PP, trained from profiles
// (or calibrated rooflines), with their provenance; cached on disk as JSON keyed by the content of the inputs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "interpolation_models.hpp"
#include "llmsim/llm/config.hpp"
#include "llmsim/llm/execution_time.hpp"
#include "roofline.hpp"

namespace llmsim::llm::detail {

/// How one operator is predicted.
struct OperatorModel {
  enum class Kind : std::uint8_t { unused, curve, surface, roofline };
  Kind kind = Kind::unused;
  Curve curve;
  Surface surface;
  RooflineFit roofline;
  Peak peak;          ///< the target hardware's peaks, for the roofline
  ShardShape shape;   ///< the deployment's shard, for the roofline
  OperatorInfo info;
};

struct TrainedDeployment {
  std::string key;         ///< content hash of every input (profiles, hardware, model, predictor settings)
  std::string deployment;  ///< "<model> on <device> / <node>, TP<t> PP<p>" for messages
  PerOp<OperatorModel> ops;
};

/// The key of `cluster`'s deployment under `config`: SHA-1 over the format version, the settings and the bytes
/// of every profile file it may draw on (its own and its calibration devices' and nodes').
std::string deployment_key(const PredictorConfig& config, const PoolConfig& cluster);

/// Trains every operator the deployment uses (predictor spec 2.3 rows; model chosen by k-fold held-out error).
/// Throws InputError/ConfigError naming the file, key or operator that is missing or mismatched.
TrainedDeployment train_deployment(const PredictorConfig& config, const PoolConfig& cluster, std::string key);

/// Writes `t` to `dir`/<key>.json atomically (unique temporary + rename); returns the path.
std::string save_deployment(const TrainedDeployment& t, const std::string& dir);
/// Reads `dir`/<key>.json if present and of this format; nullopt otherwise.
std::optional<TrainedDeployment> load_deployment(const std::string& dir, const std::string& key);

}  // namespace llmsim::llm::detail
