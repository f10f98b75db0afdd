// SPDX-License-Identifier: MIT
// YamlSection implementation: yaml-cpp conversions turned into ConfigErrors with file, key and valid range.
#include "yaml_section.hpp"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "llmsim/util/error.hpp"

namespace llmsim::io::detail {

namespace {

constexpr double kMaxDurationSeconds = 1e9;       // ~31 years, far inside int64 nanoseconds
constexpr double kMaxBytes = 1125899906842624.0;  // 2^50: sums and products of sizes stay exact and in range

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string describe(const YAML::Node& n) { return n.IsScalar() ? "'" + n.Scalar() + "'" : "a non-scalar value"; }

std::string where(const std::string& origin, const YAML::Mark& m) {
  return origin + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

constexpr std::size_t kMaxNodes = 1'000'000;  // far above any config; stops alias bombs ("billion laughs")
constexpr std::size_t kMaxDepth = 64;           // far above any config; stops an alias that contains itself

// Keys must be plain scalars given once; `budget` counts nodes visited (aliases are visited once per use), `depth`
// the nesting of `n` (an alias inside its own anchor nests without end).
void check_keys(const YAML::Node& n, const std::string& origin, std::size_t& budget, std::size_t depth) {
  if (++budget > kMaxNodes) {
    throw ConfigError(origin + ": more than " + std::to_string(kMaxNodes) +
                      " YAML nodes once aliases are expanded; a config is far smaller");
  }
  if (depth > kMaxDepth) {
    throw ConfigError(where(origin, n.Mark()) + ": values nested more than " + std::to_string(kMaxDepth) +
                      " levels deep once aliases are expanded (an alias inside its own anchor, as in 'a: &a {b: *a}', "
                      "never ends); a config is far flatter");
  }
  if (n.IsSequence()) {
    for (const YAML::Node& item : n) check_keys(item, origin, budget, depth + 1);
  }
  if (!n.IsMap()) return;
  std::map<std::string, YAML::Mark> seen;
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) {
      throw ConfigError(where(origin, kv.first.Mark()) + ": a key must be a plain name, not a list or mapping");
    }
    const std::string& key = kv.first.Scalar();
    if (const auto [it, fresh] = seen.emplace(key, kv.first.Mark()); !fresh) {
      throw ConfigError(where(origin, kv.first.Mark()) + ": key '" + key + "' given twice (first at line " +
                        std::to_string(it->second.line + 1) + "); remove one");
    }
    check_keys(kv.second, origin, budget, depth + 1);
  }
}

}  // namespace

YAML::Node parse_yaml(const std::string& text, const std::string& origin) {
  YAML::Node n;
  try {
    n = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(where(origin, e.mark) + ": YAML syntax error: " + e.msg);
  }
  std::size_t budget = 0;
  check_keys(n, origin, budget, 0);
  return n;
}

YAML::Node load_yaml_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw ConfigError(path + ": not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot open file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_yaml(text.str(), path);
}

YamlSection::YamlSection(YAML::Node node, std::string file, std::string prefix)
    : node_(node.IsDefined() ? node : YAML::Node()), file_(std::move(file)), prefix_(std::move(prefix)) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap()) {
    throw ConfigError(file_ + ": " + (prefix_.empty() ? std::string("top level") : prefix_) +
                      ": expected a mapping of keys to values");
  }
}

void YamlSection::fail(const std::string& name, const std::string& message) const {
  throw ConfigError(file_ + ": " + key(name) + ": " + message);
}

bool YamlSection::has(const std::string& name) const {
  const YAML::Node& n = node_;
  return n.IsMap() && n[name].IsDefined() && !n[name].IsNull();
}

YAML::Node YamlSection::raw(const std::string& name) {
  used_.insert(name);
  const YAML::Node& n = node_;
  return n.IsMap() ? n[name] : YAML::Node();
}

std::string YamlSection::get_string(const std::string& name, const std::string& fallback) {
  const YAML::Node n = raw(name);
  if (!n.IsDefined() || n.IsNull()) return fallback;
  if (!n.IsScalar()) fail(name, "expected a string, got " + describe(n));
  return n.Scalar();
}

