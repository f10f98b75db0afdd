// SPDX-License-Identifier: MIT
// The profiled predictor: trains (or loads from the cache) one model per operator from the profiles.
#pragma once

#include <memory>

#include "llmsim/llm/execution_time.hpp"

namespace llmsim::llm::detail {

std::unique_ptr<ExecutionTimePredictor> make_profiled_predictor(const PredictorConfig& config,
                                                                const PoolConfig& cluster);

}  // namespace llmsim::llm::detail
