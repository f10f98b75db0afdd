// SPDX-License-Identifier: MIT
// CliOptions: what the llmsim command line asks for (parsed in main.cpp, consumed by run.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "llmsim/des/transport.hpp"

namespace llmsim::app {

struct CliOptions {
  std::string config_path;
  std::string output_path = "results.h5";
  std::vector<std::string> overrides;
  std::optional<unsigned long long> seed;
  std::string csv_dir;
  std::string chrome_trace_path;
  std::string log_level = "info";
  double progress_interval_s = 10.0;
  int local_ranks = 1;
  std::optional<double> max_memory_gib;  ///< --max-memory; unset = the machine's available memory
  std::string partition = "block";
  bool compress = false;  ///< --compress
  bool report = false;    ///< --report: run llmsim-report on the result
  bool print_config = false;
  bool quiet = false;
};

/// Runs one simulation as asked and returns the process exit code (0 ok, 3 requests stalled). With a
/// transport this is one rank of a partitioned run: only rank 0 prints and writes results.
/// Throws ConfigError/InputError for bad input (main maps them to exit code 2).
int run(const CliOptions& options, des::Transport* transport);

}  // namespace llmsim::app
