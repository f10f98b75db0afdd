// SPDX-License-Identifier: MIT
// Event and its total order key (time, phase, source entity, source sequence).
#pragma once

#include <compare>
#include <cstdint>

#include "llmsim/util/sim_time.hpp"

namespace llmsim::des {

/// Index of an entity in its engine; assigned in registration order, identical on every rank.
using EntityId = std::uint32_t;

/// Total order of events. Equal times are broken by `phase` (the model's same-instant causality), then by the
/// sending entity and that entity's own send counter. Nothing depends on insertion order, so the order is the
/// same however entities are spread over ranks.
struct EventKey {
  SimTime time = 0;
  std::uint32_t phase = 0;
  EntityId src = 0;
  std::uint64_t seq = 0;
  auto operator<=>(const EventKey&) const = default;
};

/// A scheduled event: a key, a target entity, a model-defined kind and two integer payload words.
struct Event {
  EventKey key;
  EntityId target = 0;
  std::uint32_t kind = 0;
  std::int64_t a = 0;
  std::int64_t b = 0;
};

}  // namespace llmsim::des
