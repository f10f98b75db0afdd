// SPDX-License-Identifier: MIT
// write_chrome_trace: one complete ("X") event per batch stage, streamed (Vidur spec 8.9 layout).
#include <ostream>

#include "output_file.hpp"
#include "llmsim/io/result_writers.hpp"

namespace llmsim::io {

namespace {

template <typename T>
void write_list(std::ostream& out, const std::vector<T>& values) {
  out << '[';
  for (std::size_t i = 0; i < values.size(); ++i) out << (i ? ", " : "") << values[i];
  out << ']';
}

}  // namespace

void write_chrome_trace(const llm::SimulationResults& results, const std::string& path, StagedFiles& staged) {
  detail::OutputFile file(path, staged);
  std::ostream& out = file.stream();
  out.precision(17);
  out << "{\"traceEvents\": [";
  bool first = true;
  for (const llm::BatchStageRecord& s : results.batch_stages) {
    out << (first ? "\n" : ",\n") << "{\"name\": \"";
    write_list(out, s.request_ids);
    out << "\", \"ph\": \"X\", \"ts\": " << static_cast<double>(s.start) / 1e3
        << ", \"dur\": " << static_cast<double>(s.duration) / 1e3 << ", \"pid\": " << s.replica_id
        << ", \"tid\": " << s.stage_id << ", \"args\": {\"batch_index\": " << s.batch_index
        << ", \"batch_size\": " << s.request_ids.size() << ", \"request_ids\": ";
    write_list(out, s.request_ids);
    out << ", \"num_tokens\": ";
    write_list(out, s.num_tokens);
    out << "}}";
    first = false;
  }
  out << "\n]}\n";
  file.finish();
}

}  // namespace llmsim::io
