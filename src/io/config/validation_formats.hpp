// SPDX-License-Identifier: MIT
// The measurement formats of validation suites: each turns the rows of a measurement file into cases.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "llmsim/io/validation_suite.hpp"
#include "llmsim/util/csv_table.hpp"

namespace llmsim::io::detail {

/// `column: value` conditions on a measurement row (all must hold; numbers compare as numbers).
using RowMatch = std::vector<std::pair<std::string, std::string>>;

/// One `deployments` entry of a suite: the rows it takes and the llmsim settings that predict them.
struct SuiteDeployment {
  std::string name;  ///< predictor label, e.g. profiled
  std::string gpu;
  std::string role;  ///< fit | held_out
  RowMatch match;
  std::vector<std::string> overrides;
};

/// One `exclude` entry: metrics of matching rows left out, with the reason.
struct SuiteExclusion {
  RowMatch match;
  std::vector<std::string> metrics;  ///< empty: every metric
  std::string reason;
};

struct SuiteSpec {
  std::string key_prefix;  ///< for errors: "<suite file>"
  std::vector<SuiteDeployment> deployments;
  std::vector<SuiteExclusion> exclusions;
  std::vector<std::pair<std::string, std::string>> models;  ///< measurement model name -> model override
};

/// Evaluates RowMatch conditions on a table (columns are looked up once).
class RowMatcher {
 public:
  RowMatcher(const CsvTable& table, const RowMatch& match, const std::string& where);
  bool operator()(std::size_t row) const;

 private:
  std::vector<std::vector<std::string_view>> columns_;
  std::vector<std::string> values_;
};

/// Reads `table` in the suite's `format` into `suite.cases` and `suite.unused`.
void read_measurements(const std::string& format, const CsvTable& table, const SuiteSpec& spec,
                       ValidationSuite& suite);

}  // namespace llmsim::io::detail
