#!/usr/bin/env bash
# The build without MPI (LLMSIM_WITH_MPI=OFF: serial HDF5, no mpirun needed) in ./build-serial, and every test
# that does not need MPI (the mpi and slurm tests are not registered in this build).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-serial -DCMAKE_BUILD_TYPE=Release -DLLMSIM_WARNINGS_AS_ERRORS=ON -DLLMSIM_WITH_MPI=OFF
cmake --build build-serial -j "$(nproc)"
export LLMSIM_PREDICTOR_CACHE="$PWD/build-serial/predictor-cache"
cd build-serial
ctest --output-on-failure -j "$(nproc)" --timeout 300
