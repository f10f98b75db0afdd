// SPDX-License-Identifier: MIT
// distribute_work: a rank-0 dispatcher (point-to-point requests and assignments) plus a worker loop per rank.
#include "llmsim/mpi/work_distribution.hpp"

#include "comm_transport.hpp"
#include "llmsim/mpi/mpi_transport.hpp"

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

/// Reports the previous item (or -1) to rank 0 and returns the next one (-1: stop).
std::int64_t ask_for_work(std::int64_t finished, double seconds) {
  const std::int64_t msg[2] = {finished, static_cast<std::int64_t>(seconds * 1e6)};
  check(MPI_Send(msg, 2, MPI_INT64_T, 0, kTagRequest, MPI_COMM_WORLD), "Send");
  std::int64_t item = -1;
  check(MPI_Recv(&item, 1, MPI_INT64_T, 0, kTagAssign, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "Recv");
  return item;
}

void run_worker(const WorkFn& work) {
  std::int64_t finished = -1;
  double seconds = 0;
  for (;;) {
    const std::int64_t item = ask_for_work(finished, seconds);
    if (item < 0) return;
    seconds = work(static_cast<std::size_t>(item));
    finished = item;
  }
}

void run_group_member(MPI_Comm group, const GroupWorkFn& work) {
  int group_rank = 0;
  MPI_Comm_rank(group, &group_rank);
  const std::unique_ptr<des::Transport> transport = make_comm_transport(group);
  std::int64_t finished = -1;
  double seconds = 0;
  for (;;) {
    std::int64_t item = group_rank == 0 ? ask_for_work(finished, seconds) : -1;
    check(MPI_Bcast(&item, 1, MPI_INT64_T, 0, group), "Bcast");
    if (item < 0) return;
    seconds = work(static_cast<std::size_t>(item), *transport);
    finished = item;
  }
}

/// Serves `requesters` remote askers until each got "stop"; with `work`, also runs items in a local thread.
void run_dispatcher(const std::vector<std::size_t>& items, const WorkFn* work, const DoneFn& done, int requesters) {
  Pending pending(items);
  struct LocalDone {
    std::size_t item;
    double seconds;
  };
  std::mutex mutex;
  std::vector<LocalDone> local_done;
  std::exception_ptr local_error;
  std::atomic<bool> local_finished = work == nullptr;
  std::thread local([&] {
    if (work == nullptr) return;
    try {
      while (const std::optional<std::size_t> item = pending.take()) {
        const double seconds = (*work)(*item);
        const std::lock_guard lock(mutex);
        local_done.push_back({*item, seconds});
      }
    } catch (...) {
      local_error = std::current_exception();
    }
    local_finished = true;
  });
  int active = requesters;
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
  if (initialized()) {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  }
  if (ranks == 1) {
    for (const std::size_t item : items) done(item, 0, work(item));
    return;
  }
  if (rank == 0) {
    run_dispatcher(items, &work, done, ranks - 1);
  } else {
    run_worker(work);
  }
  // Requests of a later distribution use the same tags: no rank may send one while rank 0 still serves this one
  // (it would be answered "stop" here and that rank would skip the later distribution).
  check(MPI_Barrier(MPI_COMM_WORLD), "Barrier");
}

void distribute_work_in_groups(const std::vector<std::size_t>& items, int group_size, const GroupWorkFn& work,
                               const DoneFn& done) {
  int rank = 0;
  int ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  const int groups = num_work_groups(ranks, group_size);
  if (groups == 0) throw std::invalid_argument("distribute_work_in_groups: ranks must be 1 + a multiple of the group size");
  MPI_Comm group = MPI_COMM_NULL;
  check(MPI_Comm_split(MPI_COMM_WORLD, rank == 0 ? MPI_UNDEFINED : (rank - 1) / group_size, rank, &group),
        "Comm_split");
  if (rank == 0) {
    run_dispatcher(items, nullptr, done, groups);
  } else {
    run_group_member(group, work);
    MPI_Comm_free(&group);
  }
  check(MPI_Barrier(MPI_COMM_WORLD), "Barrier");  // as in distribute_work
}

}  // namespace llmsim::mpi
