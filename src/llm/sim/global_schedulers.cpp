// SPDX-License-Identifier: MIT
// Routing policies: round_robin, random and lor (Vidur vidur/scheduler/global_scheduler/*; spec 6), and ours.
#include <algorithm>
#include <list>
#include <unordered_map>

#include "llmsim/llm/block_hash.hpp"
#include "llmsim/llm/global_scheduler.hpp"
#include "llmsim/llm/rng_purposes.hpp"
#include "llmsim/util/error.hpp"
#include "llmsim/util/mt19937.hpp"

namespace llmsim::llm {

namespace {

/// replica = counter % N; the counter persists for the whole run.
class RoundRobinGlobalScheduler final : public GlobalScheduler {
 public:
  std::vector<ReplicaId> schedule(std::span<const RequestId> queue, const ReplicaLoadView& load) override {
    std::vector<ReplicaId> out;
    out.reserve(queue.size());
    for (std::size_t i = 0; i < queue.size(); ++i) {
      out.push_back(static_cast<ReplicaId>(counter_++ % static_cast<std::uint64_t>(load.num_replicas())));
    }
    return out;
  }

 private:
  std::uint64_t counter_ = 0;
};

/// Uniform choice, Vidur's randint(1, N) - 1 = randbelow(N). Deliberate difference: the stream is the router's
/// own (seeded from the simulation seed), not the one the request generator left behind (spec 11 item 31).
class RandomGlobalScheduler final : public GlobalScheduler {
 public:
  RandomGlobalScheduler(std::uint64_t seed, RngPurpose stream) : rng_(make_rng_stream(seed, 0, purpose(stream))) {}
  std::vector<ReplicaId> schedule(std::span<const RequestId> queue, const ReplicaLoadView& load) override {
    std::vector<ReplicaId> out;
    out.reserve(queue.size());
    for (std::size_t i = 0; i < queue.size(); ++i) {
      out.push_back(static_cast<ReplicaId>(rng_.randbelow(static_cast<std::uint64_t>(load.num_replicas()))));
    }
    return out;
  }

 private:
  Mt19937 rng_;
};

/// Each replica's load as the view reports it, by `count` (pending or outstanding requests); policies increment
/// it locally as they route.
std::vector<std::size_t> load_counts(const ReplicaLoadView& load,
                                     std::size_t (ReplicaLoadView::*count)(ReplicaId) const) {
  std::vector<std::size_t> n(static_cast<std::size_t>(load.num_replicas()));
  for (std::size_t r = 0; r < n.size(); ++r) n[r] = (load.*count)(static_cast<ReplicaId>(r));
  return n;
}

/// The least loaded replica, the lowest id on ties.
ReplicaId least_loaded(const std::vector<std::size_t>& counts) {
  return static_cast<ReplicaId>(std::min_element(counts.begin(), counts.end()) - counts.begin());
}

/// The least loaded replica by `count`, incremented locally per routed request, lowest id on ties. `lor` counts
/// pending requests, as Vidur defines least outstanding requests (spec 6; the queue-length-only signal is Vidur's,
/// kept for parity); `least_outstanding` counts requests routed and not completed, which also sees the requests
/// a replica is running (a faster replica completes them sooner and so receives more).
class LeastLoadedGlobalScheduler final : public GlobalScheduler {
 public:
  using Count = std::size_t (ReplicaLoadView::*)(ReplicaId) const;
  explicit LeastLoadedGlobalScheduler(Count count) : count_(count) {}
  bool routes_on_outstanding_requests() const override { return count_ == &ReplicaLoadView::outstanding_requests; }
  std::vector<ReplicaId> schedule(std::span<const RequestId> queue, const ReplicaLoadView& load) override {
    std::vector<std::size_t> counts = load_counts(load, count_);
    std::vector<ReplicaId> out;
    out.reserve(queue.size());
    for (std::size_t i = 0; i < queue.size(); ++i) {
      const ReplicaId r = least_loaded(counts);
      ++counts[static_cast<std::size_t>(r)];
      out.push_back(r);
    }
    return out;
  }

