// SPDX-License-Identifier: MIT
// StagedFiles: unique temporaries, renamed together.
#include "llmsim/io/staged_files.hpp"

#include <filesystem>

#include "llmsim/util/error.hpp"
#include "llmsim/util/temp_path.hpp"

namespace llmsim::io {

StagedFiles::~StagedFiles() {
  if (committed_) return;
  for (const auto& [path, tmp] : files_) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
  }
}

std::string StagedFiles::stage(const std::string& path) {
  files_.emplace_back(path, unique_temp_path(path));
  return files_.back().second;
}

void StagedFiles::commit() {
  for (const auto& [path, tmp] : files_) {
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw Error(path + ": cannot replace it with the new results (" + ec.message() + ")");
  }
  committed_ = true;
}

}  // namespace llmsim::io
