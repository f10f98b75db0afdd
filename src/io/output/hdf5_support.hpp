// SPDX-License-Identifier: MIT
// HDF5 helpers shared by the result writer and the sweep store: handle ownership, checked calls, attributes,
// compound datasets from record schemas, and the run-results layout.
#pragma once

#include <hdf5.h>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "llmsim/io/result_writers.hpp"
#include "llmsim/util/error.hpp"
#include "record_schema.hpp"

namespace llmsim::io::detail {

/// Owns one HDF5 identifier and closes it with the matching H5*close.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

/// Checked HDF5 calls whose errors name the file.
class Writer {
 public:
  /// `compress`: shuffle + deflate (level 1) on datasets above kChunkRows rows, in chunks of that size.
  explicit Writer(std::string path, bool compress = false) : path_(std::move(path)), compress_(compress) {}

  hid_t check(hid_t id, const char* call) const {
    if (id < 0) throw Error(path_ + ": HDF5 " + call + " failed");
    return id;
  }

  void string_attr(hid_t obj, const char* name, const std::string& value) const;

  template <typename T>
  void scalar_attr(hid_t obj, const char* name, hid_t file_type, hid_t mem_type, T value) const {
    Handle space(check(H5Screate(H5S_SCALAR), "H5Screate"), H5Sclose);
    Handle attr(check(H5Acreate2(obj, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT), "H5Acreate2"), H5Aclose);
    check(H5Awrite(attr.get(), mem_type, &value), "H5Awrite");
  }

  /// 1-D compound dataset `schema.name` under `loc` (little-endian, packed; compressed when large and asked for),
  /// with `units` and `description` attributes.
  void dataset(hid_t loc, const Schema& schema, const void* rows, std::size_t count) const;

  /// Creates the 1-D dataset `name` of `count` rows of `file_type` (chunked and compressed when large and asked
  /// for), without timestamps.
  hid_t create_dataset(hid_t loc, const char* name, hid_t file_type, std::size_t count) const;

  /// 1-D dataset `name` of `count` rows of a compound type (`mem_type` in memory, `file_type` on disk), compressed
  /// when large and asked for, without timestamps, with the given string attributes in order.
  void compound_dataset(hid_t loc, const char* name, hid_t file_type, hid_t mem_type, const void* rows,
                        std::size_t count, const std::vector<std::pair<const char*, std::string>>& attrs) const;

  /// H5Dwrite of `bytes` bytes of rows, with HDF5's type-conversion buffers sized to them (64 to 256 KiB instead of
  /// HDF5's 1 MiB): HDF5 allocates and zeroes them for every write that converts (padded rows in memory, packed on
  /// disk), and at 1 MiB each they were about a quarter of a small run's fresh memory pages.
  void write_rows(hid_t dataset, hid_t mem_type, hid_t mem_space, hid_t file_space, const void* rows,
                  std::size_t bytes) const;

  /// Creates (truncates) a file with object timestamps off, so equal content gives equal bytes.
  hid_t create_file() const;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool compress_ = false;
};

/// A dataset of Writer::dataset's layout whose rows come in pieces of any size, in row order. Rows are written a
/// whole chunk (kChunkRows) at a time, so every chunk is written once and the file equals one written at once.
class DatasetStream {
 public:
  DatasetStream(const Writer& w, hid_t loc, const Schema& schema, std::size_t count);
  /// The next `n` rows (schema.record_size bytes each). Throws Error beyond `count` rows.
  void append(const void* rows, std::size_t n);
  /// Writes the last rows and the `units` and `description` attributes. Throws Error unless `count` rows came.
  void close();

 private:
  /// Fills `mem` with the schema's fields and creates the dataset with their packed little-endian file type.
  static hid_t create(const Writer& w, hid_t loc, const Schema& schema, hid_t mem, std::size_t count);
  void write(const std::byte* rows, std::size_t n);
  std::size_t pending_rows() const { return pending_.size() / schema_.record_size; }

  const Writer& w_;
  const Schema& schema_;
  Handle mem_;
  Handle ds_;
  std::size_t count_;
  std::size_t written_ = 0;
  std::vector<std::byte> pending_;  // rows of an incomplete chunk
};

/// The `format_version` root attribute of run and sweep files (docs/hdf5-schema.md has the history).
inline constexpr std::int32_t kFormatVersion = 2;

/// A 1-D compound dataset from JSON rows with equal keys: strings become variable-length UTF-8 strings,
/// integers int64, other numbers (null = NaN) float64. Readable as `pandas.DataFrame(f[name][()])` (h5py returns
/// the strings as bytes).
void write_json_table(const Writer& w, hid_t loc, const char* name, const char* description,
                      const std::vector<nlohmann::ordered_json>& rows);

/// Writes a run's datasets, its /summary group and its attributes under `loc` (write_hdf5's layout).
void write_results(const Writer& w, hid_t loc, const llm::SimulationResults& r, const RunMetadata& meta);
/// write_results without /requests (written before, e.g. streamed into a DatasetStream of request_schema()).
void write_results_after_requests(const Writer& w, hid_t loc, const llm::SimulationResults& r,
                                  const RunMetadata& meta);

}  // namespace llmsim::io::detail
