// SPDX-License-Identifier: MIT
// Partition strategies: which rank owns each entity of a partitioned simulation.
#pragma once

#include <string>
#include <vector>

#include "llmsim/util/plugin_registry.hpp"

namespace llmsim::des {

/// The registry of partitions (the `--partition` choices): names and one-line descriptions.
const std::vector<PluginInfo>& partitions();

/// Rank owning each of `count` entities: `block` gives contiguous ranges, `round_robin` deals them out in turn.
/// Throws ConfigError for an unknown name.
std::vector<int> partition_entities(const std::string& name, int count, int num_ranks);

}  // namespace llmsim::des
