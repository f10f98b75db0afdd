// SPDX-License-Identifier: MIT
// The sequential loop and the windowed conservative loop.
#include "llmsim/des/runner.hpp"

#include <algorithm>
#include <chrono>
#include <string>

#include "event_codec.hpp"
#include "llmsim/util/error.hpp"

namespace llmsim::des {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

RunResult run_sequential(Engine& engine, const RunOptions& o) {
  // In slices of one timestamp, so progress can be reported; slicing does not change the event order.
  std::uint64_t next_report = o.progress_every;
  while (!engine.empty() && engine.next_time() <= o.limit) {
    engine.run(engine.next_time());
    if (o.progress && engine.events_processed() >= next_report) {
      next_report = engine.events_processed() + o.progress_every;
      o.progress(RunStatus{engine.now(), engine.events_processed()});
    }
  }
  return RunResult{!engine.empty(), 0.0};
}

void exchange_events(Engine& engine, Transport& transport) {
  std::vector<std::vector<Event>> outbox = engine.take_outbox();
  std::vector<Bytes> out(static_cast<std::size_t>(transport.size()));
  for (std::size_t r = 0; r < outbox.size(); ++r) {
    if (!outbox[r].empty()) out[r] = detail::encode_events(outbox[r]);
  }
  for (const Bytes& bytes : transport.exchange(out)) {
    for (const Event& e : detail::decode_events(bytes)) engine.insert_remote(e);
  }
}

RunResult run_windows(Engine& engine, Transport& transport, const RunOptions& o) {
  RunResult result;
  std::uint64_t next_report = o.progress_every;
  for (;;) {
    const auto sync_start = Clock::now();
    exchange_events(engine, transport);
    const SimTime next = transport.min_reduce(engine.next_time());
    result.sync_seconds += seconds_since(sync_start);
    if (next == kSimTimeMax || next > o.limit) {
      result.limit_reached = next != kSimTimeMax;
      return result;
    }
    engine.run(std::min(next + o.lookahead - 1, o.limit));
    if (o.progress && engine.events_processed() >= next_report) {
      next_report = engine.events_processed() + o.progress_every;
      o.progress(RunStatus{next, engine.events_processed()});
    }
  }
}

}  // namespace

RunResult run(Engine& engine, const RunOptions& options) {
  if (!options.transport || options.transport->size() == 1) return run_sequential(engine, options);
  if (options.lookahead <= 0) {
    throw ConfigError("a run on " + std::to_string(options.transport->size()) +
                      " ranks needs a lookahead > 0 (the smallest delay of a cross-rank event)");
  }
  return run_windows(engine, *options.transport, options);
}

}  // namespace llmsim::des
