// SPDX-License-Identifier: MIT
// Binary table cache: "llmsimT1", grid and value counts (u64), the grid (i64), the values (f64), native byte order.
#include "table_cache.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "llmsim/util/content_digest.hpp"
#include "llmsim/util/temp_path.hpp"

namespace llmsim::llm::detail {

namespace {

namespace fs = std::filesystem;
constexpr std::array<char, 8> kMagic{'l', 'l', 'm', 's', 'i', 'm', 'T', '1'};
constexpr std::size_t kHeaderBytes = 24;  // the magic and the two counts

std::string cache_path(const std::string& dir, const std::string& source, const char* kind) {
  return (fs::path(dir) / "tables" / (file_digest(source, DigestAlgorithm::xxh3_128) + "-" + kind + ".bin")).string();
}

}  // namespace

TableValues::TableValues(std::vector<double> values) {
  auto owned = std::make_shared<const std::vector<double>>(std::move(values));
  data_ = owned->data();
  size_ = owned->size();
  storage_ = std::move(owned);
}

std::optional<CachedTable> load_cached_table(const std::string& dir, const std::string& source, const char* kind) {
  const std::string path = cache_path(dir, source, kind);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  // The header is checked against the file's size before anything is mapped.
  std::array<char, kHeaderBytes> header{};
  std::uint64_t counts[2] = {0, 0};
  struct stat st {};
  bool valid = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
               ::pread(fd, header.data(), header.size(), 0) == static_cast<ssize_t>(header.size());
  if (valid) {
    std::memcpy(counts, header.data() + kMagic.size(), sizeof counts);
    valid = std::equal(kMagic.begin(), kMagic.end(), header.begin()) && counts[0] <= 16 &&
            counts[1] <= (std::uint64_t{1} << 32) &&
            static_cast<std::uint64_t>(st.st_size) == kHeaderBytes + 8 * (counts[0] + counts[1]);
  }
  const std::size_t size = valid ? static_cast<std::size_t>(st.st_size) : 0;
  void* map = valid ? ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0) : MAP_FAILED;
  ::close(fd);
  if (map == MAP_FAILED) return std::nullopt;
  std::shared_ptr<const void> mapping(map, [size](const void* p) { ::munmap(const_cast<void*>(p), size); });
  const auto* bytes = static_cast<const char*>(map);
  CachedTable t;
  t.grid.resize(counts[0]);
  if (counts[0] > 0) std::memcpy(t.grid.data(), bytes + kHeaderBytes, 8 * counts[0]);  // token tables have no grid
  // The values start 8-byte aligned: the mapping is page-aligned and the header and grid are 8-byte words.
  const auto* values = reinterpret_cast<const double*>(bytes + kHeaderBytes + 8 * counts[0]);
  t.values = TableValues(std::move(mapping), values, counts[1]);
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
      out.write(reinterpret_cast<const char*>(table.values.begin()), static_cast<std::streamsize>(8 * counts[1]));
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
