// SPDX-License-Identifier: MIT
// LLMSIM_ASSERT: invariant checks that stay on in release builds; a failure is a bug, so it aborts.
#pragma once

namespace llmsim::detail {
[[noreturn]] void assert_fail(const char* expr, const char* file, int line, const char* msg);
}  // namespace llmsim::detail

#define LLMSIM_ASSERT(cond, msg)                                                    \
  do {                                                                              \
    if (!(cond)) ::llmsim::detail::assert_fail(#cond, __FILE__, __LINE__, (msg));   \
  } while (false)
