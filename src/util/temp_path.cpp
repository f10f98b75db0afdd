// SPDX-License-Identifier: MIT
// unique_temp_path: host, process and a per-process counter.
#include "llmsim/util/temp_path.hpp"

#include <unistd.h>

#include <atomic>

namespace llmsim {

std::string unique_temp_path(const std::string& path) {
  static std::atomic<unsigned long> counter{0};
  char host[256] = "host";
  ::gethostname(host, sizeof host - 1);
  host[sizeof host - 1] = '\0';
  return path + ".tmp-" + host + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

}  // namespace llmsim
