// SPDX-License-Identifier: MIT
// run_report: posix_spawn of the report script, waited for.
#include "report_runner.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "llmsim/util/error.hpp"

extern char** environ;

namespace llmsim::app {

namespace {

std::string report_script() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec && std::filesystem::exists(exe.parent_path() / "llmsim-report")) return exe.parent_path() / "llmsim-report";
  return LLMSIM_SOURCE_DIR "/scripts/llmsim-report";
}

}  // namespace

int run_report(const std::string& result_path) {
  const std::string script = report_script();
  const std::string out = result_path + ".report";
  std::vector<std::string> args{script, result_path, "--out", out, "-q"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (const int rc = posix_spawn(&pid, script.c_str(), nullptr, nullptr, argv.data(), environ); rc != 0) {
    throw Error("--report: cannot start " + script + " (" + std::strerror(rc) + ")");
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw Error(std::string("--report: waitpid failed (") + std::strerror(errno) + ")");
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

}  // namespace llmsim::app
