// SPDX-License-Identifier: MIT
// Measurement formats of validation suites (docs/validation.md, "Formats").
#include "validation_formats.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <tuple>

#include "llmsim/util/error.hpp"

namespace llmsim::io {

namespace detail {

namespace {

std::optional<double> as_number(std::string_view text) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

bool same_value(std::string_view cell, const std::string& value) {
  if (cell == value) return true;
  const auto a = as_number(cell);
  const auto b = as_number(value);
  return a && b && *a == *b;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string whole(double v) { return std::to_string(static_cast<long long>(std::llround(v))); }

// splitwise-sim's data/perf_model.csv: per (model, hardware, TP, prompt_size, batch_size, token_size) repeated
// measurements of the prompt phase (ms), the mean decode iteration (ms) and the whole request (ms).
void splitwise_perf_model(const CsvTable& t, const SuiteSpec& spec, ValidationSuite& suite) {
  const auto model = t.text_column("model");
  const auto hardware = t.text_column("hardware");
  const auto tp = t.numeric_column("tensor_parallel");
  const auto prompt = t.numeric_column("prompt_size");
  const auto batch = t.numeric_column("batch_size");
  const auto tokens = t.numeric_column("token_size");
  const std::vector<std::pair<const char*, std::vector<double>>> metrics = {
      {"prefill_ms", t.numeric_column("prompt_time")},
      {"decode_iteration_ms", t.numeric_column("token_time")},
      {"e2e_ms", t.numeric_column("e2e_time")}};
  std::vector<RowMatcher> deployment_rows;
  for (const SuiteDeployment& d : spec.deployments) deployment_rows.emplace_back(t, d.match, spec.key_prefix);
  std::vector<RowMatcher> excluded_rows;
  for (const SuiteExclusion& e : spec.exclusions) excluded_rows.emplace_back(t, e.match, spec.key_prefix);

  using Key = std::tuple<std::size_t, std::size_t, double, double, double, double>;  // deployment, model, tp, ...
  std::map<Key, std::vector<std::size_t>> groups;
  std::map<std::string, std::int64_t> unused;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const auto m = std::find_if(spec.models.begin(), spec.models.end(), [&](const auto& p) { return p.first == model[r]; });
    if (m == spec.models.end()) {
      ++unused["model " + std::string(model[r]) + " is not in models"];
      continue;
    }
    bool taken = false;  // by every deployment that matches it
    for (std::size_t d = 0; d < deployment_rows.size(); ++d) {
      if (!deployment_rows[d](r)) continue;
      groups[{d, static_cast<std::size_t>(m - spec.models.begin()), tp[r], prompt[r], batch[r], tokens[r]}].push_back(r);
      taken = true;
    }
    if (!taken) ++unused["hardware " + std::string(hardware[r]) + " matches no deployment"];
  }
  for (const auto& [reason, count] : unused) suite.unused.push_back({reason, count});
  std::map<std::string, std::int64_t> excluded;
  for (const auto& [key, rows] : groups) {
    const auto& [d, model_index, tp_v, prompt_v, batch_v, tokens_v] = key;
    const SuiteDeployment& dep = spec.deployments[d];
    const auto& [model_name, model_override] = spec.models[model_index];
    ValidationCase c;
    c.gpu = dep.gpu;
    c.model = model_name;
    c.predictor = dep.name;
    c.role = dep.role;
    c.tensor_parallel = static_cast<std::int32_t>(tp_v);
    c.id = dep.gpu + "/" + dep.name + "/" + model_name + "/tp" + whole(tp_v) + "/prompt" + whole(prompt_v) + "-batch" + whole(batch_v) +
           "-tokens" + whole(tokens_v);
    c.setting = whole(batch_v) + " x " + whole(prompt_v) + " prompt tokens, " + whole(tokens_v) + " output tokens";
    c.overrides = dep.overrides;
    c.overrides.push_back(model_override);
    c.overrides.push_back("cluster.replica.tensor_parallel_size=" + whole(tp_v));
    c.overrides.push_back("request_generator.num_requests=" + whole(batch_v));
    c.overrides.push_back("request_generator.length_generator.prefill_tokens=" + whole(prompt_v));
    c.overrides.push_back("request_generator.length_generator.decode_tokens=" + whole(tokens_v));
    for (const auto& [name, values] : metrics) {
      std::size_t x = 0;  // the first exclusion of this metric whose match takes the setting's rows
      for (; x < spec.exclusions.size(); ++x) {
        const std::vector<std::string>& only = spec.exclusions[x].metrics;
        const bool metric = only.empty() || std::find(only.begin(), only.end(), name) != only.end();
        if (metric && excluded_rows[x](rows.front())) break;
      }
      if (x < spec.exclusions.size()) {
        ++excluded[std::string(name) + " excluded: " + spec.exclusions[x].reason];
        continue;
      }
      std::vector<double> v;
      for (std::size_t r : rows) v.push_back(values[r]);
      c.measured.push_back({name, median(v), static_cast<std::int64_t>(v.size())});
    }
    suite.cases.push_back(std::move(c));
  }
  for (const auto& [reason, count] : excluded) suite.unused.push_back({reason, count});
  std::stable_sort(suite.cases.begin(), suite.cases.end(), [](const ValidationCase& a, const ValidationCase& b) {
    return a.predictor < b.predictor;
  });
}

}  // namespace

RowMatcher::RowMatcher(const CsvTable& table, const RowMatch& match, const std::string& where) {
  for (const auto& [column, value] : match) {
    if (!table.has_column(column)) {
      std::string present;
      for (const std::string& h : table.header()) present += (present.empty() ? "" : ", ") + h;
      throw ConfigError(where + ": match: '" + column + "' is not a column of " + table.path() + " (columns: " +
                        present + ")");
    }
    columns_.push_back(table.text_column(column));
    values_.push_back(value);
  }
}

bool RowMatcher::operator()(std::size_t row) const {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (!same_value(columns_[i][row], values_[i])) return false;
  }
  return true;
}

namespace {

using FormatReader = void (*)(const CsvTable&, const SuiteSpec&, ValidationSuite&);

const std::vector<Plugin<FormatReader>>& format_registry() {
  static const std::vector<Plugin<FormatReader>> formats = {
      {{"splitwise_perf_model",
        {},
        "splitwise-sim perf_model.csv rows: batch_size prompts of prompt_size tokens generating token_size tokens "
        "(prefill_ms, decode_iteration_ms, e2e_ms; the median of the repeats), simulated"},
       splitwise_perf_model},
  };
  return formats;
}

}  // namespace

void read_measurements(const std::string& format, const CsvTable& table, const SuiteSpec& spec,
                       ValidationSuite& suite) {
  for (const Plugin<FormatReader>& f : format_registry()) {
    if (format == f.info.name) return f.make(table, spec, suite);
  }
  throw Error("read_measurements: unknown format " + format);
}

}  // namespace detail

const std::vector<PluginInfo>& validation_formats() {
  static const std::vector<PluginInfo> infos = plugin_infos(detail::format_registry());
  return infos;
}

}  // namespace llmsim::io
