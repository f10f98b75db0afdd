// SPDX-License-Identifier: MIT
// Parsed prediction tables cached in binary next to the trained-model cache, keyed by the source file's content.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace llmsim::llm::detail {

/// A table's operator times, parsed into memory or mapped read-only from its cache file (a 2 MiB prefill table is
/// then read from the page cache in place instead of being zero-filled and copied). Copies share the storage.
class TableValues {
 public:
  TableValues() = default;
  explicit TableValues(std::vector<double> values);
  /// `size` doubles at `data`, inside `storage` (which keeps them alive).
  TableValues(std::shared_ptr<const void> storage, const double* data, std::size_t size)
      : storage_(std::move(storage)), data_(data), size_(size) {}

  double operator[](std::size_t i) const { return data_[i]; }
  const double* begin() const { return data_; }
  const double* end() const { return data_ + size_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  std::shared_ptr<const void> storage_;
  const double* data_ = nullptr;
  std::size_t size_ = 0;
};

/// A validated table: its grid (a few integers) and its values.
struct CachedTable {
  std::vector<std::int64_t> grid;
  TableValues values;
};

/// The table parsed from `source` earlier, as `kind`, if `dir`/tables holds it under the XXH3-128 of `source`'s
/// bytes, its values mapped from that file; nullopt when absent, short or not a table file (the caller parses the CSV
/// again). Writers replace cache files by rename, so a mapped file never changes under a run.
std::optional<CachedTable> load_cached_table(const std::string& dir, const std::string& source, const char* kind);

/// Writes `table` for `source` (temporary + rename, so concurrent runs never read half a file). Best effort: a
/// directory that cannot be written only costs the next run the parse.
void store_cached_table(const std::string& dir, const std::string& source, const char* kind, const CachedTable& table);

}  // namespace llmsim::llm::detail
