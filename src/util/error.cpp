// SPDX-License-Identifier: MIT
// Error: messages with over-long words cut.
#include "llmsim/util/error.hpp"

namespace llmsim {

namespace {

constexpr std::size_t kLongWord = 256;
constexpr std::size_t kShownCharacters = 80;

bool is_blank(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

}  // namespace

std::string shorten_long_words(const std::string& message) {
  std::string out;
  std::size_t pos = 0;
  while (pos < message.size()) {
    std::size_t end = pos;
    while (end < message.size() && !is_blank(message[end])) ++end;
    if (end - pos > kLongWord) {
      std::size_t cut = pos + kShownCharacters;
      while (cut > pos && (static_cast<unsigned char>(message[cut]) & 0xC0U) == 0x80U) --cut;  // whole UTF-8 only
      out.append(message, pos, cut - pos);
      out.append("...[").append(std::to_string(end - pos)).append(" characters]");
    } else {
      out.append(message, pos, end - pos);
    }
    if (end < message.size()) out.push_back(message[end++]);
    pos = end;
  }
  return out;
}

Error::Error(const std::string& message) : std::runtime_error(shorten_long_words(message)) {}

}  // namespace llmsim
