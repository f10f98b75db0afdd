// SPDX-License-Identifier: MIT
// block and round_robin partitions.
#include "llmsim/des/partition.hpp"

#include <cstdint>

#include "llmsim/util/error.hpp"

namespace llmsim::des {

const std::vector<PluginInfo>& partitions() {
  static const std::vector<PluginInfo> all{
      {"block", {}, "contiguous ranges of entities per rank (neighbours stay together)"},
      {"round_robin", {}, "entities dealt out to the ranks in turn (spreads hot ranges)"}};
  return all;
}

std::vector<int> partition_entities(const std::string& name, int count, int num_ranks) {
  std::vector<int> owner(static_cast<std::size_t>(count));
  for (int e = 0; e < count; ++e) {
    if (name == "block") {
      owner[static_cast<std::size_t>(e)] = static_cast<int>(static_cast<std::int64_t>(e) * num_ranks / count);
    } else if (name == "round_robin") {
      owner[static_cast<std::size_t>(e)] = e % num_ranks;
    } else {
      throw ConfigError("--partition: unknown value '" + name + "'; valid: " + joined_names(partitions()));
    }
  }
  return owner;
}

}  // namespace llmsim::des
