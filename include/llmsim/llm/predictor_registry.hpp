// SPDX-License-Identifier: MIT
// The registry of execution-time predictors: name, one-line description and factory of each.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "llmsim/llm/execution_time.hpp"

namespace llmsim::llm {

struct PredictorKind {
  const char* name;
  const char* description;
  std::unique_ptr<ExecutionTimePredictor> (*make)(const PredictorConfig&, const ClusterConfig&);
};

/// Every predictor, in the order `--help` and error messages list them.
const std::vector<PredictorKind>& predictor_kinds();
std::vector<std::string> predictor_names();

/// The `<op>_<hash>_predictions.csv.gz` files of Vidur's prediction tables in `dir`, sorted (vidur_table needs exactly
/// one per operator it uses); InputError if `dir` is not a directory.
std::vector<std::string> vidur_table_files(const std::string& dir, const std::string& op);

/// The default predictor cache: $LLMSIM_PREDICTOR_CACHE if set ("" or "none" = no cache), else
/// $XDG_CACHE_HOME/llmsim/predictors, else $HOME/.cache/llmsim/predictors, else none.
std::string default_predictor_cache_dir();

}  // namespace llmsim::llm
