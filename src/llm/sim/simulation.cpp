// SPDX-License-Identifier: MIT
// Simulation assembly (router and replicas as des entities), the run through des::run, result gathering.
#include "llmsim/llm/simulation.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>

#include "llmsim/llm/memory_estimate.hpp"
#include "llmsim/llm/replica.hpp"
#include "llmsim/llm/result_stats.hpp"
#include "llmsim/llm/router.hpp"
#include "llmsim/util/assert.hpp"
#include "llmsim/util/error.hpp"
#include "llmsim/des/partition.hpp"
#include "llmsim/des/runner.hpp"
#include "result_codec.hpp"

namespace llmsim::llm {

namespace {

constexpr des::EntityId kRouterEntity = 0;  // replicas are entities 1..N on every rank

/// Stands for an entity that lives on another rank; the engine never delivers events to it.
class RemotePlaceholder final : public des::Entity {
 public:
  void handle(const des::Event&, des::Engine&) override {
    LLMSIM_ASSERT(false, "event delivered to an entity owned by another rank");
  }
};

// std::sort, skipped when the rows are already in order (one replica's batches always are). Only for keys that no
// two rows share, so that skipping cannot change the order.
template <typename Rows, typename Less>
void sort_unique_keys(Rows& rows, Less less) {
  if (!std::is_sorted(rows.begin(), rows.end(), less)) std::sort(rows.begin(), rows.end(), less);
}

}  // namespace

/// In one process with zero routing latency the router sees the replicas' live pending-queue lengths,
/// as Vidur's LOR does.
class Simulation::LoadView final : public ReplicaLoadView {
 public:
  explicit LoadView(const std::vector<std::unique_ptr<Replica>>& replicas) : replicas_(replicas) {}
  int num_replicas() const override { return static_cast<int>(replicas_.size()); }
  std::size_t pending_requests(ReplicaId r) const override {
    return replicas_[static_cast<std::size_t>(r)]->pending_requests();
  }
  std::size_t outstanding_requests(ReplicaId r) const override {
    return replicas_[static_cast<std::size_t>(r)]->outstanding_requests();
  }
  std::int64_t free_kv_blocks(ReplicaId r) const override {
    return replicas_[static_cast<std::size_t>(r)]->scheduler().num_free_blocks();
  }

