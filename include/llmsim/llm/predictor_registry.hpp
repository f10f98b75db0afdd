// SPDX-License-Identifier: MIT
// The registry of execution-time predictors: name, config keys, one-line description and factory of each.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "llmsim/llm/execution_time.hpp"
#include "llmsim/util/plugin_registry.hpp"

namespace llmsim::llm {

using PredictorPlugin =
    Plugin<std::unique_ptr<ExecutionTimePredictor> (*)(const PredictorConfig&, const PoolConfig&)>;

/// Every predictor (`execution_time_predictor.name`), in the order `--list` and error messages show them.
const std::vector<PredictorPlugin>& predictors();

/// Vidur's prediction tables in `dir` by operator: the paths of its `<op>_<8 hex digits>_predictions.csv.gz` files,
/// sorted (vidur_table needs exactly one per operator it uses; other files are ignored). InputError if `dir` is not
/// a directory.
std::map<std::string, std::vector<std::string>> vidur_table_files(const std::string& dir);

/// The default predictor cache: $LLMSIM_PREDICTOR_CACHE if set ("" or "none" = no cache), else
/// $XDG_CACHE_HOME/llmsim/predictors, else $HOME/.cache/llmsim/predictors, else none.
std::string default_predictor_cache_dir();

}  // namespace llmsim::llm
