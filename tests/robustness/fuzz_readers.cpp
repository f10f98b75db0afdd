// SPDX-License-Identifier: MIT
// Seeded mutation fuzzer of the input readers: YAML configs (load_config), CSV traces and their gzip form
// (CsvTable through trace_replay's generate_requests). Each case mutates a valid seed input (byte flips, inserted
// tokens, deleted or repeated ranges, truncation), loads it, and accepts only success or ConfigError/InputError:
// any other exception fails the test; a crash or hang fails it through ctest. Deterministic: case i of a seed
// input always gets the same mutation. A failing input is written to <workdir>/failing-<kind>-<case>.
// Usage: fuzz_readers CONFIGS_DIR WORKDIR [CASES_PER_SEED=600]
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "llmsim/io/config_loader.hpp"
#include "llmsim/llm/request_generator.hpp"
#include "llmsim/util/error.hpp"
#include "llmsim/util/mt19937.hpp"

namespace fs = std::filesystem;
using llmsim::Mt19937;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; }

std::string gzip(const std::string& text) {
  uLongf size = compressBound(static_cast<uLong>(text.size())) + 32;
  std::string out(size, '\0');
  z_stream z{};
  deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// Tokens that tend to reach edge cases of YAML and number parsing.
const std::vector<std::string> kTokens{"nan", "-inf", "1e308", "-1", "0", "1e-300", "9223372036854775808", "010",
                                       "0x1F", ":", "{", "}", "[", "]", "- ", "&a ", "*a", "!!binary", "\n  ", ",",
                                       "\r\n", "\"", "'", "#", "\xef\xbb\xbf", "\xff\xfe", std::string(1, '\0'), "~"};

std::string mutate(std::string s, Mt19937& rng) {
  const auto pick = [&](std::size_t n) { return n == 0 ? std::size_t{0} : rng.next_u32() % n; };
  const int edits = 1 + static_cast<int>(pick(4));
  for (int e = 0; e < edits; ++e) {
    const std::size_t at = pick(s.size() + 1);
    switch (pick(6)) {
      case 0:  // flip a byte
        if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1u << pick(8));
        break;
      case 1:  // insert a token
        s.insert(at, kTokens[pick(kTokens.size())]);
        break;
      case 2:  // delete a range
        s.erase(at, 1 + pick(16));
        break;
      case 3: {  // repeat a range
        const std::string piece = s.substr(at, 1 + pick(64));
        s.insert(at, piece);
        break;
      }
      case 4:  // truncate
        s.resize(at);
        break;
      default:  // replace a digit run's neighbourhood with a random byte
        if (!s.empty()) s[pick(s.size())] = static_cast<char>(pick(256));
        break;
    }
  }
  return s;
}

struct Stats {
  int ok = 0;
  int refused = 0;
};

// Runs `load` on case i of `kind`; returns false (after saving the input) on an unexpected exception.
bool run_case(const std::string& kind, int i, const fs::path& input, const std::function<void()>& load,
              const fs::path& workdir, Stats& stats) {
  try {
    load();
    ++stats.ok;
  } catch (const llmsim::ConfigError&) {
    ++stats.refused;
  } catch (const llmsim::InputError&) {
    ++stats.refused;
  } catch (const std::exception& e) {
    const fs::path keep = workdir / ("failing-" + kind + "-" + std::to_string(i));
    fs::copy_file(input, keep, fs::copy_options::overwrite_existing);
    std::cerr << "FAIL " << kind << " case " << i << ": " << e.what() << " (input kept as " << keep << ")\n";
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: fuzz_readers CONFIGS_DIR WORKDIR [CASES_PER_SEED]\n";
    return 2;
  }
  const fs::path configs = fs::weakly_canonical(fs::absolute(argv[1]));
  const fs::path workdir = fs::absolute(argv[2]);
  const int cases = argc > 3 ? std::stoi(argv[3]) : 600;
  fs::remove_all(workdir);
  fs::create_directories(workdir);
  const auto start = std::chrono::steady_clock::now();
  bool all_ok = true;

  // YAML: every bundled scheduler example plus the 70B example, with catalog paths made absolute.
  std::vector<std::string> yaml_seeds;
  for (const char* name : {"schedulers/vllm.yaml", "schedulers/sarathi.yaml", "llama2-70b-tp4pp2-lor-vllm.yaml"}) {
    std::string text = read_file(configs / "examples" / name);
    const std::string absolute = configs.string() + "/";
    for (std::size_t p = 0; (p = text.find("../", p)) != std::string::npos; p += absolute.size()) {
      const std::size_t end = text.find_first_not_of("./", p);
      text.replace(p, end - p, absolute);
    }
    yaml_seeds.push_back(text);
  }
  // CSV: a replay trace, plain and gzip.
  std::string trace = "arrived_at,num_prefill_tokens,num_decode_tokens\n";
  for (int r = 0; r < 40; ++r) trace += std::to_string(r * 0.25) + "," + std::to_string(64 + 7 * r) + ",16\n";
  const fs::path trace_path = workdir / "trace.csv";
  const fs::path trace_gz_path = workdir / "trace.csv.gz";
  const fs::path config_path = workdir / "config.yaml";
  llmsim::llm::RequestGeneratorConfig replay;
  replay.name = "trace_replay";
  replay.max_tokens = 4096;

  Stats yaml, csv, gz;
  for (std::size_t seed = 0; seed < yaml_seeds.size(); ++seed) {
    for (int i = 0; i < cases; ++i) {
      Mt19937 rng = Mt19937::numpy_seeded(static_cast<std::uint32_t>(seed * 100000 + static_cast<std::size_t>(i)));
      write_file(config_path, mutate(yaml_seeds[seed], rng));
      all_ok &= run_case("yaml" + std::to_string(seed), i, config_path,
                         [&] { llmsim::io::load_config(config_path.string(), {}); }, workdir, yaml);
    }
  }
  for (int i = 0; i < cases; ++i) {
    Mt19937 rng = Mt19937::numpy_seeded(static_cast<std::uint32_t>(900000 + i));
    write_file(trace_path, mutate(trace, rng));
    replay.trace_file = trace_path.string();
    all_ok &= run_case("csv", i, trace_path, [&] { llmsim::llm::generate_requests(replay); }, workdir, csv);
    const std::string compressed = gzip(i % 2 == 0 ? trace : mutate(trace, rng));
    write_file(trace_gz_path, mutate(compressed, rng));  // the gzip stream itself damaged
    replay.trace_file = trace_gz_path.string();
    all_ok &= run_case("gzip", i, trace_gz_path, [&] { llmsim::llm::generate_requests(replay); }, workdir, gz);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("yaml: %d loaded, %d refused; csv: %d loaded, %d refused; gzip: %d loaded, %d refused (%.1f s)\n",
              yaml.ok, yaml.refused, csv.ok, csv.refused, gz.ok, gz.refused, seconds);
  // The fuzzer must exercise both outcomes, or it tests nothing.
  if (yaml.ok == 0 || yaml.refused == 0 || csv.ok == 0 || csv.refused == 0 || gz.refused == 0) {
    std::printf("FAIL: a reader was never accepted or never refused: the mutations are too weak or too strong\n");
    return 1;
  }
  return all_ok ? 0 : 1;
}
