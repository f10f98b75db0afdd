// SPDX-License-Identifier: MIT
// Dense look-up tables built from Vidur's *_predictions.csv.gz files (predictor spec 2.5, 2.6).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "table_cache.hpp"

namespace llmsim::llm::detail {

// Each table is parsed from `path` and validated, or read from the binary cache under `cache_dir` ("" = none)
// where an earlier run left it for the same file content (table_cache.hpp).

/// Table keyed by num_tokens = 1..max_tokens (linear operators, all_reduce, send_recv, kv-cache save).
class TokenTable {
 public:
  TokenTable() = default;
  TokenTable(const std::string& path, const std::string& cache_dir);
  /// Value for `tokens`; throws InputError outside 1..max_tokens().
  double at(std::int64_t tokens) const;
  std::int64_t max_tokens() const { return static_cast<std::int64_t>(values_.size()); }

 private:
  std::string op_;
  TableValues values_;
};

/// Decode attention keyed by (batch_size 1..B, kv_cache_size 0..K step g).
class DecodeTable {
 public:
  DecodeTable() = default;
  DecodeTable(const std::string& path, const std::string& cache_dir);
  double at(std::int64_t batch_size, std::int64_t kv) const;
  std::int64_t granularity() const { return granularity_; }
  std::string domain() const;

 private:
  void parse(const std::string& path);
  TableValues values_;
  std::int64_t max_batch_ = 0;
  std::int64_t max_kv_ = 0;
  std::int64_t granularity_ = 0;
};

/// Prefill attention keyed by (kv_cache_size 0..K step g, chunk 1..C), stored in Vidur as (kv, chunk^2).
class PrefillTable {
 public:
  PrefillTable() = default;
  PrefillTable(const std::string& path, const std::string& cache_dir);
  double at(std::int64_t kv, std::int64_t chunk) const;
  std::int64_t granularity() const { return granularity_; }
  std::string domain() const;

 private:
  void parse(const std::string& path);
  TableValues values_;
  std::int64_t max_kv_ = 0;
  std::int64_t max_chunk_ = 0;
  std::int64_t granularity_ = 0;
};

/// Path of the one table file of `op` among `tables` (vidur_table_files of `dir`); throws InputError if none or
/// several.
std::string find_table_file(const std::map<std::string, std::vector<std::string>>& tables, const std::string& dir,
                            const std::string& op);

}  // namespace llmsim::llm::detail
