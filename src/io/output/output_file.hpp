// SPDX-License-Identifier: MIT
// OutputFile: a text output stream to a staged temporary (see StagedFiles).
#pragma once

#include <fstream>
#include <string>

#include "llmsim/io/staged_files.hpp"

namespace llmsim::io::detail {

class OutputFile {
 public:
  /// Opens the temporary `staged` gives for `path`; throws Error if it cannot be created.
  OutputFile(const std::string& path, StagedFiles& staged);
  std::ofstream& stream() { return out_; }
  /// Closes the stream and throws Error if any write failed (disk full, I/O error).
  void finish();

 private:
  std::string path_;
  std::ofstream out_;
};

}  // namespace llmsim::io::detail
