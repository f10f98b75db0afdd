// SPDX-License-Identifier: MIT
// generate_requests: Vidur's synthetic and trace_replay request generators (spec 7.1-7.3).
#include "llmsim/llm/request_generator.hpp"

#include <algorithm>
#include <cmath>

#include "llmsim/util/csv_table.hpp"
#include "llmsim/util/error.hpp"
#include "shared_prefix.hpp"
#include "trace_columns.hpp"
#include "workload_generators.hpp"

namespace llmsim::llm {

namespace {

using detail::Draft;

// Draws one request: the interval first, then the lengths (Vidur's order); nullopt when a source runs out.
std::optional<Draft> draw(detail::IntervalGenerator& intervals, detail::LengthGenerator& lengths, double t) {
  const std::optional<double> gap = intervals.next();
  if (!gap) return std::nullopt;
  const auto sizes = lengths.next();
  if (!sizes) return std::nullopt;
  return Draft{t + *gap, static_cast<std::int64_t>(sizes->first), static_cast<std::int64_t>(sizes->second), {}};
}

void check_synthetic(const RequestGeneratorConfig& c) {
  if (c.interval.name == "static" && c.duration) {
    throw ConfigError("request_generator.duration: cannot be combined with interval_generator.name static (all "
                      "requests arrive at t = 0, so the duration is never reached)");
  }
  if (!c.num_requests && !c.duration && c.interval.name != "trace") {
    throw ConfigError("request_generator: set num_requests or duration (only a trace interval generator may "
                      "run until its trace ends)");
  }
}

std::vector<Draft> synthetic_drafts(const RequestGeneratorConfig& c) {
  check_synthetic(c);
  detail::GlobalStreams streams(c.seed);
  const auto lengths =
      find_plugin(detail::length_generators(), c.length.name, "request_generator.length_generator.name")
          .make(c.length, streams);
  const auto intervals =
      find_plugin(detail::interval_generators(), c.interval.name, "request_generator.interval_generator.name")
          .make(c.interval, streams);
  std::vector<Draft> out;
  double t = 0;
  for (;;) {
    if (c.duration ? t >= *c.duration : (c.num_requests && static_cast<std::int64_t>(out.size()) >= *c.num_requests)) {
      break;
    }
    const std::optional<Draft> d = draw(*intervals, *lengths, t);
    if (!d) {
      if (c.num_requests && !c.duration) {
        throw InputError("request_generator: a trace ran out after " + std::to_string(out.size()) +
                         " requests but num_requests is " + std::to_string(*c.num_requests));
      }
      break;
    }
    t = d->arrived_at;
    out.push_back(*d);
  }
  if (c.duration) std::erase_if(out, [&](const Draft& d) { return d.arrived_at >= *c.duration; });
  return out;
}

// Simulated time is int64 ns (about 292 years); arrivals are kept well inside it so that runs can end.
constexpr double kMaxArrivalSeconds = 1e9;

std::vector<Draft> trace_replay_drafts(const RequestGeneratorConfig& c) {
  const CsvTable t = CsvTable::read(c.trace_file);
  const std::vector<double> at = t.numeric_column("arrived_at");
  const std::vector<std::int64_t> ps = detail::scaled_token_counts(t, "num_prefill_tokens", c.prefill_scale_factor);
  const std::vector<std::int64_t> ds = detail::scaled_token_counts(t, "num_decode_tokens", c.decode_scale_factor);
  // Optional session_id column: a session's rows share one token stream (each prompt holding the history).
  std::vector<std::uint64_t> sessions(t.rows(), 0);
  if (t.has_column("session_id")) {
    const std::vector<std::string_view> ids = t.text_column("session_id");
    for (std::size_t r = 0; r < ids.size(); ++r) sessions[r] = ids[r].empty() ? 0 : detail::session_key(ids[r]);
  }
  std::vector<Draft> out;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const std::int64_t d = std::max<std::int64_t>(1, ds[r]);
    std::int64_t p = std::max<std::int64_t>(1, ps[r]);
    p -= std::max<std::int64_t>(0, p + d - c.max_tokens);  // Vidur shortens only the prompt (spec 7.3)
    if (p <= 0) {
      throw InputError(t.path() + ":" + std::to_string(t.line_of(r)) + ": " + std::to_string(d) +
                       " decode tokens leave no room for a prompt within max_tokens " + std::to_string(c.max_tokens));
    }
    if (!(at[r] >= 0) || !(at[r] * c.time_scale_factor < kMaxArrivalSeconds)) {
      throw InputError(t.path() + ":" + std::to_string(t.line_of(r)) + ": column 'arrived_at': " +
                       std::to_string(at[r]) + " is not an arrival time (seconds, >= 0 and, scaled, below " +
                       std::to_string(kMaxArrivalSeconds) + ")");
    }
    out.push_back(Draft{at[r] * c.time_scale_factor, p, d, TokenContent{0, 0, sessions[r]}});
  }
  return out;
}

using RequestGeneratorPlugin = Plugin<std::vector<Draft> (*)(const RequestGeneratorConfig&)>;

const std::vector<RequestGeneratorPlugin>& request_generators() {
  static const std::vector<RequestGeneratorPlugin> all{
      {{"synthetic", {"num_requests", "duration", "interval_generator", "length_generator", "seed", "shared_prefix"},
        "arrivals from an interval generator, lengths from a length generator (Vidur's streams), sorted by arrival"},
       [](const RequestGeneratorConfig& c) {
         std::vector<Draft> drafts = synthetic_drafts(c);
         std::stable_sort(drafts.begin(), drafts.end(),
                          [](const Draft& a, const Draft& b) { return a.arrived_at < b.arrived_at; });
         return drafts;
       }},
      {{"conversations",
        {"num_sessions", "duration", "interval_generator", "length_generator", "seed", "shared_prefix", "turns",
         "think_time", "max_tokens"},
        "multi-turn sessions: each turn's prompt is the session's history plus new tokens (prefix caching reuses it)"},
       detail::conversation_drafts},
      {{"trace_replay",
        {"trace_file", "prefill_scale_factor", "decode_scale_factor", "time_scale_factor", "max_tokens", "seed",
         "shared_prefix"},
        "the rows of a trace (arrived_at, num_prefill_tokens, num_decode_tokens, optional session_id) in file order"},
       trace_replay_drafts},
  };
  return all;
}

}  // namespace

