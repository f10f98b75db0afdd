// SPDX-License-Identifier: MIT
// PHOLD (Fujimoto 1990), the standard synthetic benchmark of parallel discrete-event engines, on des::Engine and
// des::run: `num_lps` logical processes start with `population` events each; handling an event, an LP sends one
// new event to a random LP (another one with probability `remote_fraction`) `lookahead` + Exp(`mean_delay`) later.
// Each LP draws from its own MT19937 stream and folds every event it handles into a digest, so runs on any number
// of ranks and partitions must give identical digests.
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "llmsim/des/engine.hpp"
#include "llmsim/des/partition.hpp"
#include "llmsim/des/runner.hpp"
#include "llmsim/util/mt19937.hpp"

namespace llmsim::phold {

struct Params {
  int num_lps = 64;
  int population = 4;
  double remote_fraction = 0.5;
  SimTime lookahead = 1'000;     ///< ns; every event is at least this far in the future
  double mean_delay = 10'000;    ///< ns, mean of the exponential part
  SimTime end = 10'000'000;      ///< no event after this time is processed
  std::uint32_t seed = 1;
};

struct Outcome {
  std::vector<std::uint64_t> digests;  ///< per LP (rank 0 only in a partitioned run)
  std::vector<std::uint64_t> counts;   ///< events handled per LP (rank 0 only)
  std::uint64_t events = 0;            ///< events processed by this rank
  double sync_seconds = 0;
};

class Lp final : public des::Entity {
 public:
  Lp(const Params& p, des::EntityId id)
      : p_(p), id_(id), rng_(Mt19937::from_key(std::vector<std::uint32_t>{p.seed, id})) {}

  void start(des::Engine& engine) {
    for (int i = 0; i < p_.population; ++i) engine.schedule(id_, id_, delay(), 0, 0);
  }

  void handle(const des::Event& e, des::Engine& engine) override {
    digest_ = (digest_ ^ static_cast<std::uint64_t>(e.key.time)) * 1099511628211ULL;
    digest_ = (digest_ ^ (static_cast<std::uint64_t>(e.key.src) << 32 | e.key.seq)) * 1099511628211ULL;
    ++count_;
    des::EntityId target = id_;
    if (p_.num_lps > 1 && rng_.random() < p_.remote_fraction) {
      target = static_cast<des::EntityId>(rng_.next_u32() % static_cast<std::uint32_t>(p_.num_lps - 1));
      if (target >= id_) ++target;
    }
    engine.schedule(id_, target, engine.now() + delay(), 0, 0);
  }

  std::uint64_t digest() const { return digest_; }
  std::uint64_t count() const { return count_; }

 private:
  SimTime delay() { return p_.lookahead + static_cast<SimTime>(-p_.mean_delay * std::log(1.0 - rng_.random())); }

  Params p_;
  des::EntityId id_;
  Mt19937 rng_;
  std::uint64_t digest_ = 14695981039346656037ULL;
  std::uint64_t count_ = 0;
};

/// Stands for an LP on another rank; never receives events.
class Remote final : public des::Entity {
 public:
  void handle(const des::Event&, des::Engine&) override {}
};

/// Runs PHOLD alone (transport null) or as one rank of a partitioned run.
inline Outcome run(const Params& p, des::Transport* transport, const std::string& partition = "block") {
  const int ranks = transport ? transport->size() : 1;
  const int rank = transport ? transport->rank() : 0;
  const std::vector<int> owner = des::partition_entities(partition, p.num_lps, ranks);
  des::Engine engine;
  std::vector<std::unique_ptr<des::Entity>> entities;
  std::vector<Lp*> local;
  for (int i = 0; i < p.num_lps; ++i) {
    if (owner[static_cast<std::size_t>(i)] == rank) {
      auto lp = std::make_unique<Lp>(p, static_cast<des::EntityId>(i));
      local.push_back(lp.get());
      entities.push_back(std::move(lp));
    } else {
      entities.push_back(std::make_unique<Remote>());
    }
    engine.add_entity(*entities.back());
  }
  if (ranks > 1) engine.set_partition(owner, rank);
  for (Lp* lp : local) lp->start(engine);
  des::RunOptions options;
  options.transport = transport;
  options.lookahead = p.lookahead;
  options.limit = p.end;
  const des::RunResult r = des::run(engine, options);
  Outcome out;
  out.events = engine.events_processed();
  out.sync_seconds = r.sync_seconds;
  // (lp id, digest, count) triples, gathered on rank 0.
  std::vector<std::uint64_t> mine;
  for (int i = 0; i < p.num_lps; ++i) {
    if (owner[static_cast<std::size_t>(i)] != rank) continue;
    const auto* lp = static_cast<const Lp*>(entities[static_cast<std::size_t>(i)].get());
    mine.insert(mine.end(), {static_cast<std::uint64_t>(i), lp->digest(), lp->count()});
  }
  std::vector<des::Bytes> parts;
  const des::Bytes bytes(reinterpret_cast<const char*>(mine.data()),
                         reinterpret_cast<const char*>(mine.data() + mine.size()));
  if (transport) {
    parts = transport->gather(bytes);
  } else {
    parts.push_back(bytes);
  }
  if (rank != 0) return out;
  out.digests.resize(static_cast<std::size_t>(p.num_lps));
  out.counts.resize(static_cast<std::size_t>(p.num_lps));
  for (const des::Bytes& part : parts) {
    std::vector<std::uint64_t> v(part.size() / sizeof(std::uint64_t));
    std::copy(part.begin(), part.end(), reinterpret_cast<char*>(v.data()));
    for (std::size_t k = 0; k + 2 < v.size(); k += 3) {
      out.digests[v[k]] = v[k + 1];
      out.counts[v[k]] = v[k + 2];
    }
  }
  return out;
}

}  // namespace llmsim::phold
