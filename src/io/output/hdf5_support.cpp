// SPDX-License-Identifier: MIT
// HDF5 helpers: attributes, compound datasets from record schemas, the run-results layout.
#include "hdf5_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "llmsim/llm/result_stats.hpp"

namespace llmsim::io::detail {

namespace {

constexpr hsize_t kChunkRows = 65536;

std::pair<hid_t, hid_t> field_types(FieldType t) {
  switch (t) {
    case FieldType::Int64: return {H5T_NATIVE_INT64, H5T_STD_I64LE};
    case FieldType::Int32: return {H5T_NATIVE_INT32, H5T_STD_I32LE};
    case FieldType::UInt8: return {H5T_NATIVE_UINT8, H5T_STD_U8LE};
    case FieldType::Float64: return {H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE};
  }
  return {-1, -1};
}

}  // namespace

void Writer::string_attr(hid_t obj, const char* name, const std::string& value) const {
  Handle type(check(H5Tcopy(H5T_C_S1), "H5Tcopy"), H5Tclose);
  check(H5Tset_size(type.get(), H5T_VARIABLE), "H5Tset_size");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "H5Tset_cset");
  Handle space(check(H5Screate(H5S_SCALAR), "H5Screate"), H5Sclose);
  Handle attr(check(H5Acreate2(obj, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), "H5Acreate2"),
              H5Aclose);
  const char* data = value.c_str();
  check(H5Awrite(attr.get(), type.get(), &data), "H5Awrite");
}

hid_t Writer::create_file() const {
  Handle fcpl(check(H5Pcreate(H5P_FILE_CREATE), "H5Pcreate"), H5Pclose);
  check(H5Pset_obj_track_times(fcpl.get(), false), "H5Pset_obj_track_times");
  return check(H5Fcreate(path_.c_str(), H5F_ACC_TRUNC, fcpl.get(), H5P_DEFAULT), "H5Fcreate");
}

void Writer::dataset(hid_t loc, const Schema& schema, const void* rows, std::size_t count) const {
  DatasetStream stream(*this, loc, schema, count);
  stream.append(rows, count);
  stream.close();
}

