// SPDX-License-Identifier: MIT
// Request generation: synthetic (interval x length generators) and trace replay (Vidur spec section 7).
#pragma once

#include <vector>

#include "llmsim/llm/config.hpp"
#include "llmsim/llm/request.hpp"
#include "llmsim/util/plugin_registry.hpp"

namespace llmsim::llm {

/// Generates every request of a run, sorted by arrival (stable), ids = positions. Reproduces Vidur's streams
/// bit for bit (CPython/numpy MT19937), so the same config and seed give Vidur's arrivals and lengths.
/// Throws ConfigError for bad generator settings and InputError (naming file, line and column) for bad traces.
std::vector<RequestSpec> generate_requests(const RequestGeneratorConfig& config);

/// The registries of `request_generator.name`, `...interval_generator.name` and `...length_generator.name`: names,
/// keys and descriptions (the factories stay inside the generators library).
std::vector<PluginInfo> request_generator_plugins();
std::vector<PluginInfo> interval_generator_plugins();
std::vector<PluginInfo> length_generator_plugins();

}  // namespace llmsim::llm
