// SPDX-License-Identifier: MIT
// write_hdf5 and Hdf5ResultFile: results as 1-D compound datasets (h5py/pandas readable), staged, without
// timestamps; request rows streamed in during the run.
#include <hdf5.h>

#include <optional>
#include <string>

#include "hdf5_support.hpp"
#include "llmsim/io/result_writers.hpp"

namespace llmsim::io {

struct Hdf5ResultFile::Impl final : llm::RequestRowSink {
  Impl(const RunMetadata& m, std::size_t num_requests, const std::string& staged_path)
      : meta(m), w(staged_path, m.compress) {
    file.emplace(w.create_file(), H5Fclose);
    requests.emplace(w, file->get(), detail::request_schema(), num_requests);
  }
  void write(std::span<const llm::RequestRecord> rows) override { requests->append(rows.data(), rows.size()); }

  RunMetadata meta;
  detail::Writer w;
  std::optional<detail::Handle> file;              // closed by finish
  std::optional<detail::DatasetStream> requests;  // closed by finish
};

Hdf5ResultFile::Hdf5ResultFile(const RunMetadata& meta, std::size_t num_requests, const std::string& path,
                               StagedFiles& staged) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported by the checks, not printed by HDF5
  impl_ = std::make_unique<Impl>(meta, num_requests, staged.stage(path));
}

Hdf5ResultFile::~Hdf5ResultFile() = default;

llm::RequestRowSink& Hdf5ResultFile::request_rows() { return *impl_; }

void Hdf5ResultFile::finish(const llm::SimulationResults& results) {
  impl_->requests->close();
  impl_->requests.reset();
  detail::write_results_after_requests(impl_->w, impl_->file->get(), results, impl_->meta);
  impl_->w.check(H5Fflush(impl_->file->get(), H5F_SCOPE_GLOBAL), "H5Fflush");
  impl_->file.reset();
}

void write_hdf5(const llm::SimulationResults& results, const RunMetadata& meta, const std::string& path,
                StagedFiles& staged) {
  Hdf5ResultFile file(meta, results.requests.size(), path, staged);
  file.request_rows().write(results.requests);
  file.finish(results);
}

}  // namespace llmsim::io
