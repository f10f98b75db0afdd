// SPDX-License-Identifier: MIT
// SweepStore: the on-disk state of a sweep. Every finished configuration is one HDF5 file in
// `<output>.parts/`, written to a temporary name and renamed, so a kill loses only the configurations in
// flight and never damages finished ones; a checksum file per part detects parts changed or swapped later.
// merge() assembles the sweep file from the intact parts.
#pragma once

#include <cstdint>
#include <set>
#include <utility>
#include <string>
#include <vector>

#include "llmsim/io/result_writers.hpp"
#include "llmsim/llm/results.hpp"

namespace llmsim::io {

/// One capacity-search probe, as stored in `capacity_search`.
struct ProbeRow {
  double qps = 0;
  double metric_value = 0;
  std::uint8_t under_slo = 0;
};

/// Everything stored for one finished configuration.
struct SweepPart {
  std::string id;
  std::string label;
  std::string overrides_json;  ///< JSON list of the `key=value` overrides applied to the base config
  std::string summary_json;    ///< its row of the summary table (JSON object)
  const llm::SimulationResults* results = nullptr;
  RunMetadata meta;            ///< of the stored run
  bool searched = false;       ///< a capacity search ran (then `probes` is written)
  std::vector<ProbeRow> probes;
  std::int32_t rank = 0;        ///< which rank ran it (timing table only)
  double wall_seconds = 0;      ///< (timing table only)
  std::uint64_t total_events = 0;
};

/// What the sweep file records about the sweep itself.
struct SweepFileInfo {
  std::string name;
  std::string definition_text;
  std::string capacity_search_json;  ///< the search spec as JSON (`null` without a search)
  std::vector<std::string> ids;     ///< every configuration, in expansion order
  std::vector<std::string> labels;  ///< same order
};

class SweepStore {
 public:
  /// `output_path` is the sweep's HDF5 file; parts live in `output_path + ".parts"` (created if missing).
  explicit SweepStore(std::string output_path);

  const std::string& output_path() const { return output_; }
  const std::string& parts_dir() const { return parts_; }

  /// The part files found: intact ones (their SHA-1 and configuration id match `<id>.h5.sha1`, written with
  /// the part) and damaged ones with the reason (no or another checksum file, changed bytes, unreadable).
  struct Scan {
    std::set<std::string> intact;
    std::vector<std::pair<std::string, std::string>> damaged;  ///< (id, reason), sorted by id
  };
  Scan scan() const;

  /// Ids with an intact part file (scan().intact).
  std::set<std::string> finished_ids() const;

  /// Renames a damaged part to `<id>.h5.damaged` (kept for inspection) so that its configuration runs again.
  void set_aside(const std::string& id) const;

  /// Writes `<id>.h5` atomically: results as in a single llmsim run (same datasets and attributes), plus
  /// `capacity_search` when searched and the attributes sweep_id, label, overrides and summary; its checksum
  /// file `<id>.h5.sha1` ("<sha1> <id>") is written first.
  void write_part(const SweepPart& part) const;

  /// Writes the sweep file atomically: /configs/<id> (a copy of each part without its timing attributes),
  /// /summary (one row per configuration, expansion order), /timing (rank, wall seconds, events per
  /// configuration) and root attributes (sweep_name, sweep_definition, capacity_search, num_configs,
  /// num_finished, complete).
  /// Throws Error listing the missing configurations unless `allow_partial`, and InputError naming any damaged
  /// part of the sweep (a run sets those aside and recomputes them). Returns the number merged.
  /// A complete merge also deletes temporary files left by interrupted writers.
  std::size_t merge(const SweepFileInfo& info, bool allow_partial) const;

 private:
  std::string part_path(const std::string& id) const;
  std::string checksum_path(const std::string& id) const;
  std::string output_;
  std::string parts_;
};

}  // namespace llmsim::io
