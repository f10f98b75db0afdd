// SPDX-License-Identifier: MIT
// require_same_inputs: SHA-1 of the resolved input and of /proc/self/exe, exchanged once at start-up.
#include "rank_fingerprint.hpp"

#include <spdlog/fmt/fmt.h>

#include <vector>

#include "llmsim/des/rank_agreement.hpp"
#include "llmsim/util/content_digest.hpp"
#include "llmsim/util/error.hpp"

namespace llmsim::app {

void require_same_inputs(des::Transport& transport, const std::string& what, const std::string& resolved) {
  ContentDigest digest(DigestAlgorithm::xxh3_128);
  digest.add_text(resolved);
  digest.add_file("/proc/self/exe");
  const std::vector<int> differing = des::ranks_differing_from_root(transport, digest.hex());
  if (differing.empty()) return;
  throw ConfigError(fmt::format("rank(s) {} of {} resolved a different {} or run a different llmsim binary than "
                                "rank 0; every rank must run the same (an MPMD launch, input files that differ between "
                                "nodes, or another build on some node?)",
                                fmt::join(differing, ", "), transport.size(), what));
}

}  // namespace llmsim::app
