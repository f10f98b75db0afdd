// SPDX-License-Identifier: MIT
// write_validation_hdf5.
#include "llmsim/io/validation_file.hpp"

#include "hdf5_support.hpp"

namespace llmsim::io {

void write_validation_hdf5(const std::vector<nlohmann::ordered_json>& cases,
                           const std::vector<nlohmann::ordered_json>& summary,
                           const std::vector<std::pair<std::string, std::string>>& attrs, const std::string& path,
                           StagedFiles& staged) {
  const detail::Writer w(staged.stage(path));
  const detail::Handle file(w.create_file(), H5Fclose);
  detail::write_json_table(w, file.get(), "cases",
                           "one row per validation case and metric: measured and predicted (ms), signed error (%)",
                           cases);
  detail::write_json_table(w, file.get(), "summary",
                           "|error| statistics (%) per suite, GPU, model, predictor, metric and role", summary);
  for (const auto& [name, value] : attrs) w.string_attr(file.get(), name.c_str(), value);
  w.scalar_attr(file.get(), "format_version", H5T_STD_I32LE, H5T_NATIVE_INT32, detail::kFormatVersion);
}

}  // namespace llmsim::io
