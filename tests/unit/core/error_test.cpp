// SPDX-License-Identifier: MIT
// Error messages: words over 256 characters are cut to 80 and their length, everything else is kept as written.
#include "llmsim/util/error.hpp"

#include <gtest/gtest.h>

#include <string>

namespace llmsim {
namespace {

TEST(ErrorMessage, KeepsWordsUpTo256CharactersWhole) {
  const std::string path(255, 'p');  // with its ':' a word of exactly 256 characters
  const std::string message = "c.yaml: cluster.replica.model: " + path + ": not found\n  valid: a, b";
  EXPECT_EQ(ConfigError(message).what(), message);
}

TEST(ErrorMessage, CutsALongerWordToItsFirst80CharactersAndLength) {
  const std::string name = "'" + std::string(10000, 'x') + "';";
  const std::string shown = ConfigError("key: unknown value " + name + " valid: vllm, orca").what();
  EXPECT_EQ(shown, "key: unknown value '" + std::string(79, 'x') + "...[10003 characters] valid: vllm, orca");
}

TEST(ErrorMessage, CutsEveryLongWordAndKeepsTheBlanksBetween) {
  const std::string w(300, 'a');
  EXPECT_EQ(shorten_long_words(w + "\t" + w + "\n"),
            std::string(80, 'a') + "...[300 characters]\t" + std::string(80, 'a') + "...[300 characters]\n");
}

TEST(ErrorMessage, DoesNotCutInsideAUtf8Character) {
  // 79 ASCII bytes then 'é' (2 bytes) straddles the 80-byte cut: the whole character is dropped, not half of it.
  const std::string word = std::string(79, 'a') + "\xC3\xA9" + std::string(300, 'b');
  EXPECT_EQ(shorten_long_words(word), std::string(79, 'a') + "...[381 characters]");
}

}  // namespace
}  // namespace llmsim
