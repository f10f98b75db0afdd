// SPDX-License-Identifier: MIT
// YamlSection: typed, range-checked access to one YAML mapping, with errors naming file and dotted key.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "llmsim/util/error.hpp"
#include "llmsim/util/plugin_registry.hpp"
#include "llmsim/util/sim_time.hpp"

namespace llmsim::io::detail {

/// Parses YAML `text` from `origin` (a file name, or "--set key=value"); a syntax error or a key given twice in one
/// mapping (yaml-cpp would keep the first silently) is a ConfigError naming origin, line and column.
YAML::Node parse_yaml(const std::string& text, const std::string& origin);
/// Reads and parses the YAML file `path` likewise ("cannot open" if it cannot be read).
YAML::Node load_yaml_file(const std::string& path);

/// Runs `load` (a loader reading YAML of `path`) and turns a yaml-cpp conversion error (a list where a name was
/// expected, ...) into a ConfigError naming the file, line and column.
template <typename Load>
auto with_yaml_errors(const std::string& path, Load&& load) {
  try {
    return load();
  } catch (const YAML::Exception& e) {
    throw ConfigError(path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                      ": unexpected YAML value (" + e.msg + "); expected a plain name or number here");
  }
}

/// One mapping of a config file. Every key read is remembered; finish() rejects any other key, so typos and
/// keys that do not apply to the selected policy are errors instead of being ignored.
class YamlSection {
 public:
  /// `node` may be undefined/null (treated as an empty mapping). `prefix` is the dotted key path ("" at root).
  YamlSection(YAML::Node node, std::string file, std::string prefix);

  std::string key(const std::string& name) const { return prefix_.empty() ? name : prefix_ + "." + name; }
  /// "<file>: <key>: <message>" as a ConfigError.
  [[noreturn]] void fail(const std::string& name, const std::string& message) const;

  bool has(const std::string& name) const;
  std::string get_string(const std::string& name, const std::string& fallback);
  std::string get_choice(const std::string& name, const std::string& fallback, const std::vector<std::string>& valid);
  /// The plug-in of a registry named by key `name` (default `fallback`); the error lists the registry's names.
  PluginInfo get_plugin(const std::string& name, const std::string& fallback, const std::vector<PluginInfo>& plugins);
  std::int64_t get_int(const std::string& name, std::int64_t fallback, std::int64_t min, std::int64_t max);
  std::optional<std::int64_t> get_optional_int(const std::string& name, std::optional<std::int64_t> fallback,
                                               std::int64_t min, std::int64_t max);
  double get_double(const std::string& name, double fallback, double min, double max, bool min_exclusive = false);
  std::optional<double> get_optional_double(const std::string& name, std::optional<double> fallback, double min,
                                            double max);
  bool get_bool(const std::string& name, bool fallback);
  /// A non-negative duration: a number of seconds or a string with a unit (ns, us, ms, s), e.g. `50us`.
  SimTime get_duration(const std::string& name, SimTime fallback);
  /// A non-negative size: a number of bytes or a string with a unit (B, KB, MB, GB, KiB, MiB, GiB), e.g. `4KiB`.
  std::int64_t get_bytes(const std::string& name, std::int64_t fallback);
  /// A non-negative bandwidth in bytes/s: a number or a string with a unit (bps, Kbps, Mbps, Gbps, B/s, KB/s,
  /// MB/s, GB/s, KiB/s, MiB/s, GiB/s), e.g. `100Gbps`.
  double get_bandwidth(const std::string& name, double fallback);
  /// A path relative to this section's file (or absolute) of a regular file (not a FIFO or device: llmsim reads
  /// inputs whole); returned absolute and normalised. Empty if absent and not required.
  std::string get_path(const std::string& name, bool required);
  /// A directory path, resolved like get_path; required.
  std::string get_directory(const std::string& name);
  /// Sub-mapping `name` (empty if absent).
  YamlSection child(const std::string& name);
  /// Sub-mapping `name` given inline or as the path of a YAML file holding it (resolved like get_path; keys then
  /// named from that file's root); empty if absent.
  YamlSection child_or_file(const std::string& name);
  /// The raw node of `name` (marks it used).
  YAML::Node raw(const std::string& name);
  const std::string& file() const { return file_; }

  /// Throws for any key that was never read. `context` explains why keys may be invalid (e.g. "for vllm").
  void finish(const std::string& context = "") const;

 private:
  /// `name` as a number times the factor of its unit suffix (longest match; none = factor 1), or nullopt if absent.
  std::optional<double> get_quantity(const std::string& name, const std::vector<std::pair<std::string, double>>& units,
                                     const std::string& valid);
  std::string resolve_path(const std::string& name, bool required, bool directory);

  YAML::Node node_;
  std::string file_;
  std::string prefix_;
  std::set<std::string> used_;
};

}  // namespace llmsim::io::detail
