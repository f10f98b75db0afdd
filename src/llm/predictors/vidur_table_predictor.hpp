// SPDX-License-Identifier: MIT
// The vidur_table predictor: replays Vidur's per-operator prediction tables from a directory.
#pragma once

#include <memory>

#include "llmsim/llm/execution_time.hpp"

namespace llmsim::llm::detail {

std::unique_ptr<ExecutionTimePredictor> make_vidur_table_predictor(const PredictorConfig& config,
                                                                   const PoolConfig& cluster);

}  // namespace llmsim::llm::detail
