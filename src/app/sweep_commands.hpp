// SPDX-License-Identifier: MIT
// The llmsim-sweep subcommands: list (dry run), run, merge and status.
#pragma once

#include <string>

#include "llmsim/util/error.hpp"

namespace llmsim::app {

/// A configuration failed on this rank (only this rank knows): the message names its id and label, `code` is the
/// exit code (2 for invalid config or input, 1 otherwise).
class ConfigurationFailed : public Error {
 public:
  ConfigurationFailed(const std::string& message, int code) : Error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

struct SweepOptions {
  std::string job_path;
  std::string output_path;  ///< default: out/<sweep name>.h5
  std::string shard;        ///< "K/N": only configurations with index % N == K
  int ranks_per_config = 1;  ///< > 1: rank 0 hands out, groups of this many ranks run one configuration each
  bool no_merge = false;
  bool partial = false;
  bool commands = false;
  std::string log_level = "info";
  double progress_interval_s = 30.0;  ///< wall seconds between progress lines of a running configuration
  bool quiet = false;
};

/// Each returns the process exit code; config errors throw ConfigError (exit code 2).
int sweep_list(const SweepOptions& options);
/// Runs every unfinished configuration (of the shard) over all MPI ranks, then merges (rank 0).
int sweep_run(const SweepOptions& options, int rank, int ranks);
int sweep_merge(const SweepOptions& options);
int sweep_status(const SweepOptions& options);

}  // namespace llmsim::app
