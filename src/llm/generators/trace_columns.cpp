// SPDX-License-Identifier: MIT
// scaled_token_counts: the one place trace token counts become integers.
#include "trace_columns.hpp"

#include <spdlog/fmt/fmt.h>

#include <cmath>

#include "llmsim/util/error.hpp"

namespace llmsim::llm::detail {

namespace {
constexpr double kMaxTokenCount = 9007199254740992.0;  // 2^53: every integer below is exact in a double
}  // namespace

std::vector<std::int64_t> scaled_token_counts(const CsvTable& trace, const std::string& name, double scale) {
  const std::vector<double> raw = trace.numeric_column(name);
  std::vector<std::int64_t> out(raw.size());
  for (std::size_t r = 0; r < raw.size(); ++r) {
    const double scaled = raw[r] * scale;
    if (!std::isfinite(raw[r]) || raw[r] < 1.0 || !(scaled < kMaxTokenCount)) {
      throw InputError(fmt::format("{}:{}: column '{}': {:g} is not a token count (expected a finite number >= 1, "
                                   "below 2^53 after the scale factor {:g})",
                                   trace.path(), trace.line_of(r), name, raw[r], scale));
    }
    if (raw[r] != std::floor(raw[r])) {
      throw InputError(fmt::format("{}:{}: column '{}': {:g} is not a whole number of tokens (a trace counts tokens; "
                                   "scale fractionally with prefill_scale_factor / decode_scale_factor instead)",
                                   trace.path(), trace.line_of(r), name, raw[r]));
    }
    out[r] = static_cast<std::int64_t>(scaled);
  }
  return out;
}

}  // namespace llmsim::llm::detail
