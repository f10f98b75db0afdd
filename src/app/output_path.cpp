// SPDX-License-Identifier: MIT
// prepare_output_path: refuse what must not be replaced, follow links, prove the directory is writable.
#include "output_path.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "llmsim/util/error.hpp"
#include "llmsim/util/temp_path.hpp"

namespace llmsim::app {

namespace fs = std::filesystem;

std::string prepare_output_path(const std::string& path, const std::vector<std::string>& inputs, const char* option) {
  const auto refuse = [&](const std::string& why) {
    throw ConfigError(std::string(option) + " " + path + ": " + why);
  };
  std::error_code ec;
  fs::path target = fs::path(path);
  // Write through links (also dangling ones, whose target is created), keeping the links.
  for (int hops = 0; fs::is_symlink(fs::symlink_status(target, ec)); ++hops) {
    if (hops == 40) refuse("too many levels of symbolic links");
    const fs::path next = fs::read_symlink(target, ec);
    if (ec) refuse("cannot read the symbolic link (" + ec.message() + ")");
    target = next.is_absolute() ? next : target.parent_path() / next;
  }
  const fs::file_status st = fs::status(target, ec);
  if (fs::exists(st) && !fs::is_regular_file(st)) {
    refuse(fs::is_directory(st) ? "is a directory" : "is not a regular file (FIFO, device or socket); refusing to replace it");
  }
  for (const std::string& input : inputs) {
    if (!input.empty() && fs::exists(target, ec) && fs::equivalent(target, input, ec)) {
      refuse("is an input of this run (" + input + "); refusing to overwrite it");
    }
  }
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  fs::create_directories(parent, ec);
  if (ec) refuse("cannot create the directory " + parent.string() + " (" + ec.message() + ")");
  const std::string probe = unique_temp_path(target.string());
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) refuse("cannot create files in " + parent.string() + " (" + std::strerror(errno) + ")");
  ::close(fd);
  ::unlink(probe.c_str());
  return target.string();
}

}  // namespace llmsim::app
