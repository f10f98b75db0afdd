// SPDX-License-Identifier: MIT
// Result writers: HDF5 layout read back with the C API, byte-identical rewrites, atomic failure, CSV and trace.
#include "llmsim/io/result_writers.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "llmsim/util/error.hpp"

namespace llmsim::io {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir() {
  const fs::path d = fs::temp_directory_path() / "llmsim_writers";
  fs::create_directories(d);
  return d;
}

llm::SimulationResults sample() {
  llm::SimulationResults r;
  for (int i = 0; i < 3; ++i) {
    llm::RequestRecord q;
    q.request_id = i;
    q.replica_id = i % 2;
    q.completed = 1;
    q.arrived_at = 1000 * i;
    q.completed_at = 1000 * i + 500;
    q.e2e_time = 500;
    q.decode_time_execution_plus_preemption_normalized = 0.125 * i;
    r.requests.push_back(q);
    r.request_summary.add(q);
  }
  r.batches.push_back(llm::BatchRecord{1, 0, 10, 20, 10, 2, 33, 32, 1});
  r.replica_stages.push_back(llm::ReplicaStageRecord{0, 0, 4, 40, 0, 50, 80.0, 12.5});
  r.replicas.push_back(llm::ReplicaRecord{0, 7424, 2, 4, 1.5, 20.0, 3.25, 9.5});
  r.batch_stages.push_back(llm::BatchStageRecord{1, 0, 0, 10000, 2500, {3, 4}, {16, 1}});
  r.operator_times.push_back(llm::OperatorTimeRecord{0, static_cast<std::int32_t>(llm::Op::mlp_up_proj),
                                                     static_cast<std::int32_t>(llm::Source::table), 0, 1.5});
  r.makespan = 2500;
  r.num_events = 99;
  return r;
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_h5(const llm::SimulationResults& r, const RunMetadata& meta, const fs::path& path) {
  StagedFiles staged;
  write_hdf5(r, meta, path.string(), staged);
  staged.commit();
}

TEST(Hdf5Writer, CompoundDatasetsAndAttributesReadBack) {
  const fs::path path = temp_dir() / "sample.h5";
  write_h5(sample(), RunMetadata{"{\"seed\": 3}", 3, 1, "single"}, path);
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  const hid_t ds = H5Dopen2(f, "requests", H5P_DEFAULT);
  const hid_t space = H5Dget_space(ds);
  EXPECT_EQ(H5Sget_simple_extent_npoints(space), 3);
  const hid_t file_type = H5Dget_type(ds);
  EXPECT_GE(H5Tget_member_index(file_type, "decode_time_execution_plus_preemption_normalized"), 0);
  const hid_t mem = H5Tcreate(H5T_COMPOUND, sizeof(double));
  H5Tinsert(mem, "decode_time_execution_plus_preemption_normalized", 0, H5T_NATIVE_DOUBLE);
  double tbt[3] = {};
  ASSERT_GE(H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, tbt), 0);
  EXPECT_DOUBLE_EQ(tbt[2], 0.25);
  std::int64_t makespan = 0;
  const hid_t attr = H5Aopen(f, "makespan_ns", H5P_DEFAULT);
  H5Aread(attr, H5T_NATIVE_INT64, &makespan);
  EXPECT_EQ(makespan, 2500);
  EXPECT_GT(H5Aexists(ds, "units"), 0);
  EXPECT_GT(H5Aexists(f, "config"), 0);
  H5Aclose(attr);
  H5Tclose(mem);
  H5Tclose(file_type);
  H5Sclose(space);
  H5Dclose(ds);
  H5Fclose(f);
}

TEST(Hdf5Writer, SummaryTokensAndVariableLengthStrings) {
  llm::SimulationResults r = sample();
  // Request 0's tokens at 100, 300, 400 ns; request 1's at 1100, 1200: gaps 200, 100, 100 -> mean 400/3 ns.
  r.tokens = {{0, 100, 0, 0}, {0, 300, 1, 0}, {0, 400, 2, 0}, {1, 1100, 0, 0}, {1, 1200, 1, 0}};
  const fs::path path = temp_dir() / "summary.h5";
  RunMetadata meta{"{}", 1, 1, "single"};
  meta.tokens = true;
  write_h5(r, meta, path);
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  auto attr = [f](const char* name) {
    double v = -1;
    const hid_t a = H5Aopen_by_name(f, "summary", name, H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(a, 0) << name;
    H5Aread(a, H5T_NATIVE_DOUBLE, &v);
    H5Aclose(a);
    return v;
  };
  EXPECT_DOUBLE_EQ(attr("itl_mean_s"), 400.0 / 3 * 1e-9);
  EXPECT_DOUBLE_EQ(attr("itl_p50_s"), 100e-9);
  EXPECT_DOUBLE_EQ(attr("e2el_p50_s"), 500e-9);
  EXPECT_DOUBLE_EQ(attr("makespan_s"), 2500e-9);
  EXPECT_DOUBLE_EQ(attr("request_throughput_per_s"), 3 / 2500e-9);
  const hid_t tokens = H5Dopen2(f, "tokens", H5P_DEFAULT);
  ASSERT_GE(tokens, 0);
  const hid_t space = H5Dget_space(tokens);
  EXPECT_EQ(H5Sget_simple_extent_npoints(space), 5);
  // /operator_times: the operator name is a variable-length UTF-8 string.
  const hid_t ops = H5Dopen2(f, "operator_times", H5P_DEFAULT);
  ASSERT_GE(ops, 0);
  const hid_t type = H5Dget_type(ops);
  const hid_t member = H5Tget_member_type(type, static_cast<unsigned>(H5Tget_member_index(type, "operator")));
  EXPECT_TRUE(H5Tis_variable_str(member) > 0);
  EXPECT_EQ(H5Tget_cset(member), H5T_CSET_UTF8);
  const hid_t str = H5Tcopy(H5T_C_S1);
  H5Tset_size(str, H5T_VARIABLE);
  H5Tset_cset(str, H5T_CSET_UTF8);
  const hid_t mem = H5Tcreate(H5T_COMPOUND, sizeof(char*));
  H5Tinsert(mem, "operator", 0, str);
  char* name = nullptr;
  ASSERT_GE(H5Dread(ops, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, &name), 0);
  EXPECT_STREQ(name, "mlp_up_proj");
  H5free_memory(name);
  H5Tclose(mem);
  H5Tclose(str);
  H5Tclose(member);
  H5Tclose(type);
  H5Dclose(ops);
  H5Sclose(space);
  H5Dclose(tokens);
  EXPECT_EQ(H5Lexists(f, "timeseries", H5P_DEFAULT), 0) << "time series not asked for";
  H5Fclose(f);
}

TEST(Hdf5Writer, EqualResultsGiveByteIdenticalFiles) {
  const fs::path a = temp_dir() / "a.h5";
  const fs::path b = temp_dir() / "b.h5";
  write_h5(sample(), RunMetadata{"{}", 1, 1, "single"}, a);
  write_h5(sample(), RunMetadata{"{}", 1, 1, "single"}, b);
  EXPECT_EQ(read_bytes(a), read_bytes(b));
  llm::SimulationResults other = sample();
  other.requests[1].e2e_time = 501;
  write_h5(other, RunMetadata{"{}", 1, 1, "single"}, b);
  EXPECT_NE(read_bytes(a), read_bytes(b));
}

// Request rows streamed in pieces of any size, across chunk boundaries (65,536 rows), compressed and not, give
// the bytes of a file written at once; a row too many, or too few at finish, is an error naming the file.
TEST(Hdf5ResultFile, RowsStreamedInPiecesGiveTheBytesOfOneWrite) {
  llm::SimulationResults r = sample();
  r.requests.clear();
  r.request_summary = {};
  for (int i = 0; i < 150'000; ++i) {
    llm::RequestRecord q;
    q.request_id = i;
    q.replica_id = i % 3;
    q.completed = static_cast<std::uint8_t>(i % 7 != 0);
    q.arrived_at = 10 * i;
    q.e2e_time = 1000 + i % 977;
    r.requests.push_back(q);
    r.request_summary.add(q);
  }
  for (const bool compress : {false, true}) {
    RunMetadata meta{"{}", 1, 2, "block"};
    meta.compress = compress;
    const fs::path whole = temp_dir() / "whole.h5";
    const fs::path streamed = temp_dir() / "streamed.h5";
    write_h5(r, meta, whole);
    StagedFiles staged;
    Hdf5ResultFile file(meta, r.requests.size(), streamed.string(), staged);
    const std::span<const llm::RequestRecord> rows(r.requests);
    std::size_t at = 0;
    for (const std::size_t piece : {1, 70'000, 3, 65'536}) {
      file.request_rows().write(rows.subspan(at, piece));
      at += piece;
    }
    EXPECT_THROW(file.finish(r), Error) << "135,540 rows of 150,000";
    file.request_rows().write(rows.subspan(at));
    EXPECT_THROW(file.request_rows().write(rows.subspan(0, 1)), Error);
    llm::SimulationResults rest = r;
    rest.requests.clear();  // finish reads the summary, not the rows
    file.finish(rest);
    staged.commit();
    EXPECT_TRUE(read_bytes(whole) == read_bytes(streamed)) << "compress " << compress;
  }
}

TEST(Hdf5Writer, EmptyTablesAreWritten) {
  const fs::path path = temp_dir() / "empty.h5";
  EXPECT_NO_THROW(write_h5(llm::SimulationResults{}, RunMetadata{}, path));
  EXPECT_TRUE(fs::exists(path));
}

TEST(Hdf5Writer, FailureLeavesNoFileBehind) {
  const fs::path path = temp_dir() / "no-such-dir" / "x.h5";
  EXPECT_THROW(write_h5(sample(), RunMetadata{}, path), Error);
  EXPECT_FALSE(fs::exists(path.parent_path()));
  // The final rename fails (a directory is in the way): the complete temporary is removed too.
  const fs::path blocked = temp_dir() / "blocked";
  fs::create_directories(blocked / "x.h5" / "keep");
  EXPECT_THROW(write_h5(sample(), RunMetadata{}, (blocked / "x.h5")), Error);
  EXPECT_EQ(std::distance(fs::directory_iterator(blocked), fs::directory_iterator{}), 1);
}

TEST(StagedFiles, AFailingWriterReplacesNoPreviousOutput) {
  const fs::path dir = temp_dir() / "all-or-nothing";
  fs::remove_all(dir);
  fs::create_directories(dir);
  write_h5(sample(), RunMetadata{"{}", 1, 1, "single"}, dir / "run.h5");
  const std::string before = read_bytes(dir / "run.h5");
  std::ofstream(dir / "csv-is-a-file") << "in the way";
  llm::SimulationResults other = sample();
  other.requests[1].e2e_time = 501;
  {
    StagedFiles staged;
    write_hdf5(other, RunMetadata{"{}", 1, 1, "single"}, (dir / "run.h5").string(), staged);
    EXPECT_THROW(write_csv(other, (dir / "csv-is-a-file").string(), staged), std::exception);
  }  // never committed
  EXPECT_EQ(read_bytes(dir / "run.h5"), before);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}), 2);  // no temporary left
}

