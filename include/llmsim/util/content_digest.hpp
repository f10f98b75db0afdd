// SPDX-License-Identifier: MIT
// ContentDigest: SHA-1 or XXH3-128 of texts and files, as hex digits (cache keys, fingerprints, sweep part checksums).
#pragma once

#include <memory>
#include <string>

namespace llmsim {

/// Which hash a ContentDigest computes. Neither is for security: both detect changed inputs and damaged files.
enum class DigestAlgorithm {
  sha1,      ///< 40 hex digits, Boost's SHA-1 (~140 MB/s here): sweep part checksums, which outlive a build
  xxh3_128,  ///< 32 hex digits, xxHash's XXH3-128 (~10 GB/s here): cache keys and rank fingerprints
};

/// Incremental digest of texts and files.
class ContentDigest {
 public:
  explicit ContentDigest(DigestAlgorithm algorithm);
  ~ContentDigest();
  ContentDigest(const ContentDigest&) = delete;
  ContentDigest& operator=(const ContentDigest&) = delete;

  /// Adds `text` and a terminating zero byte (so that "ab","c" and "a","bc" differ).
  void add_text(const std::string& text);
  /// Adds every byte of the file at `path`; throws Error if it cannot be read.
  void add_file(const std::string& path);
  /// The digest of everything added so far (lower-case hex digits).
  std::string hex() const;

 private:
  void add_bytes(const void* data, std::size_t size);
  struct State;
  std::unique_ptr<State> state_;
};

/// The digest of the bytes of one file.
std::string file_digest(const std::string& path, DigestAlgorithm algorithm);

}  // namespace llmsim
