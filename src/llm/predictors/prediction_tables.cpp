// SPDX-License-Identifier: MIT
// Loading and validating Vidur prediction tables into dense arrays; out-of-grid look-ups are input errors.
#include "prediction_tables.hpp"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "llmsim/llm/operators.hpp"
#include "llmsim/llm/predictor_registry.hpp"
#include "llmsim/util/csv_table.hpp"
#include "llmsim/util/error.hpp"

namespace llmsim::llm::detail {

namespace {

std::int64_t as_int(double v, const CsvTable& t, const std::string& col) {
  const auto i = static_cast<std::int64_t>(v);
  if (static_cast<double>(i) != v) throw InputError(t.path() + ": column '" + col + "' has a non-integer key");
  return i;
}

[[noreturn]] void out_of_grid(const std::string& what, const std::string& key, const std::string& range) {
  throw InputError("execution_time_predictor: " + what + " look-up " + key + " is outside the prediction table (" +
                   range + "). The workload leaves the profiled domain: lower batch_size_cap, chunk_size or "
                   "max_tokens, or use tables built with larger prediction_max_* limits");
}

std::string op_of(const std::string& path) {
  const std::string name = std::filesystem::path(path).filename().string();
  return name.substr(0, name.find("_predictions") - 9);
}

// The 'prediction' column: one operator time in ms per grid point, finite and >= 0.
std::vector<double> prediction_column(const CsvTable& t) {
  std::vector<double> v = t.numeric_column("prediction");
  for (std::size_t r = 0; r < v.size(); ++r) {
    if (!(v[r] >= 0 && v[r] <= kMaxOperatorMs)) {
      throw InputError(fmt::format("{}:{}: column 'prediction': {:g} is not an operator time (0 to 1e7 ms)", t.path(),
                                   t.line_of(r), v[r]));
    }
  }
  return v;
}

// A cached table with `grid_size` grid integers and operator times in range, or nullopt (then the CSV is parsed).
std::optional<CachedTable> cached(const std::string& cache_dir, const std::string& path, const char* kind,
                                  std::size_t grid_size) {
  // Only a regular file of a readable size is digested: anything else (a FIFO, a directory, a huge file) is left
  // to CsvTable::read's error.
  std::error_code ec;
  if (cache_dir.empty() || !std::filesystem::is_regular_file(path, ec) ||
      std::filesystem::file_size(path, ec) > (std::uintmax_t{256} << 20) || ec) {
    return std::nullopt;
  }
  std::optional<CachedTable> c = load_cached_table(cache_dir, path, kind);
  if (!c || c->grid.size() != grid_size || c->values.empty()) return std::nullopt;
  for (double v : c->values) {
    if (!(v >= 0 && v <= kMaxOperatorMs)) return std::nullopt;
  }
  return c;
}

// Checks that the grid is complete and regular: keys must be exactly the expected ones in row order.
void expect_key(const CsvTable& t, std::size_t row, std::int64_t got, std::int64_t want, const char* col) {
  if (got != want) {
    throw InputError(t.path() + ":" + std::to_string(t.line_of(row)) + ": expected " + col + " " + std::to_string(want) +
                     ", found " + std::to_string(got) + " (the table must be a complete, sorted grid)");
  }
}

}  // namespace

TokenTable::TokenTable(const std::string& path, const std::string& cache_dir) : op_(op_of(path)) {
  if (std::optional<CachedTable> c = cached(cache_dir, path, "tokens", 0)) {
    values_ = std::move(c->values);
    return;
  }
  const CsvTable t = CsvTable::read(path);
  const std::vector<double> keys = t.numeric_column("num_tokens");
  for (std::size_t r = 0; r < t.rows(); ++r) {
    expect_key(t, r, as_int(keys[r], t, "num_tokens"), static_cast<std::int64_t>(r) + 1, "num_tokens");
  }
  values_ = TableValues(prediction_column(t));
  if (!cache_dir.empty()) store_cached_table(cache_dir, path, "tokens", CachedTable{{}, values_});
}

double TokenTable::at(std::int64_t tokens) const {
  if (tokens < 1 || tokens > max_tokens()) {
    out_of_grid(op_, "num_tokens=" + std::to_string(tokens), "num_tokens 1.." + std::to_string(max_tokens()));
  }
  return values_[static_cast<std::size_t>(tokens - 1)];
}

DecodeTable::DecodeTable(const std::string& path, const std::string& cache_dir) {
  if (std::optional<CachedTable> c = cached(cache_dir, path, "decode", 3)) {
    max_batch_ = c->grid[0];
    max_kv_ = c->grid[1];
    granularity_ = c->grid[2];
    if (granularity_ > 0 && max_kv_ % granularity_ == 0 &&
        c->values.size() == static_cast<std::size_t>(max_batch_ * (max_kv_ / granularity_ + 1))) {
      values_ = std::move(c->values);
      return;
    }
  }
  parse(path);
  if (!cache_dir.empty()) {
    store_cached_table(cache_dir, path, "decode", CachedTable{{max_batch_, max_kv_, granularity_}, values_});
  }
}

void DecodeTable::parse(const std::string& path) {
  const CsvTable t = CsvTable::read(path);
  const std::vector<double> bs = t.numeric_column("batch_size");
  const std::vector<double> kv = t.numeric_column("kv_cache_size");
  if (t.rows() < 2) throw InputError(path + ": table too small");
  granularity_ = as_int(kv[1], t, "kv_cache_size");
  std::size_t per_batch = 0;
  while (per_batch < t.rows() && bs[per_batch] == bs[0]) ++per_batch;
  if (granularity_ <= 0 || t.rows() % per_batch != 0) throw InputError(path + ": irregular decode grid");
  max_kv_ = granularity_ * static_cast<std::int64_t>(per_batch - 1);
  max_batch_ = static_cast<std::int64_t>(t.rows() / per_batch);
  for (std::size_t r = 0; r < t.rows(); ++r) {
    expect_key(t, r, as_int(bs[r], t, "batch_size"), static_cast<std::int64_t>(r / per_batch) + 1, "batch_size");
    expect_key(t, r, as_int(kv[r], t, "kv_cache_size"), static_cast<std::int64_t>(r % per_batch) * granularity_,
               "kv_cache_size");
  }
  values_ = TableValues(prediction_column(t));
}

std::string DecodeTable::domain() const {
  return "batch_size 1.." + std::to_string(max_batch_) + ", kv_cache_size 0.." + std::to_string(max_kv_);
}

double DecodeTable::at(std::int64_t batch_size, std::int64_t kv) const {
  if (batch_size < 1 || batch_size > max_batch_ || kv < 0 || kv > max_kv_ || kv % granularity_ != 0) {
    out_of_grid("attn_decode", "(batch_size=" + std::to_string(batch_size) + ", kv_cache_size=" + std::to_string(kv) + ")",
                domain());
  }
  const std::int64_t per_batch = max_kv_ / granularity_ + 1;
  return values_[static_cast<std::size_t>((batch_size - 1) * per_batch + kv / granularity_)];
}

PrefillTable::PrefillTable(const std::string& path, const std::string& cache_dir) {
  if (std::optional<CachedTable> c = cached(cache_dir, path, "prefill", 3)) {
    max_kv_ = c->grid[0];
    max_chunk_ = c->grid[1];
    granularity_ = c->grid[2];
    if (granularity_ > 0 && max_kv_ % granularity_ == 0 &&
        c->values.size() == static_cast<std::size_t>((max_kv_ / granularity_ + 1) * max_chunk_)) {
      values_ = std::move(c->values);
      return;
    }
  }
  parse(path);
  if (!cache_dir.empty()) {
    store_cached_table(cache_dir, path, "prefill", CachedTable{{max_kv_, max_chunk_, granularity_}, values_});
  }
}

void PrefillTable::parse(const std::string& path) {
  const CsvTable t = CsvTable::read(path);
  const std::vector<double> kv = t.numeric_column("kv_cache_size");
  const std::vector<double> sq = t.numeric_column("prefill_chunk_size_squared");
  std::size_t per_kv = 0;
  while (per_kv < t.rows() && kv[per_kv] == kv[0]) ++per_kv;
  if (per_kv == 0 || per_kv == t.rows() || t.rows() % per_kv != 0) throw InputError(path + ": irregular prefill grid");
  granularity_ = as_int(kv[per_kv], t, "kv_cache_size");
  max_chunk_ = static_cast<std::int64_t>(per_kv);
  max_kv_ = granularity_ * static_cast<std::int64_t>(t.rows() / per_kv - 1);
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const std::int64_t chunk = static_cast<std::int64_t>(r % per_kv) + 1;
    expect_key(t, r, as_int(kv[r], t, "kv_cache_size"), static_cast<std::int64_t>(r / per_kv) * granularity_,
               "kv_cache_size");
    expect_key(t, r, as_int(sq[r], t, "prefill_chunk_size_squared"), chunk * chunk, "prefill_chunk_size_squared");
  }
  values_ = TableValues(prediction_column(t));
}

