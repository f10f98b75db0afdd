// SPDX-License-Identifier: MIT
// Parsing `YYYY-MM-DD HH:MM:SS[.ffffff]` timestamps of Vidur's arrival traces.
#pragma once

#include <string>
#include <string_view>

namespace llmsim::llm::detail {

/// Seconds since 1970-01-01 00:00:00 (UTC, proleptic Gregorian). `where` prefixes the InputError message.
double parse_datetime_seconds(std::string_view text, const std::string& where);

}  // namespace llmsim::llm::detail
