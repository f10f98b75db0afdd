// SPDX-License-Identifier: MIT
// run(): the one entry point that runs an engine, alone or as one rank of a conservatively synchronised run.
#pragma once

#include <cstdint>
#include <functional>

#include "llmsim/des/engine.hpp"
#include "llmsim/des/transport.hpp"

namespace llmsim::des {

/// What a progress callback sees.
struct RunStatus {
  SimTime now = 0;            ///< simulated time reached (the window start in a partitioned run)
  std::uint64_t events = 0;   ///< events processed by this rank
};

struct RunOptions {
  /// Null or a one-rank transport: the engine runs sequentially. Otherwise every rank calls run() with its own
  /// engine (same entities, set_partition done) and the ranks advance in windows of `lookahead`.
  Transport* transport = nullptr;
  /// Smallest delay of any event sent to an entity on another rank; must be > 0 with several ranks.
  SimTime lookahead = 0;
  /// No event later than this is processed.
  SimTime limit = kSimTimeMax;
  /// Called about every `progress_every` events of this rank (on every rank of a partitioned run).
  std::function<void(const RunStatus&)> progress;
  std::uint64_t progress_every = 1u << 18;
};

struct RunResult {
  bool limit_reached = false;  ///< events were left after `limit`
  double sync_seconds = 0;     ///< wall time this rank spent exchanging events and agreeing on windows
};

/// Runs `engine` until no event is left or the next one is after `options.limit`. The result (every entity's
/// state, the event order) is the same for any number of ranks and any partition. Partitioned runs use
/// YAWNS-style windows (docs/distributed.md): deliver the events of the last window, agree on the global next
/// event time T, process every local event before T + lookahead; an event sent inside the window is due at
/// least `lookahead` after its send time >= T, i.e. after the window, so it arrives in time.
/// Throws ConfigError if several ranks run with lookahead <= 0.
RunResult run(Engine& engine, const RunOptions& options);

}  // namespace llmsim::des
