// SPDX-License-Identifier: MIT
// fit_send_recv_link: recovers the latency and bandwidth of exact lines, per placement; refuses unusable profiles.
#include "llmsim/llm/link_profile.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "llmsim/util/error.hpp"

namespace llmsim::llm {
namespace {

namespace fs = std::filesystem;

// Vidur's send_recv layout; intra-node rows follow 5 us + size / 200 GB/s, inter-node rows 40 us + size / 8 GB/s.
std::string write_profile(const std::string& name, bool decreasing = false) {
  const fs::path path = fs::temp_directory_path() / name;
  std::ofstream out(path);
  out << ",time_stats.send_recv.min,time_stats.send_recv.max,time_stats.send_recv.mean,time_stats.send_recv.median,"
         "time_stats.send_recv.std,rank,num_workers,size,collective,devices_per_node,max_devices_per_node\n";
  int row = 0;
  for (const double size : {1e6, 2e6, 4e6, 8e6, 16e6}) {
    const double intra = decreasing ? 1.0 - size * 1e-9 : 0.005 + size / 200e9 * 1e3;
    const double inter = 0.040 + size / 8e9 * 1e3;
    out << row++ << ",0,0,0," << intra << ",0,0,2," << size << ",send_recv,2,8\n";
    out << row++ << ",0,0,0," << inter << ",0,0,2," << size << ",send_recv,1,8\n";
    out << row++ << ",0,0,0,99,0,0,2," << size << ",all_reduce,2,8\n";  // another collective: ignored
  }
  return path.string();
}

TEST(LinkProfile, FitsLatencyAndBandwidthPerPlacement) {
  const std::string path = write_profile("llmsim_send_recv.csv");
  const LinkFit intra = fit_send_recv_link(path, false);
  EXPECT_EQ(intra.samples, 5u);
  EXPECT_EQ(intra.latency, 5'000);
  EXPECT_NEAR(intra.bandwidth_bytes_per_s, 200e9, 200e9 * 1e-9);
  const LinkFit inter = fit_send_recv_link(path, true);
  EXPECT_EQ(inter.latency, 40'000);
  EXPECT_NEAR(inter.bandwidth_bytes_per_s, 8e9, 8e9 * 1e-9);
}

TEST(LinkProfile, RefusesProfilesThatDescribeNoLink) {
  EXPECT_THROW(fit_send_recv_link(write_profile("llmsim_send_recv_down.csv", true), false), InputError);
  const fs::path other = fs::temp_directory_path() / "llmsim_not_send_recv.csv";
  std::ofstream(other) << "size,time\n1,2\n";
  EXPECT_THROW(fit_send_recv_link(other.string(), false), InputError);
}

TEST(LinkProfile, BundledA100DgxProfileGivesNvlinkAndNetworkFigures) {
  // Vidur's measured A100 DGX profile: NVLink inside a node, the cluster network between nodes.
  const std::string path = LLMSIM_SOURCE_DIR "/configs/profiles/network/a100_dgx/send_recv.csv.gz";
  const LinkFit intra = fit_send_recv_link(path, false);
  const LinkFit inter = fit_send_recv_link(path, true);
  EXPECT_NEAR(intra.bandwidth_bytes_per_s, 234.5e9, 0.1e9);  // measured 2026-12-02
  EXPECT_NEAR(inter.bandwidth_bytes_per_s, 7.83e9, 0.01e9);
  EXPECT_EQ(intra.latency, 4'704);
  EXPECT_EQ(inter.latency, 42'917);
}

}  // namespace
}  // namespace llmsim::llm
