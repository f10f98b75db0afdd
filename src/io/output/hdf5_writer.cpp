// SPDX-License-Identifier: MIT
// write_hdf5: results as 1-D compound datasets (h5py/pandas readable), staged, without timestamps.
#include <hdf5.h>

#include <string>

#include "hdf5_support.hpp"
#include "llmsim/io/result_writers.hpp"

namespace llmsim::io {

namespace {

void write_file(const llm::SimulationResults& r, const RunMetadata& meta, const std::string& path) {
  const detail::Writer w(path, meta.compress);
  detail::Handle file(w.create_file(), H5Fclose);
  detail::write_results(w, file.get(), r, meta);
  w.check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "H5Fflush");
}

}  // namespace

void write_hdf5(const llm::SimulationResults& results, const RunMetadata& meta, const std::string& path,
                StagedFiles& staged) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported by the checks above, not printed by HDF5
  write_file(results, meta, staged.stage(path));
}

}  // namespace llmsim::io
