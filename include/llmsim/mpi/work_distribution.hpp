// SPDX-License-Identifier: MIT
// Dynamic work distribution over the ranks of MPI_COMM_WORLD (sweeps: one configuration per item).
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

namespace llmsim::mpi {

/// Runs an item and returns the wall seconds it took.
using WorkFn = std::function<double(std::size_t item)>;
/// Rank 0 only: `item` finished on `rank` after `seconds`.
using DoneFn = std::function<void(std::size_t item, int rank, double seconds)>;

/// Hands `items` (meaningful on rank 0 only; the order is the hand-out order) to ranks one at a time: a rank
/// asks for the next item whenever it is idle, so long and short items balance themselves. Rank 0 dispatches
/// from its main thread (the only thread that calls MPI, polling every millisecond) and works in a second
/// thread, so every rank works. Returns on every rank once all items are done. An exception thrown by `work`
/// propagates on the rank that ran it; the caller must then abort the job (abort_all), as the other ranks may
/// be waiting for it. Without MPI (one rank) items simply run in order.
void distribute_work(const std::vector<std::size_t>& items, const WorkFn& work, const DoneFn& done);

}  // namespace llmsim::mpi
