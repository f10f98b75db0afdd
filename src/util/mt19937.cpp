// SPDX-License-Identifier: MIT
// MT19937 (Matsumoto & Nishimura 2002 reference code) with CPython/numpy seeding and draws.
#include "llmsim/util/mt19937.hpp"

#include <bit>
#include <vector>

namespace llmsim {

namespace {
constexpr int kN = 624;
constexpr int kM = 397;
constexpr std::uint32_t kMatrixA = 0x9908b0dfU;
constexpr std::uint32_t kUpper = 0x80000000U;
constexpr std::uint32_t kLower = 0x7fffffffU;
}  // namespace

Mt19937 Mt19937::python_seeded(std::uint64_t seed) {
  Mt19937 g;
  std::vector<std::uint32_t> key;
  do {
    key.push_back(static_cast<std::uint32_t>(seed & 0xffffffffU));
    seed >>= 32;
  } while (seed != 0);
  g.init_by_array(key);
  return g;
}

Mt19937 Mt19937::numpy_seeded(std::uint32_t seed) {
  Mt19937 g;
  g.init_genrand(seed);
  return g;
}

Mt19937 Mt19937::from_key(std::span<const std::uint32_t> key) {
  Mt19937 g;
  g.init_by_array(key);
  return g;
}

void Mt19937::init_genrand(std::uint32_t s) {
  mt_[0] = s;
  for (int i = 1; i < kN; ++i) {
    mt_[i] = 1812433253U * (mt_[i - 1] ^ (mt_[i - 1] >> 30)) + static_cast<std::uint32_t>(i);
  }
  index_ = kN;
}

void Mt19937::init_by_array(std::span<const std::uint32_t> key) {
  init_genrand(19650218U);
  int i = 1;
  std::size_t j = 0;
  const std::size_t len = key.size();
  for (std::size_t k = (kN > len ? kN : len); k > 0; --k) {
    mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1664525U)) + key[j] + static_cast<std::uint32_t>(j);
    ++i;
    ++j;
    if (i >= kN) {
      mt_[0] = mt_[kN - 1];
      i = 1;
    }
    if (j >= len) j = 0;
  }
  for (int k = kN - 1; k > 0; --k) {
    mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1566083941U)) - static_cast<std::uint32_t>(i);
    ++i;
    if (i >= kN) {
      mt_[0] = mt_[kN - 1];
      i = 1;
    }
  }
  mt_[0] = 0x80000000U;
  index_ = kN;
}

void Mt19937::twist() {
  for (int k = 0; k < kN; ++k) {
    const std::uint32_t y = (mt_[k] & kUpper) | (mt_[(k + 1) % kN] & kLower);
    mt_[k] = mt_[(k + kM) % kN] ^ (y >> 1) ^ ((y & 1U) ? kMatrixA : 0U);
  }
  index_ = 0;
}

std::uint32_t Mt19937::next_u32() {
  if (index_ >= kN) twist();
  std::uint32_t y = mt_[index_++];
  y ^= (y >> 11);
  y ^= (y << 7) & 0x9d2c5680U;
  y ^= (y << 15) & 0xefc60000U;
  y ^= (y >> 18);
  return y;
}

double Mt19937::random() {
  const std::uint32_t a = next_u32() >> 5;
  const std::uint32_t b = next_u32() >> 6;
  return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

std::uint32_t Mt19937::getrandbits(int k) { return next_u32() >> (32 - k); }

std::uint64_t Mt19937::randbelow(std::uint64_t n) {
  const int k = static_cast<int>(std::bit_width(n));
  std::uint64_t r = getrandbits(k);
  while (r >= n) r = getrandbits(k);
  return r;
}

Mt19937 make_rng_stream(std::uint64_t seed, std::uint64_t entity, std::uint32_t purpose) {
  const std::array<std::uint32_t, 5> key{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                                         static_cast<std::uint32_t>(entity),
                                         static_cast<std::uint32_t>(entity >> 32), purpose};
  return Mt19937::from_key(key);
}

}  // namespace llmsim
