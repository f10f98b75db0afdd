// SPDX-License-Identifier: MIT
// Transport: the collective operations a partitioned simulation needs, over MPI or in one process.
#pragma once

#include <cstdint>
#include <vector>

#include "llmsim/util/sim_time.hpp"

namespace llmsim::des {

using Bytes = std::vector<char>;

/// Every call is collective: all ranks make the same calls in the same order.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  /// Sends `out[r]` to rank r (possibly empty) and returns what each rank sent to this one (index = sender).
  virtual std::vector<Bytes> exchange(const std::vector<Bytes>& out) = 0;
  /// Global minimum of `local` over all ranks.
  virtual SimTime min_reduce(SimTime local) = 0;
  /// Rank 0 receives every rank's `mine` (index = rank); other ranks receive an empty vector.
  virtual std::vector<Bytes> gather(const Bytes& mine) = 0;
};

}  // namespace llmsim::des
