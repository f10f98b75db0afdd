// SPDX-License-Identifier: MIT
// Boost.Serialization (binary, no header) of result rows; records are plain structs.
#include "result_codec.hpp"

#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <boost/iostreams/device/array.hpp>
#include <boost/iostreams/device/back_inserter.hpp>
#include <boost/iostreams/stream.hpp>
#include <boost/serialization/binary_object.hpp>
#include <boost/serialization/vector.hpp>
#include <type_traits>

namespace boost::serialization {

template <class Archive>
void serialize(Archive& ar, llmsim::llm::BatchStageRecord& s, const unsigned int /*version*/) {
  ar& s.replica_id& s.stage_id& s.batch_index& s.start& s.duration& s.request_ids& s.num_tokens;
}

}  // namespace boost::serialization

namespace llmsim::llm::detail {

namespace {

using Sink = boost::iostreams::back_insert_device<des::Bytes>;
using Source = boost::iostreams::array_source;
constexpr unsigned kFlags = boost::archive::no_header;

// Plain record vectors travel as raw bytes: same binary on every rank, no per-field overhead.
template <class Archive, typename T>
void pod_vector(Archive& ar, std::vector<T>& rows) {
  static_assert(std::is_trivially_copyable_v<T>);
  std::size_t n = rows.size();
  ar& n;
  rows.resize(n);
  if (n > 0) ar& boost::serialization::make_binary_object(rows.data(), n * sizeof(T));
}

template <class Archive>
void results(Archive& ar, SimulationResults& r) {
  pod_vector(ar, r.batches);
  pod_vector(ar, r.replica_stages);
  pod_vector(ar, r.replicas);
  pod_vector(ar, r.operator_times);
  pod_vector(ar, r.tokens);
  pod_vector(ar, r.time_series);
  pod_vector(ar, r.prefix_cache);
  pod_vector(ar, r.cached_tokens);
  pod_vector(ar, r.kv_transfers);
  ar& r.batch_stages& r.makespan& r.num_events& r.time_limit_reached;
}

}  // namespace

des::Bytes encode_results(const SimulationResults& r) {
  des::Bytes bytes;
  {
    boost::iostreams::stream<Sink> out{Sink(bytes)};
    boost::archive::binary_oarchive ar(out, kFlags);
    results(ar, const_cast<SimulationResults&>(r));  // the output archive only reads
  }
  return bytes;
}

SimulationResults decode_results(const des::Bytes& bytes) {
  SimulationResults r;
  boost::iostreams::stream<Source> in(bytes.data(), bytes.size());
  boost::archive::binary_iarchive ar(in, kFlags);
  results(ar, r);
  return r;
}

}  // namespace llmsim::llm::detail
