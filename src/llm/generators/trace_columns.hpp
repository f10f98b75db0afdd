// SPDX-License-Identifier: MIT
// Token-count columns of request traces, validated cell by cell before any float -> integer conversion.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "llmsim/util/csv_table.hpp"

namespace llmsim::llm::detail {

/// Column `name` of a trace as Vidur reads it, `int(value * scale)` per row. Every cell must be a whole number
/// >= 1 whose scaled value fits a token count (< 2^53); otherwise InputError naming file, line, column and value.
std::vector<std::int64_t> scaled_token_counts(const CsvTable& trace, const std::string& name, double scale);

}  // namespace llmsim::llm::detail
