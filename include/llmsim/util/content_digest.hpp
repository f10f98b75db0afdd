// SPDX-License-Identifier: MIT
// ContentDigest: SHA-1 of texts and files, as 40 hex digits (cache keys, sweep part checksums).
#pragma once

#include <memory>
#include <string>

namespace llmsim {

/// Incremental SHA-1 (Boost's). Not for security: it detects changed inputs and damaged files.
class ContentDigest {
 public:
  ContentDigest();
  ~ContentDigest();
  ContentDigest(const ContentDigest&) = delete;
  ContentDigest& operator=(const ContentDigest&) = delete;

  /// Adds `text` and a terminating zero byte (so that "ab","c" and "a","bc" differ).
  void add_text(const std::string& text);
  /// Adds every byte of the file at `path`; throws Error if it cannot be read.
  void add_file(const std::string& path);
  /// The digest of everything added so far (40 lower-case hex digits).
  std::string hex() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// SHA-1 of the bytes of one file.
std::string file_digest(const std::string& path);

}  // namespace llmsim
