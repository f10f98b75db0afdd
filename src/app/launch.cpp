// SPDX-License-Identifier: MIT
// Launch modes and error reporting (exit code 2 for bad input, 1 for anything else).
#include "launch.hpp"

#include "app_logging.hpp"

#include <algorithm>
#include <exception>
#include <mutex>

#include "llmsim/des/local_transport.hpp"
#include "llmsim/util/error.hpp"

namespace llmsim::app {

int Launch::run_guarded(const CliOptions& opt, des::Transport* transport) {
  const int rank = transport ? transport->rank() : 0;
  const int ranks = transport ? transport->size() : 1;
  try {
    return app::run(opt, transport);
  } catch (const des::PeerRankFailed&) {
    return 1;  // the rank that failed has reported why
  } catch (const ConfigError& e) {
    return report_error("llmsim", e, 2, "config error", rank, ranks, true, mpi_.size() > 1);
  } catch (const InputError& e) {
    return report_error("llmsim", e, 2, "input error", rank, ranks, false, mpi_.size() > 1);
  } catch (const std::exception& e) {
    return report_error("llmsim", e, 1, "error", rank, ranks, false, mpi_.size() > 1);
  }
}

int Launch::run(const CliOptions& opt) {
  if (mpi_.size() > 1) {
    const auto transport = mpi::make_world_transport();
    const int code = run_guarded(opt, transport.get());
    if (code != 0 && code != 3) mpi::abort_all(code);  // other ranks may be blocked in a collective
    return code;
  }
  if (opt.local_ranks <= 1) return run_guarded(opt, nullptr);
  std::mutex mutex;
  int code = 0;
  try {
    des::run_local_ranks(opt.local_ranks, [&](des::Transport& t) {
      const int c = run_guarded(opt, &t);
      {
        const std::lock_guard lock(mutex);
        code = std::max(code, c);
      }
      if (c != 0 && c != 3) throw Error("rank " + std::to_string(t.rank()) + " failed");
    });
  } catch (const std::exception&) {
    // the failing rank has already reported; the others were released by the transport
  }
  return code;
}

}  // namespace llmsim::app
