// SPDX-License-Identifier: MIT
// SweepStore: atomic per-configuration part files and their merge into one sweep HDF5 file.
#include "llmsim/io/sweep_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "hdf5_support.hpp"
#include "output_file.hpp"
#include "llmsim/util/content_digest.hpp"
#include "llmsim/util/error.hpp"
#include "llmsim/util/temp_path.hpp"

namespace llmsim::io {

namespace {

using detail::Handle;
using detail::Writer;
namespace fs = std::filesystem;

constexpr const char* kPartSuffix = ".h5";
constexpr const char* kTmpMarker = ".h5.tmp-";
constexpr const char* kChecksumSuffix = ".sha1";

const detail::Schema& probe_schema() {
  static const detail::Schema s{
      "capacity_search",
      "Capacity-search probes in probing order: QPS, the SLO metric's quantile (s; goodput: the fraction of requests "
      "that missed an SLO), whether it met the SLO",
      sizeof(ProbeRow),
      {{"qps", offsetof(ProbeRow, qps), detail::FieldType::Float64, "1/s"},
       {"metric_value", offsetof(ProbeRow, metric_value), detail::FieldType::Float64, "s"},
       {"under_slo", offsetof(ProbeRow, under_slo), detail::FieldType::UInt8, "bool"}}};
  return s;
}

void fsync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw Error(path + ": cannot reopen to sync");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw Error(path + ": fsync failed");
}

std::string read_string_attr(const Writer& w, hid_t obj, const char* name) {
  Handle attr(w.check(H5Aopen(obj, name, H5P_DEFAULT), "H5Aopen"), H5Aclose);
  Handle type(w.check(H5Tcopy(H5T_C_S1), "H5Tcopy"), H5Tclose);
  w.check(H5Tset_size(type.get(), H5T_VARIABLE), "H5Tset_size");
  w.check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "H5Tset_cset");
  char* data = nullptr;
  w.check(H5Aread(attr.get(), type.get(), &data), "H5Aread");
  std::string out = data ? data : "";
  H5free_memory(data);
  return out;
}

template <typename T>
T read_scalar_attr(const Writer& w, hid_t obj, const char* name, hid_t mem_type) {
  Handle attr(w.check(H5Aopen(obj, name, H5P_DEFAULT), "H5Aopen"), H5Aclose);
  T value{};
  w.check(H5Aread(attr.get(), mem_type, &value), "H5Aread");
  return value;
}

void remove_temporaries(const std::string& dir) {
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().find(kTmpMarker) != std::string::npos) fs::remove(e.path());
  }
}

}  // namespace

SweepStore::SweepStore(std::string output_path) : output_(std::move(output_path)), parts_(output_ + ".parts") {
  fs::create_directories(parts_);
}

std::string SweepStore::part_path(const std::string& id) const { return parts_ + "/" + id + kPartSuffix; }

std::string SweepStore::checksum_path(const std::string& id) const { return part_path(id) + kChecksumSuffix; }

SweepStore::Scan SweepStore::scan() const {
  std::vector<std::string> ids;
  for (const fs::directory_entry& e : fs::directory_iterator(parts_)) {
    if (e.is_regular_file() && e.path().extension() == kPartSuffix) ids.push_back(e.path().stem().string());
  }
  std::sort(ids.begin(), ids.end());
  Scan out;
  for (const std::string& id : ids) {
    std::ifstream in(checksum_path(id));
    std::string want, owner;
    if (!(in >> want >> owner)) {
      out.damaged.emplace_back(id, "no checksum file " + checksum_path(id) + " (an interrupted or older writer)");
      continue;
    }
    if (owner != id) {
      out.damaged.emplace_back(id, "its checksum file belongs to configuration " + owner + " (a renamed part)");
      continue;
    }
    std::string got;
    try {
      got = file_digest(part_path(id), DigestAlgorithm::sha1);
    } catch (const Error& e) {
      out.damaged.emplace_back(id, std::string("unreadable: ") + e.what());
      continue;
    }
    if (got != want) {
      out.damaged.emplace_back(id, "its bytes changed after it was written (SHA-1 " + got + ", recorded " + want + ")");
      continue;
    }
    out.intact.insert(id);
  }
  return out;
}

std::set<std::string> SweepStore::finished_ids() const { return scan().intact; }

void SweepStore::set_aside(const std::string& id) const {
  fs::rename(part_path(id), part_path(id) + ".damaged");
  fs::remove(checksum_path(id));
}

void SweepStore::write_part(const SweepPart& part) const {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const std::string tmp = parts_ + "/" + part.id + kTmpMarker + std::to_string(::getpid());
  try {
    {
      const Writer w(tmp);
      Handle file(w.create_file(), H5Fclose);
      const hid_t f = file.get();
      detail::write_results(w, f, *part.results, part.meta);
      if (part.searched) w.dataset(f, probe_schema(), part.probes.data(), part.probes.size());
      w.string_attr(f, "sweep_id", part.id);
      w.string_attr(f, "label", part.label);
      w.string_attr(f, "overrides", part.overrides_json);
      w.string_attr(f, "summary", part.summary_json);
      w.scalar_attr(f, "total_events", H5T_STD_U64LE, H5T_NATIVE_UINT64, part.total_events);
      w.scalar_attr(f, "rank", H5T_STD_I32LE, H5T_NATIVE_INT32, part.rank);
      w.scalar_attr(f, "wall_seconds", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, part.wall_seconds);
    }
    fsync_file(tmp);
    StagedFiles staged;
    detail::OutputFile sum(checksum_path(part.id), staged);
    sum.stream() << file_digest(tmp, DigestAlgorithm::sha1) << ' ' << part.id << '\n';
    sum.finish();
    staged.commit();
  } catch (...) {
    fs::remove(tmp);
    throw;
  }
  fs::rename(tmp, part_path(part.id));
}

