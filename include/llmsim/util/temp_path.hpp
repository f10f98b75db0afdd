// SPDX-License-Identifier: MIT
// Unique temporary names for files written atomically (temporary + rename).
#pragma once

#include <string>

namespace llmsim {

/// `path` + ".tmp-<host>-<pid>-<n>": unique across concurrent processes (also on other hosts sharing the file
/// system) and calls, so that concurrent writers of one output never write into the same temporary file.
std::string unique_temp_path(const std::string& path);

}  // namespace llmsim
