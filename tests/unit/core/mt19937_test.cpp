// SPDX-License-Identifier: MIT
// Mt19937 against CPython's random and numpy's RandomState (expected values printed by /usr/bin/python3:
// random.seed(42); random.random() / getrandbits(32) / randint(1,5)-1; np.random.RandomState(42).random_sample()).
#include "llmsim/util/mt19937.hpp"

#include <gtest/gtest.h>

namespace llmsim {
namespace {

TEST(Mt19937, PythonSeededRandomMatchesCPython) {
  Mt19937 g = Mt19937::python_seeded(42);
  EXPECT_DOUBLE_EQ(g.random(), 0.6394267984578837);
  EXPECT_DOUBLE_EQ(g.random(), 0.025010755222666936);
  EXPECT_DOUBLE_EQ(g.random(), 0.27502931836911926);
}

TEST(Mt19937, PythonSeedWiderThan32BitsUsesBothWords) {
  Mt19937 g = Mt19937::python_seeded((1ULL << 40) + 7);
  EXPECT_DOUBLE_EQ(g.random(), 0.6137037779936511);
}

TEST(Mt19937, GetrandbitsMatchesCPython) {
  Mt19937 g = Mt19937::python_seeded(42);
  EXPECT_EQ(g.getrandbits(32), 2746317213U);
  EXPECT_EQ(g.getrandbits(32), 478163327U);
}

TEST(Mt19937, RandbelowMatchesCPythonRandint) {
  Mt19937 g = Mt19937::python_seeded(42);
  const std::uint64_t expected[] = {0, 0, 2, 1, 1, 1, 0, 4};
  for (std::uint64_t e : expected) EXPECT_EQ(g.randbelow(5), e);
}

TEST(Mt19937, NumpySeededMatchesRandomState) {
  Mt19937 g = Mt19937::numpy_seeded(42);
  EXPECT_DOUBLE_EQ(g.random(), 0.3745401188473625);
  EXPECT_DOUBLE_EQ(g.random(), 0.9507143064099162);
  EXPECT_DOUBLE_EQ(g.random(), 0.7319939418114051);
}

TEST(Mt19937, EntityStreamsAreIndependentAndReproducible) {
  Mt19937 a1 = make_rng_stream(7, 3, 1);
  Mt19937 a2 = make_rng_stream(7, 3, 1);
  Mt19937 other_entity = make_rng_stream(7, 4, 1);
  Mt19937 other_purpose = make_rng_stream(7, 3, 2);
  const std::uint32_t first = a1.next_u32();
  EXPECT_EQ(first, a2.next_u32());
  EXPECT_NE(first, other_entity.next_u32());
  EXPECT_NE(first, other_purpose.next_u32());
}

}  // namespace
}  // namespace llmsim
