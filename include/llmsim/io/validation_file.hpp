// SPDX-License-Identifier: MIT
// The result file of `llmsim validate`: one row per case and metric, one per summary group (docs/validation.md).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

#include "llmsim/io/staged_files.hpp"

namespace llmsim::io {

/// Writes /cases and /summary (1-D compound datasets from JSON rows with equal keys; pandas.DataFrame(f["cases"][()])
/// reads them) and root string attributes `attrs` to a temporary of `path` registered with `staged`.
void write_validation_hdf5(const std::vector<nlohmann::ordered_json>& cases,
                           const std::vector<nlohmann::ordered_json>& summary,
                           const std::vector<std::pair<std::string, std::string>>& attrs, const std::string& path,
                           StagedFiles& staged);

}  // namespace llmsim::io
