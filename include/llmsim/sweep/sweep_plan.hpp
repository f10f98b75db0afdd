// SPDX-License-Identifier: MIT
// The sweep policy: which configurations a shard runs, in which order, and how evenly the ranks were loaded.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "llmsim/io/sweep_definition.hpp"

namespace llmsim::sweep {

/// `--shard K/N`: this process runs the configurations whose index % N == K ("" = 0/1).
struct Shard {
  std::size_t index = 0;
  std::size_t count = 1;
};
/// Parses "K/N" (0 <= K < N); ConfigError otherwise.
Shard parse_shard(const std::string& text);

struct Plan {
  std::vector<std::size_t> pending;  ///< indices to run, largest first (by request count), so none starts last
  std::size_t done_before = 0;       ///< configurations of the shard with an intact part already
};
/// The shard's configurations without a finished part, in hand-out order.
Plan plan_pending(const io::Sweep& sweep, const std::set<std::string>& finished, Shard shard);

/// Busy time per rank (or group) after a distribution of `wall` seconds.
struct LoadBalance {
  double total = 0;       ///< busy seconds summed over workers
  double busiest = 0;     ///< the busiest worker's seconds
  double mean = 0;        ///< per worker
  double efficiency = 0;  ///< total / (workers x wall), in [0, 1]
};
LoadBalance load_balance(const std::map<int, double>& busy_by_worker, int workers, double wall);

}  // namespace llmsim::sweep
