// SPDX-License-Identifier: MIT
// Reading a user's serving measurements: vLLM bench-serve result files and per-request CSV files.
#include "llmsim/io/serving_measurements.hpp"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "llmsim/util/csv_table.hpp"
#include "llmsim/util/error.hpp"

namespace llmsim::io {

namespace {

using Json = nlohmann::json;

constexpr double kMaxTokens = 1e9;
constexpr double kMaxMs = 1e10;  // about four months

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::int64_t token_count(double v, const std::function<void(const std::string&)>& fail) {
  if (!(v >= 1 && v <= kMaxTokens) || v != std::floor(v)) fail(fmt::format("{:g} is not a token count (1 to 1e9)", v));
  return static_cast<std::int64_t>(v);
}

// A finite time in seconds >= `min` from a JSON number.
double seconds(const Json& v, double min, const std::function<void(const std::string&)>& fail) {
  if (!v.is_number()) fail("expected a number of seconds, found " + v.dump().substr(0, 40));
  const double s = v.get<double>();
  if (!(s >= min && s * 1e3 <= kMaxMs)) fail(fmt::format("{:g} s is not a time here", s));
  return s;
}

ServingRun read_vllm(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open");
  std::stringstream text;
  text << in.rdbuf();
  Json j;
  try {
    j = Json::parse(text.str());
  } catch (const Json::parse_error& e) {
    throw InputError(path + ": not JSON (" + e.what() + ")");
  }
  if (!j.is_object()) throw InputError(path + ": expected the JSON object of a vLLM bench serve result");
  const auto array = [&](const char* key) -> const Json& {
    if (!j.contains(key) || !j[key].is_array()) {
      throw InputError(path + ": key '" + key + "': required list (write the file with `vllm bench serve --save-result`"
                       " or benchmark_serving.py --save-result)");
    }
    return j[key];
  };
  const Json& input = array("input_lens");
  const Json& output = array("output_lens");
  const Json& ttfts = array("ttfts");
  const Json& itls = array("itls");
  const std::size_t n = input.size();
  for (const auto& [key, list] : {std::pair{"output_lens", &output}, {"ttfts", &ttfts}, {"itls", &itls}}) {
    if (list->size() != n) {
      throw InputError(fmt::format("{}: key '{}': {} entries, but input_lens has {}", path, key, list->size(), n));
    }
  }
  const Json* errors = j.contains("errors") && j["errors"].is_array() ? &j["errors"] : nullptr;
  const Json* starts = j.contains("start_times") && j["start_times"].is_array() ? &j["start_times"] : nullptr;
  if (starts && starts->size() != n) {
    throw InputError(fmt::format("{}: key 'start_times': {} entries, but input_lens has {}", path, starts->size(), n));
  }
  if (!starts) {
    const Json rate = j.contains("request_rate") ? j["request_rate"] : Json("inf");
    const bool burst = rate == "inf" || (rate.is_number() && std::isinf(rate.get<double>()));
    if (!burst) {
      throw InputError(path + ": no 'start_times' and request_rate " + rate.dump() +
                       ": the requests' arrival times are unknown (the benchmark drew them at random); use a vLLM "
                       "that writes start_times, request_rate inf, or the per-request CSV with arrival_s");
    }
  }
  if (j.contains("max_concurrency") && j["max_concurrency"].is_number() &&
      j["max_concurrency"].get<double>() < static_cast<double>(n)) {
    throw InputError(path + ": key 'max_concurrency': " + j["max_concurrency"].dump() +
                     " below the request count: a closed-loop benchmark, which llmsim does not replay (each request "
                     "would arrive when an earlier one finished)");
  }
  ServingRun run{path, "vllm_bench_serve", {}, 0};
  double first = std::numeric_limits<double>::infinity();
  std::vector<double> start;
  for (std::size_t i = 0; i < n; ++i) {
    const auto fail = [&](const std::string& key) {
      return [&, key](const std::string& msg) {
        throw InputError(fmt::format("{}: key '{}', request {}: {}", path, key, i, msg));
      };
    };
    if (errors && i < errors->size() && (*errors)[i].is_string() && !(*errors)[i].get<std::string>().empty()) {
      ++run.failed_requests;
      continue;
    }
    if (!input[i].is_number() || !output[i].is_number()) fail("input_lens")("expected token counts");
    MeasuredRequest r;
    r.prompt_tokens = token_count(input[i].get<double>(), fail("input_lens"));
    r.output_tokens = token_count(output[i].get<double>(), fail("output_lens"));
    const double ttft = seconds(ttfts[i], 1e-9, fail("ttfts"));
    if (!itls[i].is_array()) fail("itls")("expected a list of inter-token latencies");
    double decode = 0;
    for (const Json& gap : itls[i]) decode += seconds(gap, 0, fail("itls"));
    r.ttft_ms = ttft * 1e3;
    r.e2e_ms = (ttft + decode) * 1e3;
    const double s = starts ? seconds((*starts)[i], -1e12, fail("start_times")) : 0.0;
    first = std::min(first, s);
    start.push_back(s);
    run.requests.push_back(r);
  }
  if (run.requests.empty()) throw InputError(path + ": no successful request (every 'errors' entry is set)");
  for (std::size_t i = 0; i < run.requests.size(); ++i) run.requests[i].arrived_at = seconds_to_simtime(start[i] - first);
  std::stable_sort(run.requests.begin(), run.requests.end(),
                   [](const MeasuredRequest& a, const MeasuredRequest& b) { return a.arrived_at < b.arrived_at; });
  return run;
}

ServingRun read_csv(const std::string& path) {
  const CsvTable t = CsvTable::read(path);
  const auto arrival = t.numeric_column("arrival_s");
  const auto prompt = t.numeric_column("prompt_tokens");
  const auto output = t.numeric_column("output_tokens");
  const auto ttft = t.numeric_column("ttft_ms");
  const auto e2e = t.numeric_column("e2e_ms");
  ServingRun run{path, "request_csv", {}, 0};
  double first = std::numeric_limits<double>::infinity();
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const auto fail = [&](const char* column) {
      return [&, column](const std::string& msg) {
        throw InputError(fmt::format("{}:{}: column '{}': {}", path, t.line_of(r), column, msg));
      };
    };
    MeasuredRequest m;
    m.prompt_tokens = token_count(prompt[r], fail("prompt_tokens"));
    m.output_tokens = token_count(output[r], fail("output_tokens"));
    if (!(arrival[r] >= 0 && arrival[r] <= kMaxMs / 1e3)) fail("arrival_s")(fmt::format("{:g} is not a time", arrival[r]));
    if (!(ttft[r] > 0 && ttft[r] <= kMaxMs)) fail("ttft_ms")(fmt::format("{:g} is not a time", ttft[r]));
    if (!(e2e[r] >= ttft[r] && e2e[r] <= kMaxMs)) {
      fail("e2e_ms")(fmt::format("{:g} is not a time of at least ttft_ms ({:g})", e2e[r], ttft[r]));
    }
    m.arrived_at = seconds_to_simtime(arrival[r]);
    m.ttft_ms = ttft[r];
    m.e2e_ms = e2e[r];
    first = std::min(first, arrival[r]);
    run.requests.push_back(m);
  }
  const SimTime offset = seconds_to_simtime(first);
  for (MeasuredRequest& m : run.requests) m.arrived_at -= offset;
  std::stable_sort(run.requests.begin(), run.requests.end(),
                   [](const MeasuredRequest& a, const MeasuredRequest& b) { return a.arrived_at < b.arrived_at; });
  return run;
}

}  // namespace

ServingRun read_serving_run(const std::string& path) {
  if (ends_with(path, ".json")) return read_vllm(path);
  if (ends_with(path, ".csv") || ends_with(path, ".csv.gz")) return read_csv(path);
  throw InputError(path + ": unknown measurement file type; expected .json (a vLLM bench serve result) or .csv / "
                   ".csv.gz (one row per request: arrival_s, prompt_tokens, output_tokens, ttft_ms, e2e_ms)");
}

}  // namespace llmsim::io