 private:
  const std::vector<std::unique_ptr<Replica>>& replicas_;
};

Simulation::Simulation(const SimulationConfig& config, std::vector<RequestSpec> requests,
                       const std::vector<const ExecutionTimePredictor*>& predictors, des::Transport* transport,
                       const std::string& partition)
    : config_(config), predictors_(predictors), transport_(transport), rank_(transport ? transport->rank() : 0) {
  LLMSIM_ASSERT(predictors_.size() == config.cluster.pools.size(), "one predictor per pool");
  const int ranks = transport ? transport->size() : 1;
  const ClusterConfig& cluster = config.cluster;
  const SimTime latency = cluster.routing.latency;
  if (ranks > 1 && latency <= 0) {
    throw ConfigError("cluster.routing.latency: must be > 0 to run on " + std::to_string(ranks) +
                      " ranks (it is the lookahead of the conservative synchronisation), e.g. 50us");
  }
  if (ranks > 1 && cluster.disaggregated() && cluster.kv_transfer.latency <= 0) {
    throw ConfigError("cluster.kv_transfer.latency: must be > 0 to run on " + std::to_string(ranks) +
                      " ranks (a KV transfer is a message between replicas; the smallest delay is the lookahead), "
                      "e.g. 10us");
  }
  // Each replica's share of the run's batch bound; a replica given more simply grows its rows.
  const double batch_rows =
      config.metrics.store_batch_metrics ? batch_bound(config, requests) / cluster.num_replicas() + 1 : 0;
  if (ranks > 1) {
    requests_ = RequestStore(std::move(requests));
  } else {
    for (std::size_t i = 0; i < requests.size(); ++i) requests_.emplace_back(static_cast<RequestId>(i), requests[i]);
    std::vector<RequestSpec>().swap(requests);
  }
  const int n = cluster.num_replicas();
  replica_owner_ = des::partition_entities(partition, n, ranks);
  const std::int64_t max_tokens = config.request_generator.effective_max_tokens();
  const std::vector<int> pool_of = cluster.replica_pools();
  std::vector<ReplicaPlan> plans;
  for (const PoolConfig& pool : cluster.pools) plans.push_back(plan_replica(pool.replica, pool.replica_scheduler, max_tokens));
  if (cluster.disaggregated()) {
    disaggregation_ = std::make_unique<Disaggregation>(Disaggregation{
        KvTransferModel(cluster), pool_of, {}, cluster.routing.control_delay()});
  }
  // Arrivals go to every replica, or to the prefill replicas; handed-over requests to the decode replicas.
  Router::Route arrivals;
  Router::Route decode;
  RoutingContext arrival_context{config.seed, &requests_, plans.front().block_size, {}};
  RoutingContext decode_context{config.seed, &requests_, plans.back().block_size, {}, RngPurpose::random_decode_router};
  std::vector<std::int64_t> replica_blocks;
  for (int r = 0; r < n; ++r) {
    const auto p = static_cast<std::size_t>(pool_of[static_cast<std::size_t>(r)]);
    replica_blocks.push_back(plans[p].num_blocks);
    const bool decodes = cluster.pools[p].role == PoolRole::decode;
    (decodes ? decode : arrivals).replicas.push_back(r);
    (decodes ? decode_context : arrival_context).replica_blocks.push_back(plans[p].num_blocks);
    replicas_.push_back(owns_replica(r) ? std::make_unique<Replica>(r, cluster.pools[p], static_cast<int>(p), max_tokens,
                                                                    requests_, *predictors_[p], config.metrics,
                                                                    disaggregation_.get())
                                        : nullptr);
    if (replicas_.back()) replicas_.back()->reserve_batch_rows(static_cast<std::size_t>(batch_rows));
  }
  // Every rank builds the routing policies: its replicas must know which load they read; rank 0's router runs them.
  arrivals.policy = make_global_scheduler(cluster.global_scheduler, arrival_context);
  LoadReport report{arrivals.policy->routes_on_outstanding_requests(), arrivals.policy->routes_on_free_blocks()};
  if (disaggregation_) {
    decode.policy = make_global_scheduler(cluster.decode_scheduler, decode_context);
    report.outstanding = report.outstanding || decode.policy->routes_on_outstanding_requests();
    report.free_blocks = report.free_blocks || decode.policy->routes_on_free_blocks();
  }
  if (rank_ == 0) {
    if (cluster.routing.synchronous()) load_view_ = std::make_unique<LoadView>(replicas_);
    router_ = std::make_unique<Router>(requests_, std::move(arrivals), std::move(decode), load_view_.get(),
                                       replica_blocks);
  }
  auto add = [&](des::Entity* real) {
    if (real) return engine_.add_entity(*real);
    remote_placeholders_.push_back(std::make_unique<RemotePlaceholder>());
    return engine_.add_entity(*remote_placeholders_.back());
  };
  std::vector<int> owner{0};
  add(router_.get());
  std::vector<des::EntityId> replica_ids;
  for (int r = 0; r < n; ++r) {
    replica_ids.push_back(add(replicas_[static_cast<std::size_t>(r)].get()));
    if (replicas_[static_cast<std::size_t>(r)]) {
      replicas_[static_cast<std::size_t>(r)]->attach(replica_ids.back(), kRouterEntity,
                                                     cluster.routing.notice_delay(),
                                                     report);
    }
    owner.push_back(replica_owner_[static_cast<std::size_t>(r)]);
  }
  if (disaggregation_) disaggregation_->replica_entities = replica_ids;
  if (router_) router_->attach(kRouterEntity, std::move(replica_ids), config.cluster.routing);
  if (ranks > 1) engine_.set_partition(std::move(owner), rank_);
}

Simulation::~Simulation() = default;

SimulationResults Simulation::run(const std::function<void(const Progress&)>& progress,
                                  std::uint64_t progress_every) {
  if (router_) router_->start(engine_);
  const bool partitioned = transport_ && transport_->size() > 1;
  des::RunOptions options;
  options.transport = transport_;
  options.lookahead = config_.cluster.min_message_delay();
  options.limit = config_.time_limit_s > 0 ? seconds_to_simtime(config_.time_limit_s) : kSimTimeMax;
  options.progress_every = progress_every;
  if (progress) {
    options.progress = [&](const des::RunStatus& s) {
      progress(Progress{s.now, s.events, count_completed(), std::ssize(requests_), !partitioned});
    };
  }
  const des::RunResult outcome = des::run(engine_, options);
  time_limit_reached_ = outcome.limit_reached;
  sync_seconds_ = outcome.sync_seconds;
  SimulationResults mine = local_results();
  if (!partitioned) {  // one rank: no encoding, no copy
    collect_request_rows(mine);
    return finish(std::move(mine));
  }
  const auto start = std::chrono::steady_clock::now();
  std::vector<des::Bytes> parts = transport_->gather(detail::encode_results(mine));
  sync_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  mine = {};
  SimulationResults all;
  for (des::Bytes& bytes : parts) {
    append(all, detail::decode_results(bytes));
    bytes = {};
  }
  collect_request_rows(all);
  if (rank_ != 0) return {};
  return finish(std::move(all));
}

void Simulation::collect_request_rows(SimulationResults& out) {
  constexpr std::size_t kSlice = 65536;  // request ids per round: 14 MiB of rows
  const std::size_t n = requests_.size();
  std::vector<ReplicaId> holder(n, -1);
  for (const auto& replica : replicas_) {
    if (replica) replica->claim_requests(holder);
  }
  const bool root = rank_ == 0;
  if (root && sink_ == nullptr) out.requests.reserve(n);
  std::vector<RequestRecord> slice;
  std::optional<SimTime> previous_arrival;
  for (std::size_t first = 0; first < n; first += kSlice) {
    slice.clear();
    for (std::size_t id = first; id < std::min(n, first + kSlice); ++id) {
      if (holder[id] >= 0) {
        slice.push_back(request_record(requests_[id], holder[id], previous_arrival));
      } else if (root) {
        slice.push_back(request_record(requests_.holds(id) ? requests_[id] : requests_.unstarted(id), -1,
                                       previous_arrival));
      }
      previous_arrival = requests_.arrived_at(id);
      requests_.release(id);
    }
    if (transport_ && transport_->size() > 1) merge_remote_rows(slice, first);
    if (!root) continue;
    for (const RequestRecord& row : slice) out.request_summary.add(row);
    if (sink_ != nullptr) {
      sink_->write(slice);
    } else {
      out.requests.insert(out.requests.end(), slice.begin(), slice.end());
    }
  }
}

void Simulation::merge_remote_rows(std::vector<RequestRecord>& slice, std::size_t first_id) {
  const auto start = std::chrono::steady_clock::now();
  des::Bytes mine;
  if (rank_ != 0) {
    mine.resize(slice.size() * sizeof(RequestRecord));
    if (!slice.empty()) std::memcpy(mine.data(), slice.data(), mine.size());
  }
  const std::vector<des::Bytes> parts = transport_->gather(mine);
  sync_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const des::Bytes& part : parts) {
    for (std::size_t at = 0; at < part.size(); at += sizeof(RequestRecord)) {
      RequestRecord row;
      std::memcpy(&row, part.data() + at, sizeof row);
      const auto index = static_cast<std::size_t>(row.request_id) - first_id;
      LLMSIM_ASSERT(index < slice.size() && slice[index].replica_id < 0, "a request reported twice");
      slice[index] = row;
    }
  }
}

