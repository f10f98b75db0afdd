// SPDX-License-Identifier: MIT
// AtomicFile: an output stream to a unique temporary file that becomes `path` only when commit() succeeds.
#pragma once

#include <fstream>
#include <string>

namespace llmsim::io::detail {

/// Writers use it so that a failed or interrupted run never leaves a complete-looking file behind.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();  ///< removes the temporary file unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ofstream& stream() { return out_; }
  /// Flushes, checks for write errors and renames onto the final path. Throws Error on failure.
  void commit();

 private:
  std::string path_;
  std::string tmp_;
  std::ofstream out_;
  bool committed_ = false;
};

}  // namespace llmsim::io::detail
