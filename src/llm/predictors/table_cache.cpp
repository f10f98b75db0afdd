// SPDX-License-Identifier: MIT
// Binary table cache: "llmsimT1", grid and value counts (u64), the grid (i64), the values (f64), native byte order.
#include "table_cache.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <filesystem>
#include <fstream>

#include "llmsim/util/content_digest.hpp"
#include "llmsim/util/temp_path.hpp"

namespace llmsim::llm::detail {

namespace {

namespace fs = std::filesystem;
constexpr std::array<char, 8> kMagic{'l', 'l', 'm', 's', 'i', 'm', 'T', '1'};

std::string cache_path(const std::string& dir, const std::string& source, const char* kind) {
  return (fs::path(dir) / "tables" / (file_digest(source) + "-" + kind + ".bin")).string();
}

}  // namespace

std::optional<CachedTable> load_cached_table(const std::string& dir, const std::string& source, const char* kind) {
  const std::string path = cache_path(dir, source, kind);
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::array<char, 8> magic{};
  std::uint64_t counts[2] = {0, 0};
  in.read(magic.data(), magic.size());
  in.read(reinterpret_cast<char*>(counts), sizeof counts);
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  const std::uint64_t expected = sizeof magic + sizeof counts + 8 * (counts[0] + counts[1]);
  if (!in || magic != kMagic || ec || counts[0] > 16 || counts[1] > (std::uint64_t{1} << 32) || size != expected) {
    return std::nullopt;
  }
  CachedTable t;
  t.grid.resize(counts[0]);
  t.values.resize(counts[1]);
  in.read(reinterpret_cast<char*>(t.grid.data()), static_cast<std::streamsize>(8 * counts[0]));
  in.read(reinterpret_cast<char*>(t.values.data()), static_cast<std::streamsize>(8 * counts[1]));
  if (!in) return std::nullopt;
  return t;
}

void store_cached_table(const std::string& dir, const std::string& source, const char* kind, const CachedTable& table) {
  const std::string path = cache_path(dir, source, kind);
  const std::string tmp = unique_temp_path(path);
  try {
    fs::create_directories(fs::path(path).parent_path());
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      const std::uint64_t counts[2] = {table.grid.size(), table.values.size()};
      out.write(kMagic.data(), kMagic.size());
      out.write(reinterpret_cast<const char*>(counts), sizeof counts);
      out.write(reinterpret_cast<const char*>(table.grid.data()), static_cast<std::streamsize>(8 * counts[0]));
      out.write(reinterpret_cast<const char*>(table.values.data()), static_cast<std::streamsize>(8 * counts[1]));
      if (!out) throw fs::filesystem_error("write failed", tmp, std::make_error_code(std::errc::io_error));
    }
    fs::rename(tmp, path);
  } catch (const std::exception& e) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    spdlog::warn("prediction table cache '{}' not written ({}); the table is parsed again next time", path, e.what());
  }
}

}  // namespace llmsim::llm::detail