SimulationResults Simulation::local_results() {
  SimulationResults out;
  // The tables are sized once: growing them by doubling would add up to their size again to the peak.
  ReplicaMetrics::StoredRows rows;
  for (const auto& replica : replicas_) {
    if (!replica) continue;
    const ReplicaMetrics::StoredRows mine = replica->stored_rows();
    rows.batches += mine.batches;
    rows.tokens += mine.tokens;
    rows.time_series += mine.time_series;
  }
  out.batches.reserve(rows.batches);
  out.tokens.reserve(rows.tokens);
  out.time_series.reserve(rows.time_series);
  for (std::size_t r = 0; r < replicas_.size(); ++r) {
    if (!replicas_[r]) continue;
    replicas_[r]->finish(out);
  }
  out.makespan = engine_.now();
  out.num_events = engine_.events_processed();
  out.time_limit_reached = time_limit_reached_;
  return out;
}

void Simulation::append(SimulationResults& all, SimulationResults part) {
  auto move_all = [](auto& to, auto& from) { std::move(from.begin(), from.end(), std::back_inserter(to)); };
  move_all(all.batches, part.batches);
  move_all(all.replica_stages, part.replica_stages);
  move_all(all.replicas, part.replicas);
  move_all(all.batch_stages, part.batch_stages);
  move_all(all.operator_times, part.operator_times);
  move_all(all.tokens, part.tokens);
  move_all(all.time_series, part.time_series);
  move_all(all.prefix_cache, part.prefix_cache);
  move_all(all.cached_tokens, part.cached_tokens);
  move_all(all.kv_transfers, part.kv_transfers);
  all.makespan = std::max(all.makespan, part.makespan);
  all.num_events += part.num_events;
  all.time_limit_reached = all.time_limit_reached || part.time_limit_reached;
}

