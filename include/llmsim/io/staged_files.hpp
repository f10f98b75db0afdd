// SPDX-License-Identifier: MIT
// StagedFiles: the output files of one run, written to unique temporaries and put in place together.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace llmsim::io {

/// Writers write each output to a temporary next to its path (`path.tmp-<host>-<pid>-<n>`, unique even for
/// concurrent runs); commit() renames them all once every writer has succeeded, so a failed writer (a full
/// disk, an unwritable CSV directory) replaces none of the previous outputs. Temporaries of an uncommitted set
/// are removed on destruction.
class StagedFiles {
 public:
  StagedFiles() = default;
  ~StagedFiles();
  StagedFiles(const StagedFiles&) = delete;
  StagedFiles& operator=(const StagedFiles&) = delete;

  /// Registers `path` and returns the temporary to write instead.
  std::string stage(const std::string& path);
  /// Renames every temporary onto its path, in staging order. Throws Error naming the path that failed.
  void commit();

 private:
  std::vector<std::pair<std::string, std::string>> files_;  // (path, temporary)
  bool committed_ = false;
};

}  // namespace llmsim::io