hid_t Writer::create_dataset(hid_t loc, const char* name, hid_t file_type, std::size_t count) const {
  const hsize_t dims[1] = {count};
  Handle space(check(H5Screate_simple(1, dims, nullptr), "H5Screate_simple"), H5Sclose);
  Handle dcpl(check(H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate"), H5Pclose);
  check(H5Pset_obj_track_times(dcpl.get(), false), "H5Pset_obj_track_times");
  if (compress_ && count > kChunkRows) {
    const hsize_t chunk[1] = {kChunkRows};
    check(H5Pset_chunk(dcpl.get(), 1, chunk), "H5Pset_chunk");
    check(H5Pset_shuffle(dcpl.get()), "H5Pset_shuffle");
    check(H5Pset_deflate(dcpl.get(), 1), "H5Pset_deflate");
  }
  return check(H5Dcreate2(loc, name, file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT), "H5Dcreate2");
}

void Writer::compound_dataset(hid_t loc, const char* name, hid_t file_type, hid_t mem_type, const void* rows,
                              std::size_t count, const std::vector<std::pair<const char*, std::string>>& attrs) const {
  Handle ds(create_dataset(loc, name, file_type, count), H5Dclose);
  if (count > 0) write_rows(ds.get(), mem_type, H5S_ALL, H5S_ALL, rows, count * H5Tget_size(mem_type));
  for (const auto& [attr, value] : attrs) string_attr(ds.get(), attr, value);
}

DatasetStream::DatasetStream(const Writer& w, hid_t loc, const Schema& schema, std::size_t count)
    : w_(w),
      schema_(schema),
      mem_(w.check(H5Tcreate(H5T_COMPOUND, schema.record_size), "H5Tcreate"), H5Tclose),
      ds_(create(w, loc, schema, mem_.get(), count), H5Dclose),
      count_(count) {}

hid_t DatasetStream::create(const Writer& w, hid_t loc, const Schema& schema, hid_t mem, std::size_t count) {
  std::size_t packed = 0;
  for (const Field& f : schema.fields) packed += H5Tget_size(field_types(f.type).second);
  Handle disk(w.check(H5Tcreate(H5T_COMPOUND, packed), "H5Tcreate"), H5Tclose);
  std::size_t offset = 0;
  for (const Field& f : schema.fields) {
    const auto [native, little_endian] = field_types(f.type);
    w.check(H5Tinsert(mem, f.name, f.offset, native), "H5Tinsert");
    w.check(H5Tinsert(disk.get(), f.name, offset, little_endian), "H5Tinsert");
    offset += H5Tget_size(little_endian);
  }
  return w.create_dataset(loc, schema.name, disk.get(), count);
}

void Writer::write_rows(hid_t dataset, hid_t mem_type, hid_t mem_space, hid_t file_space, const void* rows,
                        std::size_t bytes) const {
  // At least 64 KiB, so that one element of any type fits (a variable-length string takes 16 bytes on disk).
  const std::size_t buffer = std::clamp(bytes, std::size_t{64} << 10, std::size_t{256} << 10);
  Handle dxpl(check(H5Pcreate(H5P_DATASET_XFER), "H5Pcreate"), H5Pclose);
  check(H5Pset_buffer(dxpl.get(), buffer, nullptr, nullptr), "H5Pset_buffer");
  check(H5Dwrite(dataset, mem_type, mem_space, file_space, dxpl.get(), rows), "H5Dwrite");
}

void DatasetStream::append(const void* rows, std::size_t n) {
  if (written_ + pending_rows() + n > count_) {
    throw Error(w_.path() + ": more than " + std::to_string(count_) + " rows for /" + schema_.name);
  }
  const auto* bytes = static_cast<const std::byte*>(rows);
  const std::size_t size = schema_.record_size;
  while (n > 0) {
    if (pending_.empty() && (n >= kChunkRows || written_ + n == count_)) {
      // Whole chunks, or the dataset's last rows, straight from the caller's rows.
      const std::size_t whole = written_ + n == count_ ? n : n - n % kChunkRows;
      write(bytes, whole);
      bytes += whole * size;
      n -= whole;
      continue;
    }
    const std::size_t take = std::min<std::size_t>(n, kChunkRows - pending_rows());
    pending_.insert(pending_.end(), bytes, bytes + take * size);
    bytes += take * size;
    n -= take;
    if (pending_rows() == kChunkRows) {
      write(pending_.data(), kChunkRows);
      pending_.clear();
    }
  }
}

void DatasetStream::close() {
  if (const std::size_t rows = written_ + pending_rows(); rows != count_) {
    throw Error(w_.path() + ": /" + schema_.name + " got " + std::to_string(rows) + " of " +
                std::to_string(count_) + " rows");
  }
  if (!pending_.empty()) write(pending_.data(), pending_rows());
  std::vector<std::byte>().swap(pending_);
  w_.string_attr(ds_.get(), "units", units_json(schema_));
  w_.string_attr(ds_.get(), "description", schema_.description);
}

void DatasetStream::write(const std::byte* rows, std::size_t n) {
  if (written_ == 0 && n == count_) {  // everything at once
    w_.write_rows(ds_.get(), mem_.get(), H5S_ALL, H5S_ALL, rows, n * schema_.record_size);
  } else {
    const hsize_t start[1] = {written_};
    const hsize_t rows_here[1] = {n};
    Handle file_space(w_.check(H5Dget_space(ds_.get()), "H5Dget_space"), H5Sclose);
    w_.check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, rows_here, nullptr),
             "H5Sselect_hyperslab");
    Handle mem_space(w_.check(H5Screate_simple(1, rows_here, nullptr), "H5Screate_simple"), H5Sclose);
    w_.write_rows(ds_.get(), mem_.get(), mem_space.get(), file_space.get(), rows, n * schema_.record_size);
  }
  written_ += n;
}

