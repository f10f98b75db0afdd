// SPDX-License-Identifier: MIT
// llmsim validate.
#include "validate_command.hpp"

#include "inspect_commands.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>

#include "llmsim/io/validation_file.hpp"
#include "llmsim/io/validation_suite.hpp"
#include "llmsim/validation/validation_run.hpp"

namespace llmsim::app {

namespace {

using Json = nlohmann::ordered_json;

Json case_row(const validation::CaseError& e) {
  return {{"suite", e.suite},
          {"case", e.c->id},
          {"gpu", e.c->gpu},
          {"model", e.c->model},
          {"predictor", e.c->predictor},
          {"role", e.c->role},
          {"tensor_parallel", e.c->tensor_parallel},
          {"setting", e.c->setting},
          {"metric", e.metric},
          {"measured_ms", e.measured_ms},
          {"predicted_ms", e.predicted_ms},
          {"error_percent", e.error_percent},
          {"repeats", e.repeats}};
}

Json summary_row(const validation::SummaryRow& s) {
  return {{"suite", s.suite},
          {"gpu", s.gpu},
          {"model", s.model},
          {"predictor", s.predictor},
          {"metric", s.metric},
          {"role", s.role},
          {"cases", s.cases},
          {"median_abs_error_percent", s.median_abs_percent},
          {"p90_abs_error_percent", s.p90_abs_percent},
          {"max_abs_error_percent", s.max_abs_percent},
          {"mean_signed_error_percent", s.mean_signed_percent}};
}

void print_cases(const std::vector<validation::CaseError>& errors) {
  std::printf("%-56s %-20s %12s %12s %9s\n", "case", "metric", "measured ms", "predicted ms", "error %");
  for (const validation::CaseError& e : errors) {
    std::printf("%-56s %-20s %12.3f %12.3f %+9.2f\n", e.c->id.c_str(), e.metric.c_str(), e.measured_ms,
                e.predicted_ms, e.error_percent);
  }
  std::printf("\n");
}

void print_summary(const std::vector<validation::SummaryRow>& summary) {
  std::printf("%-24s %-5s %-11s %-12s %-20s %-8s %5s %8s %8s %8s %8s\n", "suite", "gpu", "model", "predictor",
              "metric", "role", "cases", "median%", "P90%", "max%", "signed%");
  for (const validation::SummaryRow& s : summary) {
    std::printf("%-24s %-5s %-11s %-12s %-20s %-8s %5lld %8.2f %8.2f %8.2f %+8.2f\n", s.suite.c_str(), s.gpu.c_str(),
                s.model.c_str(), s.predictor.c_str(), s.metric.c_str(), s.role.c_str(),
                static_cast<long long>(s.cases), s.median_abs_percent, s.p90_abs_percent, s.max_abs_percent,
                s.mean_signed_percent);
  }
}

int validate(const ValidateOptions& o) {
  std::vector<std::string> files;
  for (const std::string& s : o.suites) {
    for (const std::string& f : io::validation_suite_files(s)) files.push_back(f);
  }
  const std::vector<io::ErrorBound> bounds = o.bounds_path.empty() ? std::vector<io::ErrorBound>{}
                                                                    : io::load_error_bounds(o.bounds_path);
  std::vector<io::ValidationSuite> suites;
  for (const std::string& f : files) suites.push_back(io::load_validation_suite(f, o.overrides));
  validation::SuiteRunner runner;
  std::vector<validation::CaseError> errors;
  for (const io::ValidationSuite& s : suites) {
    spdlog::info("suite {}: {} cases from {}", s.name, s.cases.size(), s.measurements);
    for (const io::UnusedMeasurements& u : s.unused) spdlog::info("  not used: {} ({})", u.reason, u.count);
    runner.set_progress([&](std::size_t done, std::size_t total) {
      if (done % 50 == 0 || done == total) spdlog::info("  {} / {} cases", done, total);
    });
    const auto e = runner.run(s);
    errors.insert(errors.end(), e.begin(), e.end());
  }
  const std::vector<validation::SummaryRow> summary = validation::summarise(errors);
  if (o.print_cases) print_cases(errors);
  print_summary(summary);

  std::vector<Json> case_rows, summary_rows;
  for (const auto& e : errors) case_rows.push_back(case_row(e));
  for (const auto& s : summary) summary_rows.push_back(summary_row(s));
  Json suite_info = Json::array();
  for (const io::ValidationSuite& s : suites) {
    Json source = Json::object();
    for (const auto& [k, v] : s.source) source[k] = v;
    Json unused = Json::array();
    for (const auto& u : s.unused) unused.push_back({{"reason", u.reason}, {"count", u.count}});
    suite_info.push_back({{"name", s.name}, {"file", s.file}, {"format", s.format}, {"measurements", s.measurements},
                          {"base_config", s.base_config}, {"source", source}, {"unused", unused}});
  }
  const std::filesystem::path parent = std::filesystem::path(o.output_path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  io::StagedFiles staged;
  io::write_validation_hdf5(case_rows, summary_rows, {{"suites", suite_info.dump()}}, o.output_path, staged);
  staged.commit();
  spdlog::info("wrote {}", o.output_path);

  if (o.bounds_path.empty()) return 0;
  const std::vector<std::string> violations = validation::check_bounds(summary, bounds);
  for (const std::string& v : violations) std::fprintf(stderr, "llmsim validate: %s\n", v.c_str());
  if (!violations.empty()) return kBoundExceededExit;
  std::printf("every group is within its bound in %s\n", o.bounds_path.c_str());
  return 0;
}

}  // namespace

int validate_command(const ValidateOptions& o) {
  return with_exit_codes([&] { return validate(o); });
}

}  // namespace llmsim::app