TEST(CsvWriter, WritesOneFilePerTableWithHeaderAndExactValues) {
  const fs::path dir = temp_dir() / "csv";
  fs::remove_all(dir);
  StagedFiles staged;
  write_csv(sample(), dir.string(), staged);
  EXPECT_FALSE(fs::exists(dir / "requests.csv"));  // staged, not yet in place
  staged.commit();
  std::ifstream in(dir / "requests.csv");
  std::string header;
  std::string row0;
  std::string row1;
  std::getline(in, header);
  std::getline(in, row0);
  std::getline(in, row1);
  EXPECT_EQ(header.rfind("request_id,replica_id,completed,", 0), 0u);
  EXPECT_EQ(row1.rfind("1,1,1,", 0), 0u);
  EXPECT_NE(row1.find(",0.125"), std::string::npos);
  for (const char* name : {"batches.csv", "replica_stages.csv", "replicas.csv"}) EXPECT_TRUE(fs::exists(dir / name));
}

TEST(ChromeTraceWriter, OneCompleteEventPerBatchStage) {
  const fs::path path = temp_dir() / "trace.json";
  StagedFiles staged;
  write_chrome_trace(sample(), path.string(), staged);
  staged.commit();
  std::ifstream in(path);
  const nlohmann::json j = nlohmann::json::parse(in);
  ASSERT_EQ(j["traceEvents"].size(), 1u);
  const auto& e = j["traceEvents"][0];
  EXPECT_EQ(e["name"], "[3, 4]");
  EXPECT_EQ(e["ph"], "X");
  EXPECT_DOUBLE_EQ(e["ts"].get<double>(), 10.0);
  EXPECT_DOUBLE_EQ(e["dur"].get<double>(), 2.5);
  EXPECT_EQ(e["pid"], 1);
  EXPECT_EQ(e["args"]["num_tokens"], (std::vector<int>{16, 1}));
}

}  // namespace
}  // namespace llmsim::io
