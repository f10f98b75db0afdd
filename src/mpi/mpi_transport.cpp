// SPDX-License-Identifier: MIT
// MPI collectives behind des::Transport; byte counts are int (MPI-3 counts), so one message must stay < 2 GiB.
#include "llmsim/mpi/mpi_transport.hpp"

#include "comm_transport.hpp"

#include <mpi.h>

#include <cstdlib>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace llmsim::mpi {

namespace {

void check(int code, const char* call) {
  if (code != MPI_SUCCESS) throw std::runtime_error(std::string("MPI call ") + call + " failed");
}

int as_count(std::size_t n) {
  if (n > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw std::runtime_error("a cross-rank message exceeds 2 GiB");
  }
  return static_cast<int>(n);
}

std::vector<int> displacements(const std::vector<int>& counts) {
  std::vector<int> d(counts.size(), 0);
  for (std::size_t i = 1; i < counts.size(); ++i) d[i] = d[i - 1] + counts[i - 1];
  return d;
}

class MpiTransport final : public des::Transport {
 public:
  explicit MpiTransport(MPI_Comm comm) : comm_(comm) {
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &size_);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }

  std::vector<des::Bytes> exchange(const std::vector<des::Bytes>& out) override {
    std::vector<int> send_counts(static_cast<std::size_t>(size_));
    des::Bytes send;
    for (int r = 0; r < size_; ++r) {
      const des::Bytes& b = out[static_cast<std::size_t>(r)];
      send_counts[static_cast<std::size_t>(r)] = as_count(b.size());
      send.insert(send.end(), b.begin(), b.end());
    }
    std::vector<int> recv_counts(static_cast<std::size_t>(size_));
    check(MPI_Alltoall(send_counts.data(), 1, MPI_INT, recv_counts.data(), 1, MPI_INT, comm_), "Alltoall");
    const std::vector<int> sdispl = displacements(send_counts);
    const std::vector<int> rdispl = displacements(recv_counts);
    des::Bytes recv(static_cast<std::size_t>(std::accumulate(recv_counts.begin(), recv_counts.end(), 0)));
    check(MPI_Alltoallv(send.data(), send_counts.data(), sdispl.data(), MPI_BYTE, recv.data(), recv_counts.data(),
                        rdispl.data(), MPI_BYTE, comm_),
          "Alltoallv");
    std::vector<des::Bytes> in(static_cast<std::size_t>(size_));
    for (std::size_t r = 0; r < in.size(); ++r) {
      in[r].assign(recv.begin() + rdispl[r], recv.begin() + rdispl[r] + recv_counts[r]);
    }
    return in;
  }

  SimTime min_reduce(SimTime local) override {
    std::int64_t in = local;
    std::int64_t out = 0;
    check(MPI_Allreduce(&in, &out, 1, MPI_INT64_T, MPI_MIN, comm_), "Allreduce");
    return out;
  }

  std::vector<des::Bytes> gather(const des::Bytes& mine) override {
    const int count = as_count(mine.size());
    std::vector<int> counts(static_cast<std::size_t>(size_));
    check(MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, comm_), "Gather");
    const std::vector<int> displ = displacements(counts);
    des::Bytes all(rank_ == 0 ? static_cast<std::size_t>(std::accumulate(counts.begin(), counts.end(), 0)) : 0);
    check(MPI_Gatherv(mine.data(), count, MPI_BYTE, all.data(), counts.data(), displ.data(), MPI_BYTE, 0,
                      comm_),
          "Gatherv");
    if (rank_ != 0) return {};
    std::vector<des::Bytes> parts(static_cast<std::size_t>(size_));
    for (std::size_t r = 0; r < parts.size(); ++r) {
      parts[r].assign(all.begin() + displ[r], all.begin() + displ[r] + counts[r]);
    }
    return parts;
  }

 private:
  MPI_Comm comm_;
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace

bool initialized() {
  int flag = 0;
  MPI_Initialized(&flag);
  int finalized = 0;
  MPI_Finalized(&finalized);
  return flag != 0 && finalized == 0;
}

Environment::Environment(int* argc, char*** argv) {
  // A process started without a launcher is one rank: initialising MPI would only fork Open MPI's orted
  // (0.35-0.5 s per start), so it is skipped.
  if (!launched_by_mpi()) return;
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

Environment::~Environment() {
  if (initialized()) MPI_Finalize();
}

void abort_all(int code) {
  if (initialized()) MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

std::unique_ptr<des::Transport> make_world_transport() { return make_comm_transport(MPI_COMM_WORLD); }

std::unique_ptr<des::Transport> make_comm_transport(MPI_Comm comm) { return std::make_unique<MpiTransport>(comm); }

}  // namespace llmsim::mpi
