// SPDX-License-Identifier: MIT
// SweepStore: atomic parts, resume state, partial and complete merges, and what the merged file contains.
#include "llmsim/io/sweep_store.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "llmsim/io/config_loader.hpp"
#include "llmsim/io/sweep_loader.hpp"
#include "llmsim/sweep/point_runner.hpp"
#include "llmsim/util/error.hpp"

namespace llmsim::io {
namespace {

namespace fs = std::filesystem;

hsize_t rows(hid_t file, const std::string& dataset) {
  const hid_t ds = H5Dopen2(file, dataset.c_str(), H5P_DEFAULT);
  EXPECT_GE(ds, 0) << dataset;
  const hid_t space = H5Dget_space(ds);
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space, &n, nullptr);
  H5Sclose(space);
  H5Dclose(ds);
  return n;
}

class SweepStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("llmsim_store_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    sweep_ = load_sweep(LLMSIM_SOURCE_DIR "/jobs/ci-small.yaml");
    for (const SweepPoint& p : sweep_.points) {
      info_.ids.push_back(p.id);
      info_.labels.push_back(p.label);
    }
    info_.name = sweep_.name;
    info_.definition_text = sweep_.definition_text;
    info_.capacity_search_json = search_spec_json(sweep_.search);
  }

  void finish(const SweepStore& store, std::size_t index) {
    const SweepPoint& p = sweep_.points[index];
    const sweep::PointOutcome o = runner_.run(p, std::nullopt);
    SweepPart part;
    part.id = p.id;
    part.label = p.label;
    part.overrides_json = nlohmann::json(p.overrides).dump();
    part.summary_json = sweep::summary_row_json(p, o);
    part.results = &o.results;
    part.meta = RunMetadata{config_to_json(o.run_config), o.run_config.seed, 1, "single"};
    part.rank = 3;
    part.wall_seconds = o.wall_seconds;
    part.total_events = o.total_events;
    store.write_part(part);
  }

  fs::path dir_;
  Sweep sweep_;
  SweepFileInfo info_;
  sweep::PointRunner runner_;
};

TEST_F(SweepStoreTest, PartsAreTheResumeStateAndTemporariesDoNotCount) {
  const SweepStore store((dir_ / "s.h5").string());
  EXPECT_TRUE(store.finished_ids().empty());
  finish(store, 0);
  finish(store, 2);
  std::ofstream(store.parts_dir() + "/" + info_.ids[1] + ".h5.tmp-999") << "half-written";
  EXPECT_EQ(store.finished_ids(), (std::set<std::string>{info_.ids[0], info_.ids[2]}));
}

TEST_F(SweepStoreTest, MergeRefusesMissingConfigurationsUnlessPartial) {
  const SweepStore store((dir_ / "s.h5").string());
  finish(store, 0);
  try {
    store.merge(info_, false);
    FAIL() << "expected an error for unfinished configurations";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("9 of 10 configurations are not finished"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(info_.ids[1]), std::string::npos);
  }
  EXPECT_FALSE(fs::exists(store.output_path()));
  EXPECT_EQ(store.merge(info_, true), 1u);
  const hid_t f = H5Fopen(store.output_path().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  EXPECT_EQ(rows(f, "summary"), 1u);
  std::uint8_t complete = 1;
  const hid_t a = H5Aopen(f, "complete", H5P_DEFAULT);
  H5Aread(a, H5T_NATIVE_UINT8, &complete);
  H5Aclose(a);
  EXPECT_EQ(complete, 0);
  H5Fclose(f);
}

TEST_F(SweepStoreTest, CompleteMergeCopiesEveryPartWithoutTimingAndCleansTemporaries) {
  const SweepStore store((dir_ / "s.h5").string());
  for (std::size_t i = 0; i < sweep_.points.size(); ++i) finish(store, i);
  const std::string tmp = store.parts_dir() + "/" + info_.ids[0] + ".h5.tmp-999";
  std::ofstream(tmp) << "left by a killed writer";
  EXPECT_EQ(store.merge(info_, false), sweep_.points.size());
  EXPECT_FALSE(fs::exists(tmp));
  const hid_t f = H5Fopen(store.output_path().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  EXPECT_EQ(rows(f, "summary"), sweep_.points.size());
  EXPECT_EQ(rows(f, "timing"), sweep_.points.size());
  for (const std::string& id : info_.ids) {
    const std::string group = "configs/" + id;
    EXPECT_EQ(rows(f, group + "/requests"), 128u);
    EXPECT_GT(H5Aexists_by_name(f, group.c_str(), "config", H5P_DEFAULT), 0);
    EXPECT_EQ(H5Aexists_by_name(f, group.c_str(), "rank", H5P_DEFAULT), 0);
    EXPECT_EQ(H5Aexists_by_name(f, group.c_str(), "wall_seconds", H5P_DEFAULT), 0);
  }
  H5Fclose(f);
}

}  // namespace
}  // namespace llmsim::io