 private:
  Count count_;
};

/// Most free KV blocks: the replica with the most blocks no request holds (lowest id on ties); each routed request
/// takes its prompt's blocks from that count locally. Suits decode replicas, whose memory is what they run out of.
class MostFreeBlocksGlobalScheduler final : public GlobalScheduler {
 public:
  explicit MostFreeBlocksGlobalScheduler(const RoutingContext& context) : context_(context) {}
  bool routes_on_free_blocks() const override { return true; }
  std::vector<ReplicaId> schedule(std::span<const RequestId> queue, const ReplicaLoadView& load) override {
    std::vector<std::int64_t> free(static_cast<std::size_t>(load.num_replicas()));
    for (std::size_t r = 0; r < free.size(); ++r) free[r] = load.free_kv_blocks(static_cast<ReplicaId>(r));
    std::vector<ReplicaId> out;
    out.reserve(queue.size());
    for (RequestId id : queue) {
      const auto best = static_cast<std::size_t>(std::max_element(free.begin(), free.end()) - free.begin());
      const std::int64_t tokens = context_.requests->prompt_tokens(static_cast<std::size_t>(id));
      free[best] -= (tokens + context_.block_size - 1) / context_.block_size;
      out.push_back(static_cast<ReplicaId>(best));
    }
    return out;
  }

 private:
  RoutingContext context_;
};

/// Session affinity: every request of a session (stream key) goes where its session's first request went, which
/// went to the replica with the fewest outstanding requests; requests of no session go there too.
class SessionAffinityGlobalScheduler final : public GlobalScheduler {
 public:
  explicit SessionAffinityGlobalScheduler(const RequestStore& requests) : requests_(requests) {}
  bool routes_on_outstanding_requests() const override { return true; }
  std::vector<ReplicaId> schedule(std::span<const RequestId> queue, const ReplicaLoadView& load) override {
    std::vector<std::size_t> outstanding = load_counts(load, &ReplicaLoadView::outstanding_requests);
    std::vector<ReplicaId> out;
    out.reserve(queue.size());
    for (RequestId id : queue) {
      const std::uint64_t session = requests_.content(static_cast<std::size_t>(id)).stream_key;
      ReplicaId r = -1;
      if (session != 0) {
        const auto [it, first] = home_.try_emplace(session, -1);
        if (first) it->second = least_loaded(outstanding);
        r = it->second;
      } else {
        r = least_loaded(outstanding);
      }
      ++outstanding[static_cast<std::size_t>(r)];
      out.push_back(r);
    }
    return out;
  }

 private:
  const RequestStore& requests_;
  std::unordered_map<std::uint64_t, ReplicaId> home_;
};

/// Prefix-aware: the router remembers the prompt blocks it sent to each replica (an LRU index as large as a
/// replica's KV cache; it does not see the replicas' evictions) and picks the replica with the highest
/// cache_weight x (leading prompt blocks it holds / prompt blocks) - load_weight x outstanding / (1 + max
/// outstanding); ties go to the lowest id.
class PrefixAwareGlobalScheduler final : public GlobalScheduler {
 public:
  PrefixAwareGlobalScheduler(const GlobalSchedulerConfig& config, const RoutingContext& context)
      : config_(config), context_(context) {}
  bool routes_on_outstanding_requests() const override { return true; }
  std::vector<ReplicaId> schedule(std::span<const RequestId> queue, const ReplicaLoadView& load) override {
    if (index_.empty()) index_.resize(static_cast<std::size_t>(load.num_replicas()));
    std::vector<std::size_t> outstanding = load_counts(load, &ReplicaLoadView::outstanding_requests);
    std::vector<ReplicaId> out;
    out.reserve(queue.size());
    for (RequestId id : queue) {
      const auto at = static_cast<std::size_t>(id);
      std::vector<std::uint64_t> blocks;
      extend_block_hashes(blocks, context_.requests->content(at), id, context_.requests->prompt_tokens(at),
                          context_.block_size);
      const double most = static_cast<double>(*std::max_element(outstanding.begin(), outstanding.end()));
      ReplicaId best = 0;
      double best_score = -1e300;
      for (std::size_t r = 0; r < outstanding.size(); ++r) {
        const double hit = blocks.empty() ? 0.0
                                          : static_cast<double>(index_[r].leading_hits(blocks)) /
                                                static_cast<double>(blocks.size());
        const double score = config_.cache_weight * hit -
                             config_.load_weight * static_cast<double>(outstanding[r]) / (1.0 + most);
        if (score > best_score) {
          best_score = score;
          best = static_cast<ReplicaId>(r);
        }
      }
      index_[static_cast<std::size_t>(best)].insert(blocks, context_.replica_blocks[static_cast<std::size_t>(best)]);
      ++outstanding[static_cast<std::size_t>(best)];
      out.push_back(best);
    }
    return out;
  }

