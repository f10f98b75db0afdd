// SPDX-License-Identifier: MIT
// CsvTable: zlib gzread (transparent for plain files; a gzip stream must be complete, CRC and length checked),
// line splitting, std::from_chars conversion.
#include "llmsim/util/csv_table.hpp"

#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <memory>
#include <unordered_map>

#include "llmsim/util/error.hpp"

namespace llmsim {

namespace {

// Vidur's largest tables and traces are tens of MB of text; 256 MiB is a broken (or decompression-bomb) input.
constexpr std::size_t kMaxTextBytes = std::size_t{256} << 20;

// zlib reads a plain file transparently; a file named *.gz that is not gzip is refused so that a mislabelled file
// is named for what it is instead of failing later as a table without rows or columns.
void check_gzip_magic(const std::string& path) {
  if (path.size() < 3 || path.compare(path.size() - 3, 3, ".gz") != 0) return;
  std::ifstream in(path, std::ios::binary);
  char magic[2] = {};
  in.read(magic, 2);
  if (in.gcount() == 2 && magic[0] == '\x1f' && magic[1] == '\x8b') return;
  throw InputError(path + ": not gzip-compressed although its name ends in .gz (" +
                   (in.gcount() == 0 ? std::string("the file is empty") : "no gzip header") +
                   "); compress it with gzip, or drop the .gz from its name if it is plain CSV");
}

std::string read_all(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw InputError(path + ": not a regular file (a FIFO, device or directory cannot be read as a table)");
  }
  check_gzip_magic(path);
  const std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"), gzclose);
  if (!file) throw InputError(path + ": cannot open file");
  std::string data;
  std::vector<char> buffer(1 << 16);
  for (;;) {
    const int n = gzread(file.get(), buffer.data(), static_cast<unsigned>(buffer.size()));
    if (n < 0) {
      int code = Z_OK;
      throw InputError(std::string(gzerror(file.get(), &code)) + " (corrupt gzip data)");
    }
    if (n == 0) break;
    data.append(buffer.data(), static_cast<std::size_t>(n));
    if (data.size() > kMaxTextBytes) throw InputError(path + ": more than 256 MiB of text (after decompression)");
  }
  // A gzip stream cut short reads like a shorter file; zlib reports it only here (Z_BUF_ERROR: no trailer).
  int code = Z_OK;
  const char* message = gzerror(file.get(), &code);
  if (code != Z_OK) throw InputError(std::string(message) + " (truncated gzip file)");
  return data;
}

std::string_view next_line(std::string_view data, std::size_t& pos) {
  const std::size_t end = data.find('\n', pos);
  std::string_view line = data.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
  pos = end == std::string_view::npos ? data.size() : end + 1;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

void split_into(std::string_view line, std::vector<std::string_view>& out) {
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    out.push_back(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) return;
    start = comma + 1;
  }
}

}  // namespace

CsvTable CsvTable::read(const std::string& path) {
  try {
    return parse(path, read_all(path));
  } catch (const std::bad_alloc&) {
    throw InputError(path + ": too large to read into memory");
  }
}

CsvTable CsvTable::parse(const std::string& path, std::string text) {
  CsvTable t;
  t.path_ = path;
  t.data_ = std::move(text);
  std::string_view data(t.data_);
  if (data.substr(0, 3) == "\xEF\xBB\xBF") data.remove_prefix(3);  // a UTF-8 byte-order mark (Excel writes one)
  std::size_t pos = 0;
  std::vector<std::string_view> header;
  split_into(next_line(data, pos), header);
  std::unordered_map<std::string_view, std::size_t> first_column;
  for (std::size_t c = 0; c < header.size(); ++c) {
    const auto [it, fresh] = first_column.emplace(header[c], c);
    if (!fresh && !header[c].empty()) {
      throw InputError(path + ":1: column '" + std::string(header[c]) + "' appears twice (columns " +
                       std::to_string(it->second + 1) + " and " + std::to_string(c + 1) +
                       "): which one is meant is ambiguous; rename or drop one");
    }
    t.header_.emplace_back(header[c]);
  }
  for (std::size_t line_no = 2; pos < data.size(); ++line_no) {
    const std::string_view line = next_line(data, pos);
    if (line.empty()) continue;
    const std::size_t cells = static_cast<std::size_t>(std::count(line.begin(), line.end(), ',')) + 1;
    if (cells != t.header_.size()) {
      throw InputError(path + ":" + std::to_string(line_no) + ": expected " + std::to_string(t.header_.size()) +
                       " cells, found " + std::to_string(cells));
    }
    t.rows_.push_back(line);
    t.row_lines_.push_back(line_no);
  }
  t.num_rows_ = t.rows_.size();
  if (t.num_rows_ == 0) throw InputError(path + ": no data rows (a header alone is not a trace, table or profile)");
  return t;
}

bool CsvTable::has_column(const std::string& name) const {
  for (const std::string& h : header_) {
    if (h == name) return true;
  }
  return false;
}

std::size_t CsvTable::index_of(const std::string& name) const {
  for (std::size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return i;
  }
  std::string found;
  for (const std::string& h : header_) found += (found.empty() ? "" : ", ") + h;
  throw InputError(path_ + ": missing column '" + name + "' (columns found: " + found + ")");
}

std::vector<double> CsvTable::numeric_column(const std::string& name, std::optional<double> empty_value) const {
  const std::size_t c = index_of(name);
  std::vector<double> out(num_rows_);
  for (std::size_t r = 0; r < num_rows_; ++r) {
    const std::string_view cell = cell_at(r, c);
    if (cell.empty() && empty_value) {
      out[r] = *empty_value;
      continue;
    }
    const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), out[r]);
    if (ec != std::errc() || end != cell.data() + cell.size() || cell.empty()) {
      throw InputError(path_ + ":" + std::to_string(row_lines_[r]) + ": column '" + name + "': not a number: '" +
                       std::string(cell) + "'");
    }
  }
  return out;
}

std::string_view CsvTable::row_text(std::size_t row) const { return rows_[row]; }

std::string_view CsvTable::cell_at(std::size_t row, std::size_t column) const {
  const std::string_view line = rows_[row];
  std::size_t start = 0;
  for (std::size_t c = 0; c < column; ++c) start = line.find(',', start) + 1;
  const std::size_t end = line.find(',', start);
  return line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

std::vector<std::string_view> CsvTable::text_column(const std::string& name) const {
  const std::size_t c = index_of(name);
  std::vector<std::string_view> out(num_rows_);
  for (std::size_t r = 0; r < num_rows_; ++r) out[r] = cell_at(r, c);
  return out;
}

}  // namespace llmsim
