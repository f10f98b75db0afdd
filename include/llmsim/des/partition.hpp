// SPDX-License-Identifier: MIT
// Partition strategies: which rank owns each entity of a partitioned simulation.
#pragma once

#include <string>
#include <vector>

namespace llmsim::des {

/// Names accepted by partition_entities, each with a one-line description (the `--partition` choices).
struct PartitionInfo {
  const char* name;
  const char* description;
};
const std::vector<PartitionInfo>& partitions();

/// Rank owning each of `count` entities: `block` gives contiguous ranges, `round_robin` deals them out in turn.
/// Throws ConfigError for an unknown name.
std::vector<int> partition_entities(const std::string& name, int count, int num_ranks);

}  // namespace llmsim::des
