// SPDX-License-Identifier: MIT
// In-process transport: shared mailboxes and a cancellable barrier between logical-rank threads.
#include "llmsim/des/local_transport.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

namespace llmsim::des {

namespace {

/// A reusable barrier that can be cancelled when a rank fails; waiters then throw instead of blocking forever.
class CancellableBarrier {
 public:
  explicit CancellableBarrier(int count) : count_(count) {}
  void arrive_and_wait() {
    std::unique_lock lock(mutex_);
    const std::uint64_t generation = generation_;
    if (++arrived_ == count_) {
      arrived_ = 0;
      ++generation_;
      cv_.notify_all();
    } else {
      cv_.wait(lock, [&] { return generation_ != generation || cancelled_; });
    }
    if (cancelled_) throw PeerRankFailed();
  }
  void cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int count_;
  int arrived_ = 0;
  std::uint64_t generation_ = 0;
  bool cancelled_ = false;
};

struct Hub {
  explicit Hub(int n) : size(n), barrier(n), mail(static_cast<std::size_t>(n * n)), values(static_cast<std::size_t>(n)) {}
  int size;
  CancellableBarrier barrier;
  std::vector<Bytes> mail;  // mail[from * size + to]
  std::vector<SimTime> values;
};

class LocalTransport final : public Transport {
 public:
  LocalTransport(Hub& hub, int rank) : hub_(hub), rank_(rank) {}
  int rank() const override { return rank_; }
  int size() const override { return hub_.size; }

  std::vector<Bytes> exchange(const std::vector<Bytes>& out) override {
    for (int to = 0; to < hub_.size; ++to) slot(rank_, to) = out[static_cast<std::size_t>(to)];
    hub_.barrier.arrive_and_wait();
    std::vector<Bytes> in(static_cast<std::size_t>(hub_.size));
    for (int from = 0; from < hub_.size; ++from) in[static_cast<std::size_t>(from)] = slot(from, rank_);
    hub_.barrier.arrive_and_wait();  // nobody overwrites a mailbox before every rank has read it
    return in;
  }

  SimTime min_reduce(SimTime local) override {
    hub_.values[static_cast<std::size_t>(rank_)] = local;
    hub_.barrier.arrive_and_wait();
    const SimTime result = *std::min_element(hub_.values.begin(), hub_.values.end());
    hub_.barrier.arrive_and_wait();
    return result;
  }

  std::vector<Bytes> gather(const Bytes& mine) override {
    std::vector<Bytes> out(static_cast<std::size_t>(hub_.size));
    out[0] = mine;
    std::vector<Bytes> in = exchange(out);
    return rank_ == 0 ? in : std::vector<Bytes>{};
  }

 private:
  Bytes& slot(int from, int to) { return hub_.mail[static_cast<std::size_t>(from * hub_.size + to)]; }

  Hub& hub_;
  int rank_;
};

}  // namespace

void run_local_ranks(int num_ranks, const std::function<void(Transport&)>& body) {
  Hub hub(num_ranks);
  std::mutex error_mutex;
  std::exception_ptr first_error;
  std::vector<std::thread> threads;
  try {
    for (int r = 0; r < num_ranks; ++r) {
      threads.emplace_back([&, r] {
        LocalTransport transport(hub, r);
        try {
          body(transport);
        } catch (...) {
          std::lock_guard lock(error_mutex);
          if (!first_error) first_error = std::current_exception();
          hub.barrier.cancel();
        }
      });
    }
  } catch (const std::system_error& e) {  // no more threads: release the started ones, then report
    hub.barrier.cancel();
    for (std::thread& t : threads) t.join();
    throw std::runtime_error("cannot start " + std::to_string(num_ranks) + " logical-rank threads (" + e.what() + ")");
  }
  for (std::thread& t : threads) t.join();
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace llmsim::des
