// SPDX-License-Identifier: MIT
// ContentDigest on boost::uuids::detail::sha1 (header-only, through Boost) and xxHash's XXH3-128 (header-only use of
// Debian's libxxhash-dev: XXH_INLINE_ALL compiles the functions here, so no shared library is loaded).
#include "llmsim/util/content_digest.hpp"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <boost/uuid/detail/sha1.hpp>
#include <cstdio>
#include <fstream>
#include <vector>

#include "llmsim/util/error.hpp"

namespace llmsim {

struct ContentDigest::State {
  DigestAlgorithm algorithm;
  boost::uuids::detail::sha1 sha1;
  XXH3_state_t xxh3;
};

ContentDigest::ContentDigest(DigestAlgorithm algorithm) : state_(std::make_unique<State>()) {
  state_->algorithm = algorithm;
  XXH3_128bits_reset(&state_->xxh3);
}

ContentDigest::~ContentDigest() = default;

void ContentDigest::add_bytes(const void* data, std::size_t size) {
  if (state_->algorithm == DigestAlgorithm::sha1) {
    state_->sha1.process_bytes(data, size);
  } else {
    XXH3_128bits_update(&state_->xxh3, data, size);
  }
}

void ContentDigest::add_text(const std::string& text) {
  add_bytes(text.data(), text.size());
  const char zero = 0;
  add_bytes(&zero, 1);
}

void ContentDigest::add_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open to compute its digest");
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    add_bytes(buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw Error(path + ": read error while computing its digest");
}

std::string ContentDigest::hex() const {
  if (state_->algorithm == DigestAlgorithm::xxh3_128) {
    const XXH128_hash_t h = XXH3_128bits_digest(&state_->xxh3);
    char out[33];
    std::snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                  static_cast<unsigned long long>(h.low64));
    return std::string(out, 32);
  }
  boost::uuids::detail::sha1 copy = state_->sha1;
  boost::uuids::detail::sha1::digest_type digest;
  copy.get_digest(digest);
  char out[41];
  for (int i = 0; i < 5; ++i) std::snprintf(out + 8 * i, 9, "%08x", static_cast<unsigned>(digest[i]));
  return std::string(out, 40);
}

std::string file_digest(const std::string& path, DigestAlgorithm algorithm) {
  ContentDigest d(algorithm);
  d.add_file(path);
  return d.hex();
}

}  // namespace llmsim
