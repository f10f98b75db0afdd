// SPDX-License-Identifier: MIT
// Entity: the model extension point; receives the events addressed to it.
#pragma once

#include "llmsim/des/event.hpp"

namespace llmsim::des {

class Engine;

/// Something that owns state and reacts to events. Models subclass it; the engine never knows what they are.
class Entity {
 public:
  virtual ~Entity() = default;
  /// Handles one event addressed to this entity. May schedule new events at times >= engine.now().
  virtual void handle(const Event& event, Engine& engine) = 0;
};

}  // namespace llmsim::des
