// SPDX-License-Identifier: MIT
// CsvTable: a CSV file (plain or gzip) with a header row, read whole; columns are converted on request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmsim {

/// Simple comma-separated table (no quoting), as written by pandas for Vidur's traces and tables.
/// Errors are InputError messages of the form `file:line: column 'x': ...`.
class CsvTable {
 public:
  /// Reads `path` (a regular file, gzip-compressed or plain text, at most 256 MiB of text). Throws InputError if
  /// it is missing, not a regular file, truncated, ragged, or has no data rows.
  static CsvTable read(const std::string& path);

  const std::string& path() const { return path_; }
  const std::vector<std::string>& header() const { return header_; }
  std::size_t rows() const { return num_rows_; }
  bool has_column(const std::string& name) const;
  /// Column `name` parsed as numbers; throws InputError naming file, line and column for a bad cell, and the
  /// columns present if `name` is missing. Empty cells are errors unless `empty_value` is given.
  std::vector<double> numeric_column(const std::string& name, std::optional<double> empty_value = std::nullopt) const;
  /// Column `name` as text.
  std::vector<std::string_view> text_column(const std::string& name) const;
  /// The text of data row `row` as in the file (for duplicate detection).
  std::string_view row_text(std::size_t row) const;
  /// 1-based file line of data row `row` (for error messages).
  std::size_t line_of(std::size_t row) const { return row_lines_[row]; }

 private:
  static CsvTable parse(const std::string& path, std::string text);
  std::size_t index_of(const std::string& name) const;
  std::string_view cell_at(std::size_t row, std::size_t column) const;

  std::string path_;
  std::string data_;
  std::vector<std::string> header_;
  std::vector<std::string_view> rows_;  // each data row's text (cells are found by scanning: no per-cell index)
  std::vector<std::size_t> row_lines_;
  std::size_t num_rows_ = 0;
};

}  // namespace llmsim
