// SPDX-License-Identifier: MIT
// Checking an output path before a run, so that a bad one fails in a second, not after the simulation.
#pragma once

#include <string>
#include <vector>

namespace llmsim::app {

/// The file to write for `option` = `path`: a symbolic link is followed (the result is written through it); a path
/// that is a directory, FIFO, device or socket, or the same file as one of `inputs`, is refused (ConfigError). The
/// parent directory is created and must accept a new file (checked by creating and removing one).
std::string prepare_output_path(const std::string& path, const std::vector<std::string>& inputs, const char* option);

}  // namespace llmsim::app
