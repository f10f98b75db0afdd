// SPDX-License-Identifier: MIT
// CsvTable: plain and gzip files, refusals of duplicated columns and of a plain file named .gz.
#include "llmsim/util/csv_table.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "llmsim/util/error.hpp"

namespace llmsim {
namespace {

namespace fs = std::filesystem;

std::string write_file(const std::string& name, const std::string& text, bool compress) {
  const fs::path dir = fs::temp_directory_path() / "llmsim_csv_table";
  fs::create_directories(dir);
  const std::string path = (dir / name).string();
  if (compress) {
    gzFile f = gzopen(path.c_str(), "wb");
    gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
    gzclose(f);
  } else {
    std::ofstream(path, std::ios::binary) << text;
  }
  return path;
}

std::string error_of(const std::string& path) {
  try {
    CsvTable::read(path);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(CsvTable, ReadsGzipAndPlainTextAlike) {
  const std::string text = "a,b\n1,2\n3,4\n";
  for (const std::string& path : {write_file("t.csv.gz", text, true), write_file("t.csv", text, false)}) {
    const CsvTable t = CsvTable::read(path);
    EXPECT_EQ(t.rows(), 2U);
    EXPECT_EQ(t.numeric_column("b"), (std::vector<double>{2, 4}));
  }
}

TEST(CsvTable, RefusesAColumnNamedTwiceNamingBothPositions) {
  const std::string path = write_file("dup.csv", "x,a,b,a\n0,1,2,3\n", false);
  EXPECT_EQ(error_of(path), path + ":1: column 'a' appears twice (columns 2 and 4): which one is meant is "
                                   "ambiguous; rename or drop one");
}

TEST(CsvTable, AllowsSeveralUnnamedColumns) {
  EXPECT_EQ(CsvTable::read(write_file("unnamed.csv", ",a,\n0,1,2\n", false)).numeric_column("a"),
            std::vector<double>{1});
}

TEST(CsvTable, RefusesAPlainOrEmptyFileNamedGz) {
  const std::string plain = write_file("plain.csv.gz", "a,b\n1,2\n", false);
  EXPECT_NE(error_of(plain).find(plain + ": not gzip-compressed although its name ends in .gz (no gzip header)"),
            std::string::npos);
  const std::string empty = write_file("empty.csv.gz", "", false);
  EXPECT_NE(error_of(empty).find("(the file is empty)"), std::string::npos);
}

}  // namespace
}  // namespace llmsim