void write_json_table(const Writer& w, hid_t loc, const char* name, const char* description,
                      const std::vector<nlohmann::ordered_json>& rows) {
  if (rows.empty()) return;
  struct Column {
    std::string name;
    enum { Str, Int, Float } kind = Int;
    std::size_t offset = 0;
  };
  static_assert(sizeof(const char*) == 8, "every column is 8 bytes");
  std::vector<Column> cols;
  for (const auto& item : rows.front().items()) {
    Column c{item.key()};
    for (const auto& row : rows) {
      const auto& v = row.at(c.name);
      if (v.is_string()) {
        c.kind = Column::Str;
      } else if (c.kind != Column::Str && !v.is_number_integer()) {
        c.kind = Column::Float;
      }
    }
    c.offset = 8 * cols.size();
    cols.push_back(std::move(c));
  }
  const std::size_t record = 8 * cols.size();
  Handle str(w.check(H5Tcopy(H5T_C_S1), "H5Tcopy"), H5Tclose);
  w.check(H5Tset_size(str.get(), H5T_VARIABLE), "H5Tset_size");
  w.check(H5Tset_cset(str.get(), H5T_CSET_UTF8), "H5Tset_cset");
  Handle type(w.check(H5Tcreate(H5T_COMPOUND, record), "H5Tcreate"), H5Tclose);
  for (const Column& c : cols) {
    const hid_t t = c.kind == Column::Str ? str.get() : c.kind == Column::Int ? H5T_STD_I64LE : H5T_IEEE_F64LE;
    w.check(H5Tinsert(type.get(), c.name.c_str(), c.offset, t), "H5Tinsert");
  }
  std::vector<std::string> strings;  // owns what the string cells point to
  strings.reserve(rows.size() * cols.size());
  std::vector<unsigned char> buf(record * rows.size(), 0);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    unsigned char* base = buf.data() + i * record;
    for (const Column& c : cols) {
      const auto& v = rows[i].at(c.name);
      if (c.kind == Column::Str) {
        strings.push_back(v.is_string() ? v.get<std::string>() : v.dump());
        const char* p = strings.back().c_str();
        std::memcpy(base + c.offset, &p, sizeof p);
      } else if (c.kind == Column::Int) {
        const std::int64_t x = v.get<std::int64_t>();
        std::memcpy(base + c.offset, &x, sizeof x);
      } else {
        const double x = v.is_null() ? std::nan("") : v.get<double>();
        std::memcpy(base + c.offset, &x, sizeof x);
      }
    }
  }
  w.compound_dataset(loc, name, type.get(), type.get(), buf.data(), rows.size(), {{"description", description}});
}

