// SPDX-License-Identifier: MIT
// Loading and validating YAML simulation configs; serialising the resolved config.
#pragma once

#include <string>
#include <vector>

#include "llmsim/llm/config.hpp"

namespace llmsim::io {

/// Reads a YAML config, resolves referenced model/hardware files and relative paths (relative to the file that
/// names them), applies Vidur's defaults and validates every value. Throws ConfigError naming the file, the
/// key and the valid values; unknown keys are errors too (a typo must not be silently ignored).
/// `overrides` are `dotted.key=yaml-value` strings (e.g. `cluster.num_replicas=4`) applied before validation.
llm::SimulationConfig load_config(const std::string& path, const std::vector<std::string>& overrides = {});

/// The pool named `name` of `cluster`; "" = the only pool. ConfigError naming the pools if there is no such pool
/// or `name` is empty and there are several (commands that inspect one deployment take --pool NAME).
const llm::PoolConfig& select_pool(const llm::ClusterConfig& cluster, const std::string& name);

/// The fully resolved config as pretty-printed JSON (stored with every result file).
std::string config_to_json(const llm::SimulationConfig& config);

}  // namespace llmsim::io
