// SPDX-License-Identifier: MIT
// The llmsim-predictor subcommands: train (provenance, held-out error, timing) and compare (with Vidur's tables).
#pragma once

#include <string>
#include <vector>

namespace llmsim::app {

struct PredictorOptions {
  std::string config_path;
  std::vector<std::string> overrides;
  std::string pool;  ///< the pool whose predictor to inspect ("" = the only one)
  std::string tables_dir;
  int repeat = 0;
  double max_median_percent = 100;  ///< compare: fail (exit 1) above these
  double max_p90_percent = 100;
  bool json = false;
};

int predictor_train(const PredictorOptions& options);
int predictor_compare(const PredictorOptions& options);

}  // namespace llmsim::app
