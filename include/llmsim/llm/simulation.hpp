// SPDX-License-Identifier: MIT
// Simulation: one config on one engine per rank — the router on rank 0, replicas spread over ranks.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "llmsim/des/engine.hpp"
#include "llmsim/des/transport.hpp"
#include "llmsim/llm/config.hpp"
#include "llmsim/llm/execution_time.hpp"
#include "llmsim/llm/results.hpp"

namespace llmsim::llm {

class Router;
class Replica;
struct Disaggregation;

/// A snapshot handed to the progress callback (on every rank of a partitioned run, about that rank).
struct Progress {
  SimTime now = 0;
  std::uint64_t events = 0;             ///< processed on this rank
  std::int64_t completed_requests = 0;  ///< by this rank's replicas (all replicas on one process)
  std::int64_t total_requests = 0;
  bool whole_cluster = true;            ///< false on one rank of a partitioned run
};

/// One simulation. Without a transport everything runs here; with one, this object is one rank of a
/// partitioned run (every rank constructs it with the same arguments; replicas are spread by
/// des::partition_entities) and run() runs it through des::run with cluster.routing.latency as the lookahead.
/// Results are identical for any rank count.
class Simulation {
 public:
  /// `requests` must be sorted by arrival with ids = positions (generate_requests guarantees it); `predictors`
  /// holds one predictor per pool of config.cluster, in order. One process turns the specs into request state
  /// and frees them; one rank of a partitioned run keeps them and creates a request's state where it is used.
  /// Throws ConfigError if a multi-rank run has a zero routing latency (no lookahead).
  Simulation(const SimulationConfig& config, std::vector<RequestSpec> requests,
             const std::vector<const ExecutionTimePredictor*>& predictors, des::Transport* transport = nullptr,
             const std::string& partition = "block");
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  /// Runs to completion (or to config.time_limit_s). `progress` is called every `progress_every` events.
  /// Every rank returns; only rank 0's results are complete (others return an empty SimulationResults).
  SimulationResults run(const std::function<void(const Progress&)>& progress = {},
                        std::uint64_t progress_every = 1u << 18);
  /// Rank 0's request rows go to `sink` during run() instead of into SimulationResults::requests (which stays
  /// empty; request_summary is complete), so no process holds every row. Other ranks ignore it.
  void stream_request_rows(RequestRowSink& sink) { sink_ = &sink; }

  /// Requests that never finished although no event was left (a policy could not admit them). Rank 0 only.
  std::int64_t num_stalled_requests() const { return stalled_; }
  /// Requests whose state this rank created: every request on one process; on one rank of a partitioned run,
  /// those its replicas received (and, with prefill and decode pools, on rank 0 those handed over).
  std::size_t num_request_states() const { return requests_.num_states(); }
  /// Wall-clock seconds this rank spent in synchronisation (exchange and reduction) during run().
  double sync_seconds() const { return sync_seconds_; }

 private:
  class LoadView;

  bool owns_replica(int replica) const { return replica_owner_[static_cast<std::size_t>(replica)] == rank_; }
  /// This rank's rows other than the request rows.
  SimulationResults local_results();
  /// Builds the request rows in rounds of consecutive ids, releasing the request store as it goes: each rank the
  /// rows of the requests its replicas hold; rank 0 also a placeholder (replica -1) for every other request and,
  /// on several ranks, receives the others' rows of the round over its placeholders. Rank 0 adds every row to
  /// out.request_summary and passes it to the sink, or else appends it to out.requests. Collective; call once.
  void collect_request_rows(SimulationResults& out);
  /// One round's gather: the other ranks send their rows of `slice` (ids from `first_id`); rank 0 puts each in
  /// place of its placeholder.
  void merge_remote_rows(std::vector<RequestRecord>& slice, std::size_t first_id);
  /// Moves `part`'s rows into `all`.
  static void append(SimulationResults& all, SimulationResults part);
  /// Sorts the rows into their canonical order (independent of the partition) and adds the predictor info;
  /// request rows arrive in id order.
  SimulationResults finish(SimulationResults all);
  /// Requests completed by this rank's replicas.
  std::int64_t count_completed() const;

  SimulationConfig config_;
  std::vector<const ExecutionTimePredictor*> predictors_;
  RequestStore requests_;
  des::Engine engine_;
  des::Transport* transport_;
  int rank_ = 0;
  std::vector<int> replica_owner_;
  std::vector<std::unique_ptr<Replica>> replicas_;  // null where another rank owns the replica
  std::unique_ptr<Disaggregation> disaggregation_;  // prefill and decode pools only
  std::unique_ptr<LoadView> load_view_;
  std::unique_ptr<Router> router_;                 // rank 0 only
  std::vector<std::unique_ptr<des::Entity>> remote_placeholders_;
  RequestRowSink* sink_ = nullptr;
  bool time_limit_reached_ = false;
  std::int64_t stalled_ = 0;
  double sync_seconds_ = 0;
};

}  // namespace llmsim::llm
