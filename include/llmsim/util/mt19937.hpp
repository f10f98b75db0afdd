// SPDX-License-Identifier: MIT
// MT19937 with CPython's and numpy's seeding, so synthetic workloads reproduce Vidur's bit for bit.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace llmsim {

/// Mersenne Twister MT19937 (32-bit). The raw output sequence is the standard one; the seeding routines and
/// the derived draws follow CPython's `random` module and numpy's legacy `RandomState`, which Vidur uses.
class Mt19937 {
 public:
  /// Seeds like CPython `random.seed(int)`: init_by_array with the seed's 32-bit words (little-endian).
  static Mt19937 python_seeded(std::uint64_t seed);
  /// Seeds like numpy `RandomState(int)`: init_genrand(seed).
  static Mt19937 numpy_seeded(std::uint32_t seed);
  /// Seeds with init_by_array over an arbitrary key (used for per-entity streams).
  static Mt19937 from_key(std::span<const std::uint32_t> key);

  /// Next raw 32-bit output.
  std::uint32_t next_u32();
  /// Uniform double in [0, 1) with 53 random bits (CPython `random()`, numpy `random_sample()`).
  double random();
  /// CPython `getrandbits(k)` for 0 < k <= 32.
  std::uint32_t getrandbits(int k);
  /// CPython `_randbelow(n)` (rejection sampling on getrandbits(bit_length(n))), n >= 1.
  std::uint64_t randbelow(std::uint64_t n);

 private:
  Mt19937() = default;
  void init_genrand(std::uint32_t s);
  void init_by_array(std::span<const std::uint32_t> key);
  void twist();

  std::array<std::uint32_t, 624> mt_{};
  int index_ = 625;
};

/// One independent random stream per (global seed, entity, purpose): no stream is shared between entities,
/// so results do not depend on which rank owns an entity or in what order entities draw.
Mt19937 make_rng_stream(std::uint64_t seed, std::uint64_t entity, std::uint32_t purpose);

}  // namespace llmsim
