// SPDX-License-Identifier: MIT
// ContentDigest on boost::uuids::detail::sha1 (header-only, already a dependency through Boost).
#include "llmsim/util/content_digest.hpp"

#include <boost/uuid/detail/sha1.hpp>
#include <cstdio>
#include <fstream>
#include <vector>

#include "llmsim/util/error.hpp"

namespace llmsim {

struct ContentDigest::State {
  boost::uuids::detail::sha1 sha1;
};

ContentDigest::ContentDigest() : state_(std::make_unique<State>()) {}
ContentDigest::~ContentDigest() = default;

void ContentDigest::add_text(const std::string& text) {
  state_->sha1.process_bytes(text.data(), text.size());
  state_->sha1.process_byte(0);
}

void ContentDigest::add_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open to compute its digest");
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    state_->sha1.process_bytes(buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw Error(path + ": read error while computing its digest");
}

std::string ContentDigest::hex() const {
  boost::uuids::detail::sha1 copy = state_->sha1;
  boost::uuids::detail::sha1::digest_type digest;
  copy.get_digest(digest);
  char out[41];
  for (int i = 0; i < 5; ++i) std::snprintf(out + 8 * i, 9, "%08x", static_cast<unsigned>(digest[i]));
  return std::string(out, 40);
}

std::string file_digest(const std::string& path) {
  ContentDigest d;
  d.add_file(path);
  return d.hex();
}

}  // namespace llmsim