namespace {

// /predictor: how each pool's predictor predicts each operator and how much simulated GPU time came from each
// source.
void write_predictor(const Writer& w, hid_t loc, const llm::SimulationResults& r) {
  Handle group(w.check(H5Gcreate2(loc, "predictor", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "H5Gcreate2"), H5Gclose);
  double total = 0;
  for (const auto& s : llm::operator_time_by_source(r)) {
    for (double v : s) total += v;
  }
  std::vector<nlohmann::ordered_json> rows;
  for (const llm::PoolRecord& pool : r.pools) {
    const auto by_source = llm::operator_time_by_source(r, pool.first_replica, pool.num_replicas);
    for (const llm::OperatorInfo& info : pool.operators) {
      nlohmann::ordered_json row;
      row["pool"] = pool.name;
      row["operator"] = llm::op_name(info.op);
      row["data"] = info.data;
      row["method"] = info.method;
      row["heldout_mape_percent"] = info.heldout_mape_percent;
      row["samples"] = info.samples;
      row["domain"] = info.domain;
      row["file"] = info.file;
      double op_total = 0;
      for (int s = 0; s < llm::kNumSources; ++s) {
        const double ms = by_source[static_cast<std::size_t>(info.op)][static_cast<std::size_t>(s)];
        row[std::string("gpu_time_s_") + llm::source_name(static_cast<llm::Source>(s))] = ms * 1e-3;
        op_total += ms;
      }
      row["share_of_gpu_time"] = total > 0 ? op_total / total : 0.0;
      rows.push_back(std::move(row));
    }
  }
  write_json_table(w, group.get(), "operators",
                   "One row per pool and predicted operator: training data, model, k-fold held-out MAPE (roofline: "
                   "calibration MAPE), profiled domain, simulated GPU time (the pool's replicas) by prediction source, "
                   "share of the whole cluster's simulated GPU time",
                   rows);
  const auto share = llm::source_shares(r);
  for (int s = 0; s < llm::kNumSources; ++s) {
    const std::string name = std::string("share_") + llm::source_name(static_cast<llm::Source>(s));
    w.scalar_attr(group.get(), name.c_str(), H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, share[static_cast<std::size_t>(s)]);
  }
}

// /pools: one row per pool of replicas (deployment, cost, what it served, utilisation and memory).
void write_pools(const Writer& w, hid_t loc, const llm::SimulationResults& r) {
  std::vector<nlohmann::ordered_json> rows;
  const double hours = simtime_to_seconds(r.makespan) / 3600.0;
  for (const llm::PoolRecord& p : r.pools) {
    nlohmann::ordered_json row;
    row["pool"] = p.name;
    row["first_replica_id"] = p.first_replica;
    row["num_replicas"] = p.num_replicas;
    row["model"] = p.model;
    row["device"] = p.device;
    row["network_device"] = p.network_device;
    row["tensor_parallel_size"] = p.tensor_parallel_size;
    row["num_pipeline_stages"] = p.num_pipeline_stages;
    row["num_gpus"] = p.num_gpus;
    row["replica_scheduler"] = p.replica_scheduler;
    row["predictor"] = p.predictor;
    row["price_per_gpu_hour"] = p.price_per_gpu_hour;
    row["cost_per_hour"] = p.cost_per_hour;
    row["cost_of_makespan"] = p.cost_per_hour * hours;
    row["num_requests"] = p.num_requests;
    row["completed_requests"] = p.completed_requests;
    row["busy_time_mean_percent"] = p.busy_time_mean_percent;
    row["mfu_mean_percent"] = p.mfu_mean_percent;
    row["memory_usage_mean_percent"] = p.memory_usage_mean_percent;
    row["memory_usage_peak_percent"] = p.memory_usage_peak_percent;
    rows.push_back(std::move(row));
  }
  write_json_table(w, loc, "pools",
                   "One row per pool of replicas (replicas first_replica_id .. + num_replicas - 1): deployment, "
                   "cost (USD; cost_of_makespan = cost_per_hour x makespan), requests routed to it, mean busy time "
                   "and MFU of its replica stages, mean and peak KV memory of its replicas",
                   rows);
}

// /operator_times: simulated GPU time per replica, operator and prediction source.
void write_operator_times(const Writer& w, hid_t loc, const llm::SimulationResults& r) {
  std::vector<nlohmann::ordered_json> rows;
  rows.reserve(r.operator_times.size());
  for (const llm::OperatorTimeRecord& t : r.operator_times) {
    nlohmann::ordered_json row;
    row["replica_id"] = t.replica_id;
    row["operator"] = llm::op_name(static_cast<llm::Op>(t.operator_id));
    row["source"] = llm::source_name(static_cast<llm::Source>(t.source_id));
    row["gpu_time_s"] = t.gpu_time_ms * 1e-3;
    rows.push_back(std::move(row));
  }
  write_json_table(w, loc, "operator_times",
                   "Simulated GPU time per replica, operator and prediction source (all pipeline stages and layers)",
                   rows);
}

// /summary: the run's headline numbers as attributes (h5dump -A shows them), metric names as vLLM's benchmark.
void write_summary(const Writer& w, hid_t loc, const llm::SimulationResults& r, bool tokens) {
  Handle group(w.check(H5Gcreate2(loc, "summary", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "H5Gcreate2"), H5Gclose);
  auto real = [&](const std::string& name, double v) {
    w.scalar_attr(group.get(), name.c_str(), H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, v);
  };
  auto integer = [&](const char* name, std::int64_t v) {
    w.scalar_attr(group.get(), name, H5T_STD_I64LE, H5T_NATIVE_INT64, v);
  };
  const std::int64_t completed = r.request_summary.num_completed;
  const std::int64_t output_tokens = r.request_summary.output_tokens;
  const double makespan = simtime_to_seconds(r.makespan);
  const double per_s = makespan > 0 ? 1.0 / makespan : std::nan("");
  w.string_attr(group.get(), "description",
                "Over completed requests; seconds; <metric>_{mean,p50,p90,p99}_s with vLLM's benchmark names "
                "(ttft, tpot, itl, e2el) and Vidur's tbt and scheduling_delay; see docs/hdf5-schema.md");
  integer("num_requests", r.request_summary.num_requests);
  integer("num_completed", completed);
  real("makespan_s", makespan);
  real("request_throughput_per_s", static_cast<double>(completed) * per_s);
  real("output_token_throughput_per_s", static_cast<double>(output_tokens) * per_s);
  auto metric = [&](const std::string& name, std::vector<double> values) {
    const llm::Quantiles q = llm::quantiles(std::move(values));
    real(name + "_mean_s", q.mean);
    real(name + "_p50_s", q.p50);
    real(name + "_p90_s", q.p90);
    real(name + "_p99_s", q.p99);
  };
  metric("ttft", llm::completed_request_metric(r, "ttft"));
  metric("tpot", llm::completed_request_metric(r, "tpot"));
  if (tokens) metric("itl", llm::inter_token_latencies(r));
  metric("e2el", llm::completed_request_metric(r, "e2e"));
  metric("tbt", llm::completed_request_metric(r, "tbt"));
  metric("scheduling_delay", llm::completed_request_metric(r, "scheduling_delay"));
}

}  // namespace

void write_results(const Writer& w, hid_t loc, const llm::SimulationResults& r, const RunMetadata& meta) {
  w.dataset(loc, request_schema(), r.requests.data(), r.requests.size());
  write_results_after_requests(w, loc, r, meta);
}

void write_results_after_requests(const Writer& w, hid_t loc, const llm::SimulationResults& r,
                                  const RunMetadata& meta) {
  w.dataset(loc, batch_schema(), r.batches.data(), r.batches.size());
  w.dataset(loc, replica_stage_schema(), r.replica_stages.data(), r.replica_stages.size());
  w.dataset(loc, replica_schema(), r.replicas.data(), r.replicas.size());
  if (meta.tokens) w.dataset(loc, token_schema(), r.tokens.data(), r.tokens.size());
  if (meta.time_series) w.dataset(loc, time_series_schema(), r.time_series.data(), r.time_series.size());
  write_operator_times(w, loc, r);
  if (!r.prefix_cache.empty()) {
    Handle group(w.check(H5Gcreate2(loc, "prefix_cache", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "H5Gcreate2"),
                 H5Gclose);
    w.dataset(group.get(), prefix_cache_schema(), r.prefix_cache.data(), r.prefix_cache.size());
    w.dataset(group.get(), cached_tokens_schema(), r.cached_tokens.data(), r.cached_tokens.size());
  }
  if (meta.disaggregated) w.dataset(loc, kv_transfer_schema(), r.kv_transfers.data(), r.kv_transfers.size());
  if (!r.pools.empty()) {
    write_pools(w, loc, r);
    write_predictor(w, loc, r);
  }
  write_summary(w, loc, r, meta.tokens);
  w.string_attr(loc, "config", meta.config_json);
  w.string_attr(loc, "partition", meta.partition);
  w.scalar_attr(loc, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, meta.seed);
  w.scalar_attr(loc, "num_ranks", H5T_STD_I32LE, H5T_NATIVE_INT32, meta.num_ranks);
  w.scalar_attr(loc, "makespan_ns", H5T_STD_I64LE, H5T_NATIVE_INT64, r.makespan);
  w.scalar_attr(loc, "num_events", H5T_STD_U64LE, H5T_NATIVE_UINT64, r.num_events);
  w.scalar_attr(loc, "time_limit_reached", H5T_STD_U8LE, H5T_NATIVE_UINT8,
                static_cast<std::uint8_t>(r.time_limit_reached ? 1 : 0));
  w.scalar_attr(loc, "format_version", H5T_STD_I32LE, H5T_NATIVE_INT32, kFormatVersion);
}

}  // namespace llmsim::io::detail
