// SPDX-License-Identifier: MIT
// distribute_work: a rank-0 dispatcher (point-to-point requests and assignments) plus a worker loop per rank.
#include "llmsim/mpi/work_distribution.hpp"

#include <mpi.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

namespace llmsim::mpi {

namespace {

constexpr int kTagRequest = 7101;  // worker -> 0: {finished item or -1, wall microseconds}
constexpr int kTagAssign = 7102;   // 0 -> worker: item or -1 (stop)

void check(int code, const char* call) {
  if (code != MPI_SUCCESS) throw std::runtime_error(std::string("MPI call ") + call + " failed");
}

/// Items not yet handed out (rank 0), shared by the dispatcher and rank 0's own worker thread.
class Pending {
 public:
  explicit Pending(const std::vector<std::size_t>& items) : items_(items) {}
  std::optional<std::size_t> take() {
    const std::lock_guard lock(mutex_);
    if (next_ == items_.size()) return std::nullopt;
    return items_[next_++];
  }

 private:
  std::mutex mutex_;
  const std::vector<std::size_t>& items_;
  std::size_t next_ = 0;
};

void run_worker(const WorkFn& work) {
  std::int64_t msg[2] = {-1, 0};
  for (;;) {
    check(MPI_Send(msg, 2, MPI_INT64_T, 0, kTagRequest, MPI_COMM_WORLD), "Send");
    std::int64_t item = -1;
    check(MPI_Recv(&item, 1, MPI_INT64_T, 0, kTagAssign, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "Recv");
    if (item < 0) return;
    const double seconds = work(static_cast<std::size_t>(item));
    msg[0] = item;
    msg[1] = static_cast<std::int64_t>(seconds * 1e6);
  }
}

void run_dispatcher(const std::vector<std::size_t>& items, const WorkFn& work, const DoneFn& done, int ranks) {
  Pending pending(items);
  struct LocalDone {
    std::size_t item;
    double seconds;
  };
  std::mutex mutex;
  std::vector<LocalDone> local_done;
  std::exception_ptr local_error;
  std::atomic<bool> local_finished = false;
  std::thread local([&] {
    try {
      while (const std::optional<std::size_t> item = pending.take()) {
        const double seconds = work(*item);
        const std::lock_guard lock(mutex);
        local_done.push_back({*item, seconds});
      }
    } catch (...) {
      local_error = std::current_exception();
    }
    local_finished = true;
  });
  int active = ranks - 1;
  while (active > 0 || !local_finished) {
    {
      std::vector<LocalDone> finished;
      {
        const std::lock_guard lock(mutex);
        finished.swap(local_done);
      }
      for (const LocalDone& d : finished) done(d.item, 0, d.seconds);
    }
    if (local_finished && local_error) break;
    int flag = 0;
    MPI_Status status;
    check(MPI_Iprobe(MPI_ANY_SOURCE, kTagRequest, MPI_COMM_WORLD, &flag, &status), "Iprobe");
    if (!flag) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    std::int64_t msg[2];
    check(MPI_Recv(msg, 2, MPI_INT64_T, status.MPI_SOURCE, kTagRequest, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "Recv");
    if (msg[0] >= 0) done(static_cast<std::size_t>(msg[0]), status.MPI_SOURCE, static_cast<double>(msg[1]) * 1e-6);
    const std::optional<std::size_t> next = pending.take();
    const std::int64_t item = next ? static_cast<std::int64_t>(*next) : -1;
    check(MPI_Send(&item, 1, MPI_INT64_T, status.MPI_SOURCE, kTagAssign, MPI_COMM_WORLD), "Send");
    if (!next) --active;
  }
  local.join();
  for (const LocalDone& d : local_done) done(d.item, 0, d.seconds);
  if (local_error) std::rethrow_exception(local_error);
}

}  // namespace

void distribute_work(const std::vector<std::size_t>& items, const WorkFn& work, const DoneFn& done) {
  int rank = 0;
  int ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  if (ranks == 1) {
    for (const std::size_t item : items) done(item, 0, work(item));
  } else if (rank == 0) {
    run_dispatcher(items, work, done, ranks);
  } else {
    run_worker(work);
  }
}

}  // namespace llmsim::mpi