std::string YamlSection::get_choice(const std::string& name, const std::string& fallback,
                                    const std::vector<std::string>& valid) {
  const std::string v = get_string(name, fallback);
  for (const std::string& s : valid) {
    if (s == v) return v;
  }
  fail(name, "unknown value '" + v + "'; valid: " + join(valid));
}

PluginInfo YamlSection::get_plugin(const std::string& name, const std::string& fallback,
                                   const std::vector<PluginInfo>& plugins) {
  const std::string v = get_choice(name, fallback, plugin_names(plugins));
  return *std::find_if(plugins.begin(), plugins.end(), [&](const PluginInfo& p) { return v == p.name; });
}

std::int64_t YamlSection::get_int(const std::string& name, std::int64_t fallback, std::int64_t min, std::int64_t max) {
  const YAML::Node n = raw(name);
  if (!n.IsDefined() || n.IsNull()) return fallback;
  std::int64_t v = 0;
  if (!n.IsScalar() || !YAML::convert<std::int64_t>::decode(n, v)) fail(name, "expected an integer, got " + describe(n));
  // yaml-cpp reads 010 as octal 8 and 0x10 as 16 (YAML 1.1); a config means decimal, so both are refused.
  const std::string& text = n.Scalar();
  const std::size_t digits = text.find_first_not_of("+-");
  if (digits != std::string::npos && text.size() > digits + 1 && text[digits] == '0') {
    fail(name, "'" + text + "' has a leading zero (read as octal or hex); write the decimal number");
  }
  if (v < min || v > max) {
    fail(name, "value " + std::to_string(v) + " out of range; valid: " + std::to_string(min) + " to " +
                   (max == std::numeric_limits<std::int64_t>::max() ? std::string("any larger integer")
                                                                     : std::to_string(max)));
  }
  return v;
}

std::optional<std::int64_t> YamlSection::get_optional_int(const std::string& name,
                                                          std::optional<std::int64_t> fallback, std::int64_t min,
                                                          std::int64_t max) {
  const YAML::Node n = raw(name);
  if (!n.IsDefined()) return fallback;
  if (n.IsNull()) return std::nullopt;
  return get_int(name, 0, min, max);
}

double YamlSection::get_double(const std::string& name, double fallback, double min, double max, bool min_exclusive) {
  const YAML::Node n = raw(name);
  if (!n.IsDefined() || n.IsNull()) return fallback;
  double v = 0;
  if (!n.IsScalar() || !YAML::convert<double>::decode(n, v) || !std::isfinite(v)) {
    fail(name, "expected a number, got " + describe(n));
  }
  if (v < min || v > max || (min_exclusive && v == min)) {
    fail(name, "value " + n.Scalar() + " out of range; valid: " + (min_exclusive ? "> " : ">= ") +
                   std::to_string(min) + (max < std::numeric_limits<double>::max() ? " and <= " + std::to_string(max) : ""));
  }
  return v;
}

std::optional<double> YamlSection::get_optional_double(const std::string& name, std::optional<double> fallback,
                                                       double min, double max) {
  const YAML::Node n = raw(name);
  if (!n.IsDefined()) return fallback;
  if (n.IsNull()) return std::nullopt;
  return get_double(name, 0, min, max, true);
}

bool YamlSection::get_bool(const std::string& name, bool fallback) {
  const YAML::Node n = raw(name);
  if (!n.IsDefined() || n.IsNull()) return fallback;
  bool v = false;
  if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) fail(name, "expected true or false, got " + describe(n));
  return v;
}

std::optional<double> YamlSection::get_quantity(const std::string& name,
                                                const std::vector<std::pair<std::string, double>>& units,
                                                const std::string& valid) {
  const YAML::Node n = raw(name);
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  if (!n.IsScalar()) fail(name, "expected " + valid);
  const std::string text = n.Scalar();
  double scale = 1.0;
  std::string number = text;
  std::size_t matched = 0;
  for (const auto& [u, factor] : units) {
    if (u.size() > matched && text.size() > u.size() && text.compare(text.size() - u.size(), u.size(), u) == 0) {
      number = text.substr(0, text.size() - u.size());
      scale = factor;
      matched = u.size();
    }
  }
  double value = 0;
  if (!YAML::convert<double>::decode(YAML::Node(number), value) || !std::isfinite(value) || value < 0) {
    fail(name, "'" + text + "' is not valid; expected " + valid);
  }
  return value * scale;
}

