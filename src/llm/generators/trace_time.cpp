// SPDX-License-Identifier: MIT
// Timestamp parsing without the C library's time-zone dependent functions.
#include "trace_time.hpp"

#include <charconv>
#include <chrono>

#include "llmsim/util/error.hpp"

namespace llmsim::llm::detail {

namespace {

bool read_int(std::string_view s, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > s.size()) return false;
  const auto [end, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, out);
  return ec == std::errc() && end == s.data() + pos + len;
}

}  // namespace

double parse_datetime_seconds(std::string_view s, const std::string& where) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  const bool ok = read_int(s, 0, 4, y) && s.size() >= 19 && s[4] == '-' && read_int(s, 5, 2, mo) && s[7] == '-' &&
                  read_int(s, 8, 2, d) && (s[10] == ' ' || s[10] == 'T') && read_int(s, 11, 2, h) && s[13] == ':' &&
                  read_int(s, 14, 2, mi) && s[16] == ':' && read_int(s, 17, 2, sec);
  const std::chrono::year_month_day date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                                         std::chrono::day{static_cast<unsigned>(d)}};
  if (!ok || !date.ok() || h > 23 || mi > 59 || sec > 60) {
    throw InputError(where + ": not a 'YYYY-MM-DD HH:MM:SS' timestamp: '" + std::string(s) + "'");
  }
  double fraction = 0;
  if (s.size() > 19) {
    const auto [end, ec] = std::from_chars(s.data() + 19, s.data() + s.size(), fraction);
    if (s[19] != '.' || ec != std::errc() || end != s.data() + s.size()) {
      throw InputError(where + ": bad fractional seconds in '" + std::string(s) + "'");
    }
  }
  const auto days = std::chrono::sys_days(date).time_since_epoch().count();
  return static_cast<double>(days) * 86400.0 + h * 3600.0 + mi * 60.0 + sec + fraction;
}

}  // namespace llmsim::llm::detail