std::size_t SweepStore::merge(const SweepFileInfo& info, bool allow_partial) const {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const Scan parts = scan();
  const std::set<std::string> wanted(info.ids.begin(), info.ids.end());
  std::string damaged;
  for (const auto& [id, reason] : parts.damaged) {
    if (wanted.contains(id)) damaged += "\n  " + part_path(id) + ": " + reason;
  }
  if (!damaged.empty()) {
    throw InputError(output_ + ": damaged sweep parts (run the sweep again: it sets them aside and recomputes "
                     "them):" + damaged);
  }
  const std::set<std::string>& finished = parts.intact;
  std::string missing;
  std::size_t num_missing = 0;
  for (std::size_t i = 0; i < info.ids.size(); ++i) {
    if (finished.contains(info.ids[i])) continue;
    if (++num_missing <= 10) missing += "\n  " + info.ids[i] + "  " + info.labels[i];
  }
  if (num_missing > 0 && !allow_partial) {
    throw Error(output_ + ": " + std::to_string(num_missing) + " of " + std::to_string(info.ids.size()) +
                " configurations are not finished (parts in " + parts_ + "):" + missing +
                (num_missing > 10 ? "\n  ..." : ""));
  }
  const std::string tmp = unique_temp_path(output_);  // concurrent merges never share it
  std::size_t merged = 0;
  try {
    const Writer w(tmp);
    Handle file(w.create_file(), H5Fclose);
    Handle gcpl(w.check(H5Pcreate(H5P_GROUP_CREATE), "H5Pcreate"), H5Pclose);
    w.check(H5Pset_obj_track_times(gcpl.get(), false), "H5Pset_obj_track_times");
    Handle configs(w.check(H5Gcreate2(file.get(), "configs", H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), "H5Gcreate2"),
                   H5Gclose);
    std::vector<nlohmann::ordered_json> summary;
    std::vector<nlohmann::ordered_json> timing;
    for (std::size_t i = 0; i < info.ids.size(); ++i) {
      const std::string& id = info.ids[i];
      if (!finished.contains(id)) continue;
      const Writer pw(part_path(id));
      Handle part(pw.check(H5Fopen(part_path(id).c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "H5Fopen"), H5Fclose);
      w.check(H5Ocopy(part.get(), ".", configs.get(), id.c_str(), H5P_DEFAULT, H5P_DEFAULT), "H5Ocopy");
      Handle group(w.check(H5Gopen2(configs.get(), id.c_str(), H5P_DEFAULT), "H5Gopen2"), H5Gclose);
      w.check(H5Adelete(group.get(), "rank"), "H5Adelete");
      w.check(H5Adelete(group.get(), "wall_seconds"), "H5Adelete");
      summary.push_back(nlohmann::ordered_json::parse(read_string_attr(pw, part.get(), "summary")));
      timing.push_back({{"id", id},
                        {"label", info.labels[i]},
                        {"rank", read_scalar_attr<std::int32_t>(pw, part.get(), "rank", H5T_NATIVE_INT32)},
                        {"wall_seconds", read_scalar_attr<double>(pw, part.get(), "wall_seconds", H5T_NATIVE_DOUBLE)},
                        {"total_events", static_cast<std::int64_t>(read_scalar_attr<std::uint64_t>(
                                             pw, part.get(), "total_events", H5T_NATIVE_UINT64))}});
      ++merged;
    }
    write_json_table(w, file.get(), "summary",
                     "One row per finished configuration in expansion order; times in seconds, NaN = not measured",
                     summary);
    write_json_table(w, file.get(), "timing",
                     "Which rank ran each configuration and for how long (the only run-dependent data)", timing);
    const hid_t f = file.get();
    w.string_attr(f, "sweep_name", info.name);
    w.string_attr(f, "sweep_definition", info.definition_text);
    w.string_attr(f, "capacity_search", info.capacity_search_json);
    w.scalar_attr(f, "num_configs", H5T_STD_I64LE, H5T_NATIVE_INT64, static_cast<std::int64_t>(info.ids.size()));
    w.scalar_attr(f, "num_finished", H5T_STD_I64LE, H5T_NATIVE_INT64, static_cast<std::int64_t>(merged));
    w.scalar_attr(f, "complete", H5T_STD_U8LE, H5T_NATIVE_UINT8, static_cast<std::uint8_t>(num_missing == 0));
    w.scalar_attr(f, "format_version", H5T_STD_I32LE, H5T_NATIVE_INT32, detail::kFormatVersion);
  } catch (...) {
    fs::remove(tmp);
    throw;
  }
  fsync_file(tmp);
  fs::rename(tmp, output_);
  if (num_missing == 0) remove_temporaries(parts_);
  return merged;
}

}  // namespace llmsim::io
