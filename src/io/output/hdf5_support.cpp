// SPDX-License-Identifier: MIT
// HDF5 helpers: attributes, compound datasets from record schemas, the run-results layout.
#include "hdf5_support.hpp"

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
  Handle mem(check(H5Tcreate(H5T_COMPOUND, schema.record_size), "H5Tcreate"), H5Tclose);
  std::size_t packed = 0;
  for (const Field& f : schema.fields) packed += H5Tget_size(field_types(f.type).second);
  Handle disk(check(H5Tcreate(H5T_COMPOUND, packed), "H5Tcreate"), H5Tclose);
  std::size_t offset = 0;
  for (const Field& f : schema.fields) {
    const auto [native, little_endian] = field_types(f.type);
    check(H5Tinsert(mem.get(), f.name, f.offset, native), "H5Tinsert");
    check(H5Tinsert(disk.get(), f.name, offset, little_endian), "H5Tinsert");
    offset += H5Tget_size(little_endian);
  }
  const hsize_t dims[1] = {count};
  Handle space(check(H5Screate_simple(1, dims, nullptr), "H5Screate_simple"), H5Sclose);
  Handle dcpl(check(H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate"), H5Pclose);
  check(H5Pset_obj_track_times(dcpl.get(), false), "H5Pset_obj_track_times");
  if (count > kChunkRows) {
    const hsize_t chunk[1] = {kChunkRows};
    check(H5Pset_chunk(dcpl.get(), 1, chunk), "H5Pset_chunk");
    check(H5Pset_deflate(dcpl.get(), 1), "H5Pset_deflate");
  }
  Handle ds(check(H5Dcreate2(loc, schema.name, disk.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                  "H5Dcreate2"),
            H5Dclose);
  if (count > 0) check(H5Dwrite(ds.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, rows), "H5Dwrite");
  string_attr(ds.get(), "units", units_json(schema));
  string_attr(ds.get(), "description", schema.description);
}

void write_results(const Writer& w, hid_t loc, const llm::SimulationResults& r, const RunMetadata& meta) {
  w.dataset(loc, request_schema(), r.requests.data(), r.requests.size());
  w.dataset(loc, batch_schema(), r.batches.data(), r.batches.size());
  w.dataset(loc, replica_stage_schema(), r.replica_stages.data(), r.replica_stages.size());
  w.dataset(loc, replica_schema(), r.replicas.data(), r.replicas.size());
  w.string_attr(loc, "config", meta.config_json);
  w.string_attr(loc, "partition", meta.partition);
  w.scalar_attr(loc, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, meta.seed);
  w.scalar_attr(loc, "num_ranks", H5T_STD_I32LE, H5T_NATIVE_INT32, meta.num_ranks);
  w.scalar_attr(loc, "makespan_ns", H5T_STD_I64LE, H5T_NATIVE_INT64, r.makespan);
  w.scalar_attr(loc, "num_events", H5T_STD_U64LE, H5T_NATIVE_UINT64, r.num_events);
  w.scalar_attr(loc, "time_limit_reached", H5T_STD_U8LE, H5T_NATIVE_UINT8,
                static_cast<std::uint8_t>(r.time_limit_reached ? 1 : 0));
  w.scalar_attr(loc, "format_version", H5T_STD_I32LE, H5T_NATIVE_INT32, std::int32_t{1});
}

}  // namespace llmsim::io::detail
