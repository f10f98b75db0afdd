#!/usr/bin/env bash
# AddressSanitizer + UndefinedBehaviorSanitizer (with float-cast-overflow) build in ./build-asan, and its tests:
# the unit and integration labels, the robustness corpus and the readers' mutation fuzzer (hostile inputs are where
# memory errors hide). Any sanitizer report fails the run (halt_on_error; the corpus treats a report on stderr as a
# crash). No test here initialises MPI (single-process runs never do), so no Open MPI suppressions are needed.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLLMSIM_SANITIZE="address;undefined;float-cast-overflow" \
  -DLLMSIM_WARNINGS_AS_ERRORS=OFF  # GCC 12's -Wmaybe-uninitialized misfires inside <regex> under -fsanitize
cmake --build build-asan -j "$(nproc)"
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LLMSIM_PREDICTOR_CACHE="$PWD/build-asan/predictor-cache"
cd build-asan
ctest --output-on-failure -j "$(nproc)" --timeout 900 -L 'unit|integration'
./tests/robustness/fuzz_readers ../configs fuzz-work 600
# The corpus limits each case's address space; ASan reserves terabytes of shadow memory, so lift that limit.
/usr/bin/python3 ../tests/robustness/run_corpus.py --bin-dir src/app --configs ../configs --memory-mb 0 \
  --workdir robustness-work
