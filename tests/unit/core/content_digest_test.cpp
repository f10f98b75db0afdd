// SPDX-License-Identifier: MIT
// ContentDigest: published SHA-1 and XXH3-128 values, files read in blocks, and the separator of add_text.
#include "llmsim/util/content_digest.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "llmsim/util/error.hpp"

namespace llmsim {
namespace {

namespace fs = std::filesystem;

std::string write_file(const std::string& name, const std::string& bytes) {
  const fs::path dir = fs::temp_directory_path() / "llmsim_content_digest";
  fs::create_directories(dir);
  const std::string path = (dir / name).string();
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

TEST(ContentDigest, FileDigestsAreThePublishedValues) {
  // FIPS 180 example "abc"; XXH3-128 of empty input (xxHash's sanity-check table, seed 0).
  EXPECT_EQ(file_digest(write_file("abc", "abc"), DigestAlgorithm::sha1), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(file_digest(write_file("empty", ""), DigestAlgorithm::xxh3_128), "99aa06d3014798d86001c324468d497f");
}

TEST(ContentDigest, AFileLongerThanOneReadBlockDigestsLikeItsTextAndAnyByteChangesIt) {
  std::string bytes(200000, 'x');  // three 64 KiB blocks and a partial one
  for (std::size_t i = 0; i < bytes.size(); i += 7) bytes[i] = static_cast<char>('a' + i % 26);
  for (const DigestAlgorithm a : {DigestAlgorithm::sha1, DigestAlgorithm::xxh3_128}) {
    ContentDigest text(a);
    text.add_text(bytes);  // the bytes and a zero byte
    ContentDigest file(a);
    file.add_file(write_file("long", bytes + std::string(1, '\0')));
    EXPECT_EQ(file.hex(), text.hex());
    std::string changed = bytes;
    changed[131073] ^= 1;
    EXPECT_NE(file_digest(write_file("changed", changed), a), file_digest(write_file("same", bytes), a));
  }
}

TEST(ContentDigest, TextsAreSeparatedAndHexDoesNotEndTheDigest) {
  ContentDigest ab_c(DigestAlgorithm::xxh3_128);
  ab_c.add_text("ab");
  ab_c.add_text("c");
  ContentDigest a_bc(DigestAlgorithm::xxh3_128);
  a_bc.add_text("a");
  a_bc.add_text("bc");
  EXPECT_NE(ab_c.hex(), a_bc.hex());
  EXPECT_EQ(ab_c.hex().size(), 32u);
  const std::string before = a_bc.hex();
  a_bc.add_text("");
  EXPECT_NE(a_bc.hex(), before);
}

TEST(ContentDigest, AMissingFileIsAnErrorNamingIt) {
  try {
    file_digest("/nonexistent/llmsim-digest", DigestAlgorithm::sha1);
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/llmsim-digest: cannot open"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace llmsim
