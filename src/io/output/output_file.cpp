// SPDX-License-Identifier: MIT
// OutputFile: open, write, check.
#include "output_file.hpp"

#include "llmsim/util/error.hpp"

namespace llmsim::io::detail {

OutputFile::OutputFile(const std::string& path, StagedFiles& staged) : path_(path), out_(staged.stage(path)) {
  if (!out_) throw Error(path_ + ": cannot open for writing");
}

void OutputFile::finish() {
  out_.close();
  if (out_.fail()) throw Error(path_ + ": write failed (disk full?)");
}

}  // namespace llmsim::io::detail
