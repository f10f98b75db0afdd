// SPDX-License-Identifier: MIT
// ranks_differing_from_root: one all-to-all exchange of the fingerprints, compared identically on every rank.
#include "llmsim/des/rank_agreement.hpp"

namespace llmsim::des {

std::vector<int> ranks_differing_from_root(Transport& transport, const std::string& fingerprint) {
  const Bytes mine(fingerprint.begin(), fingerprint.end());
  const std::vector<Bytes> all = transport.exchange(std::vector<Bytes>(static_cast<std::size_t>(transport.size()), mine));
  std::vector<int> differing;
  for (std::size_t r = 1; r < all.size(); ++r) {
    if (all[r] != all[0]) differing.push_back(static_cast<int>(r));
  }
  return differing;
}

}  // namespace llmsim::des
