// SPDX-License-Identifier: MIT
// Writing SimulationResults: one HDF5 file (h5py/pandas-readable), optional CSVs and a Chrome trace.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "llmsim/io/staged_files.hpp"
#include "llmsim/llm/results.hpp"

namespace llmsim::io {

/// Facts about the run stored as root attributes of the HDF5 file.
struct RunMetadata {
  std::string config_json;  ///< resolved config (config_to_json)
  std::uint64_t seed = 0;
  std::int32_t num_ranks = 1;
  std::string partition = "single";  ///< how replicas were spread over ranks
  /// Compress tables above 65,536 rows (shuffle + deflate level 1): much smaller files, but slower to write and
  /// ~9x slower to read (measured in docs/design.md, "Output"), so off by default (llmsim --compress).
  bool compress = false;
  bool tokens = false;       ///< write /tokens (metrics.store_token_completion_metrics), even when empty
  bool time_series = false;  ///< write /timeseries (metrics.store_time_series), even when empty
  bool disaggregated = false;  ///< write /kv_transfers (prefill and decode pools), even when empty
};

/// Each writer writes into `staged` (StagedFiles::stage); nothing is in place before staged.commit().

/// Writes the HDF5 results for `path`: datasets /requests, /batches, /replica_stages, /replicas, /operator_times
/// (and /tokens, /timeseries when asked for) as 1-D compound datasets, each with a JSON `units` attribute; the
/// /summary group's attributes (docs/hdf5-schema.md); root attributes from `meta`. Object timestamps are
/// disabled, so equal results give byte-identical files.
void write_hdf5(const llm::SimulationResults& results, const RunMetadata& meta, const std::string& path,
                StagedFiles& staged);

/// write_hdf5 in two steps, for request rows that stream in during the run instead of being held: the file is
/// staged and /requests created for `num_requests` rows at construction; the rows arrive through request_rows()
/// (llm::Simulation::stream_request_rows); finish() writes everything else from `results` (whose `requests` it
/// does not read). The file's bytes equal write_hdf5's for the same results.
class Hdf5ResultFile {
 public:
  Hdf5ResultFile(const RunMetadata& meta, std::size_t num_requests, const std::string& path, StagedFiles& staged);
  ~Hdf5ResultFile();
  Hdf5ResultFile(const Hdf5ResultFile&) = delete;
  Hdf5ResultFile& operator=(const Hdf5ResultFile&) = delete;

  /// Takes the request rows in id order; throws Error beyond `num_requests` rows.
  llm::RequestRowSink& request_rows();
  /// Writes the other datasets, /summary and the attributes, and closes the file. Throws Error unless every request
  /// row arrived.
  void finish(const llm::SimulationResults& results);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Writes requests.csv, batches.csv, replica_stages.csv and replicas.csv for `dir` (created if missing), and
/// tokens.csv and timeseries.csv when the results hold tokens or time series.
void write_csv(const llm::SimulationResults& results, const std::string& dir, StagedFiles& staged);

/// Writes a chrome://tracing JSON file with one complete event per batch stage (pid = replica, tid = stage).
void write_chrome_trace(const llm::SimulationResults& results, const std::string& path, StagedFiles& staged);

}  // namespace llmsim::io
