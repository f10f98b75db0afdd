// SPDX-License-Identifier: MIT
// Small non-cryptographic hashes: FNV-1a of a text, and SplitMix64's finaliser to mix 64-bit values.
#pragma once

#include <cstdint>
#include <string_view>

namespace llmsim {

/// 64-bit FNV-1a of `text` (content-derived ids and keys; not for security).
constexpr std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

/// SplitMix64's output function: a bijection of 64-bit values that spreads every input bit over the output.
constexpr std::uint64_t splitmix64_mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace llmsim
