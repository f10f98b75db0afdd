// SPDX-License-Identifier: MIT
// Parsed prediction tables cached in binary next to the trained-model cache, keyed by the source file's content.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llmsim::llm::detail {

/// A validated table: its grid (a few integers) and its values.
struct CachedTable {
  std::vector<std::int64_t> grid;
  std::vector<double> values;
};

/// The table parsed from `source` earlier, as `kind`, if `dir`/tables holds it under the SHA-1 of `source`'s bytes;
/// nullopt when absent, short or not a table file (the caller parses the CSV again).
std::optional<CachedTable> load_cached_table(const std::string& dir, const std::string& source, const char* kind);

/// Writes `table` for `source` (temporary + rename, so concurrent runs never read half a file). Best effort: a
/// directory that cannot be written only costs the next run the parse.
void store_cached_table(const std::string& dir, const std::string& source, const char* kind, const CachedTable& table);

}  // namespace llmsim::llm::detail
