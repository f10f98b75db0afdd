// SPDX-License-Identifier: MIT
// fit_send_recv_link: a straight line through a send_recv profile.
#include "llmsim/llm/link_profile.hpp"

#include <cmath>

#include "llmsim/util/csv_table.hpp"
#include "llmsim/util/error.hpp"

namespace llmsim::llm {

LinkFit fit_send_recv_link(const std::string& path, bool inter_node) {
  const CsvTable t = CsvTable::read(path);
  for (const char* column : {"size", "devices_per_node", "collective", "time_stats.send_recv.median"}) {
    if (!t.has_column(column)) throw InputError(path + ": not a send_recv profile (no column '" + column + "')");
  }
  const auto size = t.numeric_column("size");
  const auto per_node = t.numeric_column("devices_per_node");
  const auto collective = t.text_column("collective");
  const auto ms = t.numeric_column("time_stats.send_recv.median");
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    if (collective[r] != "send_recv" || per_node[r] != (inter_node ? 1 : 2) || !(ms[r] > 0) || !(size[r] > 0)) continue;
    const double x = size[r];
    const double y = ms[r] * 1e-3;
    n += 1;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const char* where = inter_node ? "between two nodes (devices_per_node 1)" : "inside a node (devices_per_node 2)";
  if (n < 2) throw InputError(path + ": fewer than 2 send_recv rows " + std::string(where) + " to fit a link to");
  const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  const double intercept = (sy - slope * sx) / n;
  if (!(slope > 0) || !std::isfinite(slope)) {
    throw InputError(path + ": the send_recv times " + std::string(where) + " do not grow with the size");
  }
  return LinkFit{intercept > 0 ? static_cast<SimTime>(std::llround(intercept * 1e9)) : 0, 1 / slope,
                 static_cast<std::size_t>(n)};
}

}  // namespace llmsim::llm
