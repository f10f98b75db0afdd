// SPDX-License-Identifier: MIT
// Loading sweep definitions (jobs/*.yaml): axes, exclusions and capacity search, expanded and validated.
#pragma once

#include <string>

#include "llmsim/io/sweep_definition.hpp"

namespace llmsim::io {

/// Reads a sweep file, expands the cartesian product of its axes in file order (the last axis varies fastest),
/// drops excluded combinations, resolves and validates every configuration (load_config on the base config with
/// the point's overrides) and derives each point's id from its content. Throws ConfigError naming the file, the
/// key and the valid values; a configuration that fails validation is reported with its label.
Sweep load_sweep(const std::string& path);

/// The search spec as a JSON object (`null` without a search), as hashed into ids and stored in sweep files.
std::string search_spec_json(const std::optional<CapacitySearchSpec>& search);

/// The stable id of a resolved configuration: 12 hex digits of FNV-1a-64 over its canonical JSON (with file
/// paths made relative to `relative_to`, so ids do not depend on where the checkout lives) and the search spec.
std::string config_id(const llm::SimulationConfig& config, const std::optional<CapacitySearchSpec>& search,
                      const std::string& relative_to);

}  // namespace llmsim::io