SimTime YamlSection::get_duration(const std::string& name, SimTime fallback) {
  const std::optional<double> s = get_quantity(name, {{"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1.0}},
                                               "a non-negative duration: a number of seconds or <number><ns|us|ms|s>");
  if (s && !(*s < kMaxDurationSeconds)) {
    fail(name, fmt::format("'{}' is too long; at most {:g} s (simulated time is int64 nanoseconds)", raw(name).Scalar(),
                           kMaxDurationSeconds));
  }
  return s ? seconds_to_simtime(*s) : fallback;
}

std::int64_t YamlSection::get_bytes(const std::string& name, std::int64_t fallback) {
  const std::optional<double> b =
      get_quantity(name,
                   {{"B", 1}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"KiB", 1024.0}, {"MiB", 1048576.0},
                    {"GiB", 1073741824.0}},
                   "a non-negative size: a number of bytes or <number><B|KB|MB|GB|KiB|MiB|GiB>");
  if (b && !(*b <= kMaxBytes)) fail(name, "'" + raw(name).Scalar() + "' is too large; at most 1 PiB (2^50 bytes)");
  return b ? static_cast<std::int64_t>(std::llround(*b)) : fallback;
}

double YamlSection::get_bandwidth(const std::string& name, double fallback) {
  const std::optional<double> b = get_quantity(
      name,
      {{"bps", 1 / 8.0}, {"Kbps", 1e3 / 8}, {"Mbps", 1e6 / 8}, {"Gbps", 1e9 / 8}, {"B/s", 1}, {"KB/s", 1e3},
       {"MB/s", 1e6}, {"GB/s", 1e9}, {"KiB/s", 1024.0}, {"MiB/s", 1048576.0}, {"GiB/s", 1073741824.0}},
      "a non-negative bandwidth: bytes/s or <number><bps|Kbps|Mbps|Gbps|B/s|KB/s|MB/s|GB/s|KiB/s|MiB/s|GiB/s>");
  return b.value_or(fallback);
}

std::string YamlSection::resolve_path(const std::string& name, bool required, bool directory) {
  const std::string v = get_string(name, "");
  const char* what = directory ? "a directory" : "a file";
  if (v.empty()) {
    if (required) fail(name, std::string("required (") + what + " path, relative to this file)");
    return v;
  }
  std::filesystem::path p(v);
  if (p.is_relative()) p = std::filesystem::path(file_).parent_path() / p;
  std::error_code ec;
  const std::filesystem::path resolved = std::filesystem::weakly_canonical(std::filesystem::absolute(p), ec);
  if (ec) fail(name, "'" + v + "' cannot be resolved (" + ec.message() + ")");
  const std::filesystem::file_status st = std::filesystem::status(resolved, ec);
  if (!std::filesystem::exists(st)) fail(name, "'" + v + "' not found (resolved to " + resolved.string() + ")");
  if (directory ? !std::filesystem::is_directory(st) : !std::filesystem::is_regular_file(st)) {
    fail(name, "'" + v + "' (" + resolved.string() + ") is not " + (directory ? "a directory" : "a regular file"));
  }
  return resolved.string();
}

std::string YamlSection::get_path(const std::string& name, bool required) { return resolve_path(name, required, false); }

std::string YamlSection::get_directory(const std::string& name) { return resolve_path(name, true, true); }

YamlSection YamlSection::child(const std::string& name) { return YamlSection(raw(name), file_, key(name)); }

YamlSection YamlSection::child_or_file(const std::string& name) {
  const YAML::Node n = raw(name);
  if (!n.IsDefined() || n.IsNull() || n.IsMap()) return YamlSection(n, file_, key(name));
  if (!n.IsScalar()) fail(name, "expected a mapping or the path of a YAML file holding one");
  const std::string path = get_path(name, true);
  return YamlSection(load_yaml_file(path), path, "");
}

void YamlSection::finish(const std::string& context) const {
  if (!node_.IsMap()) return;
  for (const auto& kv : node_) {
    const std::string k = kv.first.as<std::string>();
    if (used_.contains(k)) continue;
    std::vector<std::string> valid(used_.begin(), used_.end());
    fail(k, "unknown key" + (context.empty() ? std::string() : " " + context) + "; valid keys here: " + join(valid));
  }
}

}  // namespace llmsim::io::detail
