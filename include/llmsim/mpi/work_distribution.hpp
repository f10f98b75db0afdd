// SPDX-License-Identifier: MIT
// Dynamic work distribution over the ranks of MPI_COMM_WORLD (sweeps: one configuration per item).
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "llmsim/des/transport.hpp"

namespace llmsim::mpi {

/// Runs an item and returns the wall seconds it took.
using WorkFn = std::function<double(std::size_t item)>;
/// Runs an item on every rank of `group` together (collectively) and returns the wall seconds it took.
using GroupWorkFn = std::function<double(std::size_t item, des::Transport& group)>;
/// Rank 0 only: `item` finished on `rank` (for groups: the group's first world rank) after `seconds`.
using DoneFn = std::function<void(std::size_t item, int rank, double seconds)>;

/// Hands `items` (meaningful on rank 0 only; the order is the hand-out order) to ranks one at a time: a rank
/// asks for the next item whenever it is idle, so long and short items balance themselves. Rank 0 dispatches
/// from its main thread (the only thread that calls MPI, polling every millisecond) and works in a second
/// thread, so every rank works. Returns on every rank once all items are done, after a barrier, so that
/// consecutive calls never mix. An exception thrown by `work` propagates on the rank that ran it; the caller must
/// then abort the job (abort_all), as the other ranks may be waiting for it. Without MPI (one rank) items simply run in order.
void distribute_work(const std::vector<std::size_t>& items, const WorkFn& work, const DoneFn& done);

/// Number of groups distribute_work_in_groups forms from `ranks` ranks, or 0 if they cannot be formed
/// (`ranks` must be 1 + a positive multiple of `group_size`).
int num_work_groups(int ranks, int group_size);

/// Like distribute_work, but every item runs on a group of `group_size` ranks: world rank 0 only hands out
/// items, ranks 1.. form num_work_groups() groups of consecutive ranks, the first rank of each group asks for
/// items and broadcasts them to its group, and all ranks of the group call `work` with a Transport over the
/// group. Requires num_work_groups(size, group_size) > 0.
void distribute_work_in_groups(const std::vector<std::size_t>& items, int group_size, const GroupWorkFn& work,
                               const DoneFn& done);

}  // namespace llmsim::mpi
