// SPDX-License-Identifier: MIT
// write_csv: the same tables as the HDF5 file, one CSV each, doubles in shortest round-trip form.
#include <charconv>
#include <cstdint>
#include <cstring>
#include <filesystem>

#include "output_file.hpp"
#include "llmsim/io/result_writers.hpp"
#include "record_schema.hpp"

namespace llmsim::io {

namespace {

using detail::Field;
using detail::FieldType;
using detail::Schema;

template <typename T>
T read_field(const unsigned char* row, std::size_t offset) {
  T v;
  std::memcpy(&v, row + offset, sizeof v);
  return v;
}

void write_cell(std::ostream& out, const unsigned char* row, const Field& f) {
  char buf[32];
  std::to_chars_result r{};
  switch (f.type) {
    case FieldType::Int64: r = std::to_chars(buf, buf + sizeof buf, read_field<std::int64_t>(row, f.offset)); break;
    case FieldType::Int32: r = std::to_chars(buf, buf + sizeof buf, read_field<std::int32_t>(row, f.offset)); break;
    case FieldType::UInt8:
      r = std::to_chars(buf, buf + sizeof buf, static_cast<unsigned>(read_field<std::uint8_t>(row, f.offset)));
      break;
    case FieldType::Float64: r = std::to_chars(buf, buf + sizeof buf, read_field<double>(row, f.offset)); break;
  }
  out.write(buf, r.ptr - buf);
}

void write_table(const std::filesystem::path& dir, const Schema& schema, const void* rows, std::size_t count,
                 StagedFiles& staged) {
  detail::OutputFile file((dir / (std::string(schema.name) + ".csv")).string(), staged);
  std::ostream& out = file.stream();
  for (std::size_t i = 0; i < schema.fields.size(); ++i) out << (i ? "," : "") << schema.fields[i].name;
  out << '\n';
  const auto* base = static_cast<const unsigned char*>(rows);
  for (std::size_t r = 0; r < count; ++r) {
    for (std::size_t i = 0; i < schema.fields.size(); ++i) {
      if (i) out << ',';
      write_cell(out, base + r * schema.record_size, schema.fields[i]);
    }
    out << '\n';
  }
  file.finish();
}

}  // namespace

void write_csv(const llm::SimulationResults& r, const std::string& dir, StagedFiles& staged) {
  std::filesystem::create_directories(dir);
  write_table(dir, detail::request_schema(), r.requests.data(), r.requests.size(), staged);
  write_table(dir, detail::batch_schema(), r.batches.data(), r.batches.size(), staged);
  write_table(dir, detail::replica_stage_schema(), r.replica_stages.data(), r.replica_stages.size(), staged);
  write_table(dir, detail::replica_schema(), r.replicas.data(), r.replicas.size(), staged);
  if (!r.tokens.empty()) write_table(dir, detail::token_schema(), r.tokens.data(), r.tokens.size(), staged);
  if (!r.time_series.empty()) {
    write_table(dir, detail::time_series_schema(), r.time_series.data(), r.time_series.size(), staged);
  }
}

}  // namespace llmsim::io
