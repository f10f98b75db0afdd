// SPDX-License-Identifier: MIT
// AtomicFile: write to a temporary name, rename on success.
#include "atomic_file.hpp"

#include <filesystem>

#include "llmsim/util/error.hpp"
#include "llmsim/util/temp_path.hpp"

namespace llmsim::io::detail {

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)), tmp_(unique_temp_path(path_)), out_(tmp_) {
  if (!out_) throw Error(path_ + ": cannot open for writing");
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  out_.close();
  std::error_code ignored;
  std::filesystem::remove(tmp_, ignored);
}

void AtomicFile::commit() {
  out_.close();
  if (out_.fail()) throw Error(path_ + ": write failed (disk full?)");
  std::filesystem::rename(tmp_, path_);
  committed_ = true;
}

}  // namespace llmsim::io::detail