std::string PrefillTable::domain() const {
  return "kv_cache_size 0.." + std::to_string(max_kv_) + ", chunk 1.." + std::to_string(max_chunk_);
}

double PrefillTable::at(std::int64_t kv, std::int64_t chunk) const {
  if (chunk < 1 || chunk > max_chunk_ || kv < 0 || kv > max_kv_ || kv % granularity_ != 0) {
    out_of_grid("attn_prefill", "(kv_cache_size=" + std::to_string(kv) + ", chunk=" + std::to_string(chunk) + ")",
                domain());
  }
  return values_[static_cast<std::size_t>(kv / granularity_ * max_chunk_ + chunk - 1)];
}

std::string find_table_file(const std::map<std::string, std::vector<std::string>>& tables, const std::string& dir,
                            const std::string& op) {
  const auto it = tables.find(op);
  const std::size_t found = it == tables.end() ? 0 : it->second.size();
  if (found != 1) {
    throw InputError("execution_time_predictor.table_dir: '" + dir + "' must hold exactly one " + op +
                     "_<hash>_predictions.csv.gz file, found " + std::to_string(found));
  }
  return it->second.front();
}

}  // namespace llmsim::llm::detail

namespace llmsim::llm {

std::map<std::string, std::vector<std::string>> vidur_table_files(const std::string& dir) {
  if (!std::filesystem::is_directory(dir)) {
    throw InputError("execution_time_predictor.table_dir: '" + dir + "' is not a directory");
  }
  // <op>_<8 hex digits>_predictions.csv.gz, matched by hand (a std::regex per operator took 0.6 ms of a 20 ms run).
  const std::string suffix = "_predictions.csv.gz";
  const std::size_t tail = 1 + 8 + suffix.size();
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.size() <= tail || name[name.size() - tail] != '_' ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    const auto hex = name.end() - static_cast<std::ptrdiff_t>(tail - 1);
    if (!std::all_of(hex, hex + 8, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); })) continue;
    out[name.substr(0, name.size() - tail)].push_back(entry.path().string());
  }
  for (auto& [op, files] : out) std::sort(files.begin(), files.end());
  return out;
}

}  // namespace llmsim::llm
