#!/usr/bin/env bash
# Installs the Debian 12 packages llmsim needs to build, test, post-process and run sweeps on a local single-node
# Slurm cluster (run as root or with sudo).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -o DPkg::Lock::Timeout=600
$SUDO apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=600 \
  cmake g++ make pkg-config zlib1g-dev \
  openmpi-bin libopenmpi-dev libhdf5-openmpi-dev libhdf5-dev hdf5-tools \
  libboost-serialization-dev libspdlog-dev libeigen3-dev libgtest-dev \
  nlohmann-json3-dev libyaml-cpp-dev libcli11-dev libxxhash-dev \
  python3-h5py python3-numpy python3-pandas python3-matplotlib python3-sklearn python3-torch python3-yaml \
  slurmctld slurmd slurm-client munge