SimulationResults Simulation::finish(SimulationResults all) {
  auto by = [](auto key) { return [key](const auto& x, const auto& y) { return key(x) < key(y); }; };
  LLMSIM_ASSERT(all.request_summary.num_requests == std::ssize(requests_), "a request row missing");
  sort_unique_keys(all.batches, by([](const BatchRecord& b) { return std::pair(b.replica_id, b.batch_index); }));
  std::sort(all.replica_stages.begin(), all.replica_stages.end(),
            by([](const ReplicaStageRecord& s) { return std::pair(s.replica_id, s.stage_id); }));
  std::sort(all.replicas.begin(), all.replicas.end(), by([](const ReplicaRecord& r) { return r.replica_id; }));
  sort_unique_keys(all.batch_stages, by([](const BatchStageRecord& s) {
                     return std::tuple(s.replica_id, s.batch_index, s.stage_id);
                   }));
  std::sort(all.operator_times.begin(), all.operator_times.end(), by([](const OperatorTimeRecord& t) {
              return std::tuple(t.replica_id, t.operator_id, t.source_id);
            }));
  std::sort(all.tokens.begin(), all.tokens.end(),
            by([](const TokenRecord& t) { return std::pair(t.request_id, t.token_index); }));
  std::sort(all.time_series.begin(), all.time_series.end(),
            by([](const TimeSeriesRecord& s) { return std::pair(s.replica_id, s.time); }));
  std::sort(all.prefix_cache.begin(), all.prefix_cache.end(),
            by([](const PrefixCacheRecord& p) { return p.replica_id; }));
  std::sort(all.cached_tokens.begin(), all.cached_tokens.end(),
            by([](const CachedTokensRecord& c) { return c.request_id; }));
  std::sort(all.kv_transfers.begin(), all.kv_transfers.end(),
            by([](const KvTransferRecord& k) { return k.request_id; }));
  all.pools = summarise_pools(config_.cluster, all);
  for (std::size_t p = 0; p < all.pools.size(); ++p) all.pools[p].operators = predictors_[p]->describe();
  if (!all.time_limit_reached) stalled_ = all.request_summary.num_requests - all.request_summary.num_completed;
  return all;
}

std::int64_t Simulation::count_completed() const {
  std::int64_t completed = 0;
  for (const auto& replica : replicas_) completed += replica ? replica->completed_requests() : 0;
  return completed;
}

}  // namespace llmsim::llm
