// SPDX-License-Identifier: MIT
// `llmsim plan` (memory plan and parallel layout of a deployment) and `llmsim predict` (one batch's predicted
// stage times, operator by operator): the numbers a simulation uses, computed by the same code.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace llmsim::app {

struct InspectOptions {
  std::string config_path;
  std::vector<std::string> overrides;
  bool json = false;
  std::string pool;                   ///< the pool to inspect ("" = the only one)
  std::vector<std::string> prefills;  ///< predict: CHUNK or CHUNK:KV (tokens of this iteration, tokens cached)
  std::vector<std::string> decodes;   ///< predict: KV or KVxCOUNT (context of each decoding request)
};

/// Runs `command`, mapping ConfigError/InputError to exit code 2 (message on stderr) and other errors to 1.
int with_exit_codes(const std::function<int()>& command);

/// Runs `command`, mapping ConfigError/InputError to exit code 2 (message on stderr) and other errors to 1.
int run_inspect(int (*command)(const InspectOptions&), const InspectOptions& options);

/// Prints the replica's memory plan and layout; ConfigError (exit 2) if not even one request fits.
int plan_command(const InspectOptions& options);
/// Prints the predicted time of the described batch on every pipeline stage.
int predict_command(const InspectOptions& options);

}  // namespace llmsim::app