 private:
  /// Block hashes in least-recently-routed order.
  class LruIndex {
   public:
    std::size_t leading_hits(const std::vector<std::uint64_t>& blocks) const {
      std::size_t n = 0;
      while (n < blocks.size() && where_.contains(blocks[n])) ++n;
      return n;
    }
    void insert(const std::vector<std::uint64_t>& blocks, std::int64_t capacity) {
      for (std::uint64_t b : blocks) {
        const auto it = where_.find(b);
        if (it != where_.end()) order_.erase(it->second);
        order_.push_back(b);
        where_[b] = std::prev(order_.end());
      }
      while (static_cast<std::int64_t>(order_.size()) > capacity) {
        where_.erase(order_.front());
        order_.pop_front();
      }
    }

   private:
    std::list<std::uint64_t> order_;
    std::unordered_map<std::uint64_t, std::list<std::uint64_t>::iterator> where_;
  };

  GlobalSchedulerConfig config_;
  RoutingContext context_;
  std::vector<LruIndex> index_;
};

}  // namespace

const std::vector<GlobalSchedulerPlugin>& global_schedulers() {
  using Made = std::unique_ptr<GlobalScheduler>;
  static const std::vector<GlobalSchedulerPlugin> all{
      {{"round_robin", {}, "requests to replicas in turn"},
       [](const GlobalSchedulerConfig&, const RoutingContext&) -> Made {
         return std::make_unique<RoundRobinGlobalScheduler>();
       }},
      {{"random", {}, "a uniformly random replica per request (its own stream of the seed)"},
       [](const GlobalSchedulerConfig&, const RoutingContext& c) -> Made {
         return std::make_unique<RandomGlobalScheduler>(c.seed, c.random_stream);
       }},
      {{"lor", {}, "least outstanding requests as Vidur defines it: the replica with the fewest pending requests"},
       [](const GlobalSchedulerConfig&, const RoutingContext&) -> Made {
         return std::make_unique<LeastLoadedGlobalScheduler>(&ReplicaLoadView::pending_requests);
       }},
      {{"least_outstanding", {}, "the replica with the fewest requests routed to it and not completed"},
       [](const GlobalSchedulerConfig&, const RoutingContext&) -> Made {
         return std::make_unique<LeastLoadedGlobalScheduler>(&ReplicaLoadView::outstanding_requests);
       }},
      {{"most_free_blocks", {},
        "the replica with the most free KV blocks (e.g. cluster.decode_scheduler for decode replicas)"},
       [](const GlobalSchedulerConfig&, const RoutingContext& c) -> Made {
         return std::make_unique<MostFreeBlocksGlobalScheduler>(c);
       }},
      {{"session_affinity", {},
        "every turn of a session to its first turn's replica (the one with the fewest outstanding requests)"},
       [](const GlobalSchedulerConfig&, const RoutingContext& c) -> Made {
         return std::make_unique<SessionAffinityGlobalScheduler>(*c.requests);
       }},
      {{"prefix_aware", {"cache_weight", "load_weight"},
        "the replica with the best mix of expected prefix-cache hit (router-side index) and few outstanding "
        "requests"},
       [](const GlobalSchedulerConfig& g, const RoutingContext& c) -> Made {
         return std::make_unique<PrefixAwareGlobalScheduler>(g, c);
       }},
  };
  return all;
}

std::unique_ptr<GlobalScheduler> make_global_scheduler(const GlobalSchedulerConfig& config,
                                                       const RoutingContext& context) {
  return find_plugin(global_schedulers(), config.name, "cluster.global_scheduler.name").make(config, context);
}

}  // namespace llmsim::llm