std::vector<PluginInfo> request_generator_plugins() { return plugin_infos(request_generators()); }
std::vector<PluginInfo> interval_generator_plugins() { return plugin_infos(detail::interval_generators()); }
std::vector<PluginInfo> length_generator_plugins() { return plugin_infos(detail::length_generators()); }

std::vector<RequestSpec> generate_requests(const RequestGeneratorConfig& config) {
  const std::vector<Draft> drafts = find_plugin(request_generators(), config.name, "request_generator.name").make(config);
  std::vector<RequestSpec> out;
  out.reserve(drafts.size());
  for (const Draft& d : drafts) {
    if (d.prefill <= 0 || d.decode <= 0) {
      throw ConfigError("request_generator: a generated request has " + std::to_string(d.prefill) + " prefill and " +
                        std::to_string(d.decode) + " decode tokens; both must be >= 1");
    }
    out.push_back(RequestSpec{seconds_to_simtime(d.arrived_at), d.prefill, d.decode, d.content});
  }
  // Conversations pick one system prompt per session themselves.
  if (config.name != "conversations") detail::assign_shared_prefixes(out, config.shared_prefix, config.seed);
  // Vidur keeps a trace's file order; llmsim needs arrival order for its lazy arrival stream, so unsorted traces
  // are errors (synthetic workloads are sorted above).
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i].arrived_at < out[i - 1].arrived_at) {
      throw InputError(config.trace_file + ": arrived_at must be non-decreasing (row " + std::to_string(i + 1) + ")");
    }
  }
  return out;
}

}  // namespace llmsim::llm
