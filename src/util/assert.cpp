// SPDX-License-Identifier: MIT
// Invariant failure: print where and why, then abort (never an exception: the state is corrupt).
#include "llmsim/util/assert.hpp"

#include <cstdio>
#include <cstdlib>

namespace llmsim::detail {

void assert_fail(const char* expr, const char* file, int line, const char* msg) {
  std::fprintf(stderr, "llmsim: internal invariant violated at %s:%d: %s (%s)\n", file, line, msg, expr);
  std::fflush(stderr);
  std::abort();
}

}  // namespace llmsim::detail
