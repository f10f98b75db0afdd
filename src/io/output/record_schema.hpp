// SPDX-License-Identifier: MIT
// Field tables of the result records: the single description used by the HDF5 and CSV writers.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "llmsim/llm/results.hpp"

namespace llmsim::io::detail {

enum class FieldType { Int64, Int32, UInt8, Float64 };

struct Field {
  const char* name;
  std::size_t offset;
  FieldType type;
  const char* unit;
};

/// Name, description, record size and fields of one output table.
struct Schema {
  const char* name;
  const char* description;
  std::size_t record_size;
  std::vector<Field> fields;
};

const Schema& request_schema();
const Schema& batch_schema();
const Schema& replica_stage_schema();
const Schema& replica_schema();
const Schema& token_schema();
const Schema& time_series_schema();
const Schema& prefix_cache_schema();
const Schema& cached_tokens_schema();
const Schema& kv_transfer_schema();

/// `{"field": "unit", ...}` for the `units` attribute.
std::string units_json(const Schema& schema);

}  // namespace llmsim::io::detail
