// SPDX-License-Identifier: MIT
// llmsim calibrate.
#include "calibrate_command.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "inspect_commands.hpp"
#include "llmsim/io/config_loader.hpp"
#include "llmsim/io/serving_measurements.hpp"
#include "llmsim/io/staged_files.hpp"
#include "llmsim/util/error.hpp"
#include "llmsim/validation/calibration.hpp"

namespace llmsim::app {

namespace {

std::string terms_text(const llm::CpuOverheadConfig& t) {
  return fmt::format("launch_per_layer_ms {:g}, per_iteration_ms {:g}, per_request_ms {:g}", t.launch_per_layer_ms,
                     t.per_iteration_ms, t.per_request_ms);
}

std::string errors_text(const validation::RequestErrors& e) {
  return fmt::format("TTFT {:6.2f} %  TPOT {:6.2f} %  E2E {:6.2f} %", e.ttft, e.tpot, e.e2e);
}

void write_terms(const CalibrateOptions& o, const std::vector<io::ServingRun>& runs,
                 const validation::CalibrationResult& r) {
  const std::filesystem::path parent = std::filesystem::path(o.output_path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  io::StagedFiles staged;
  {
    std::ofstream f(staged.stage(o.output_path));
    f << "# CPU overhead of a serving stack, fitted by `llmsim calibrate` (docs/validation.md, \"Calibration\").\n";
    f << "# Use it as execution_time_predictor.cpu_overhead: <this file>\n";
    f << "# config: " << std::filesystem::absolute(o.config_path).string() << "\n";
    for (const std::string& s : o.overrides) f << "#   --set " << s << "\n";
    for (const io::ServingRun& run : runs) {
      f << "# measured: " << std::filesystem::absolute(run.file).string() << " (" << run.format << ", "
        << run.requests.size() << " requests)\n";
    }
    f << fmt::format("# held-out median |error| ({} folds): TTFT {:.2f} -> {:.2f} %, TPOT {:.2f} -> {:.2f} %\n",
                     r.folds.size(), r.fit_before.ttft, r.held_out_after.ttft, r.fit_before.tpot,
                     r.held_out_after.tpot);
    f << fmt::format("launch_per_layer_ms: {:g}\nper_iteration_ms: {:g}\nper_request_ms: {:g}\n",
                     r.terms.launch_per_layer_ms, r.terms.per_iteration_ms, r.terms.per_request_ms);
    if (!f) throw InputError(o.output_path + ": cannot write");
  }
  staged.commit();
}

int calibrate(const CalibrateOptions& o) {
  const llm::SimulationConfig config = io::load_config(o.config_path, o.overrides);
  std::vector<io::ServingRun> runs;
  for (const std::string& m : o.measurements) {
    runs.push_back(io::read_serving_run(m));
    const io::ServingRun& r = runs.back();
    spdlog::info("{}: {} requests ({}){}", r.file, r.requests.size(), r.format,
                 r.failed_requests > 0 ? fmt::format("; {} failed requests not used", r.failed_requests) : "");
  }
  const validation::CalibrationResult r = validation::calibrate_cpu_overhead(config, runs, o.folds, [](std::int64_t n) {
    if (n % 25 == 0) spdlog::info("  {} simulations", n);
  });
  std::printf("median |error| per request\n");
  std::printf("  every request, config's terms         %s\n", errors_text(r.fit_before).c_str());
  std::printf("  every request, fitted terms           %s   (in-sample)\n", errors_text(r.fit_after).c_str());
  std::printf("cross-validation (%zu folds, %s):\n", r.folds.size(),
              runs.size() > 1 ? "one run left out at a time" : "interleaved requests");
  for (const validation::CalibrationFold& f : r.folds) {
    std::printf("  held out %s (%lld requests): %s -> %s\n    terms fitted without it: %s\n", f.held_out.c_str(),
                static_cast<long long>(f.after.requests), errors_text(f.before).c_str(), errors_text(f.after).c_str(),
                terms_text(f.terms).c_str());
  }
  std::printf("held-out, pooled: before %s\n", errors_text(r.fit_before).c_str());  // the config's terms: no fit
  std::printf("                  after  %s\n", errors_text(r.held_out_after).c_str());
  std::printf("fitted on every request: %s (%lld simulations)\n", terms_text(r.terms).c_str(),
              static_cast<long long>(r.simulations));
  write_terms(o, runs, r);
  std::printf("wrote %s\n", o.output_path.c_str());
  return 0;
}

}  // namespace

int calibrate_command(const CalibrateOptions& o) {
  return with_exit_codes([&] { return calibrate(o); });
}

}  // namespace llmsim::app
